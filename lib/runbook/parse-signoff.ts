import type { RunbookDraft } from "@/lib/schemas/runbook";
import { stripDecoration } from "./parse-text";

// Sign-off lines and the gates they make: "Engineering Lead: ____ Date: ____", "Product manager approval" under a
// sign-off heading, "Go-Live Authorization" with its Business Owner line, "Go/No-Go Decision: 12:35 PM".

export type GateKind = RunbookDraft["gates"][number]["kind"];

// A line that leaves room to sign: underscores, dots, an empty box.
const BLANK = String.raw`(?:_{3,}|\.{5,}|…{2,}|\[\s*\]|☐)`;

// Labels on a sign-off form that are not approvers. The signature itself records when and at what traffic
// (Signature.createdAt, Signature.trafficPercent); the gate's name lists them so the signer knows to give them.
const FIELD =
  /^(date|time|date\s*[/&]\s*time|date and time|when|initial traffic\s*(%|percent(age)?)?|traffic\s*(%|percent(age)?)?|comments?|notes?|version|ticket|change (id|number))$/i;
// Labels that say "someone signs here" without saying who.
const GENERIC = /^(name|signature|signed|sign|approver|approved by|signed by|initials)$/i;

/** A heading, label or parent item that introduces sign-offs. */
export function isSignoffTitle(text: string): boolean {
  return /\bsign[- ]?offs?\b|\bapprov(?:als?|ed by|ers?)\b|\bauthori[sz]ations?\b|\bsignatures?\b/i.test(text);
}

/** A Go/No-Go decision point. */
export function isGoNoGo(text: string): boolean {
  return /\bgo\s*\/\s*no[- ]?go\b/i.test(text);
}

/** An approver's title, or a form field of the sign-off ("Date/Time", "Initial Traffic %"). */
export type SignoffLine = { title?: string; field?: string };

/**
 * A line with a blank to sign ("Engineering Lead: ____ Date: ____" → title "Engineering Lead"; "Date/Time: ____"
 * → field "Date/Time"), or undefined when the line has no blank.
 */
export function parseSignoffLine(text: string): SignoffLine | undefined {
  const match = text.match(new RegExp(String.raw`^(.+?)\s*:\s*${BLANK}`));
  if (!match) return undefined;
  const label = stripDecoration(match[1] ?? "").trim();
  if (label.length === 0 || label.length > 120) return {};
  if (FIELD.test(label) || GENERIC.test(label)) return { field: label };
  return { title: label };
}

/**
 * The approver an approval item names, for items under a sign-off heading: "Product manager approval" →
 * "Product manager", "Approved by: CTO" → "CTO", "Sign-off from Security" → "Security".
 */
export function approvalTitle(text: string): string | undefined {
  const t = stripDecoration(text).replace(/[.:]+$/, "").trim();
  const suffix = t.match(/^(.+?)\s+(?:approval|sign[- ]?off|signature|approves|signs off)$/i);
  const prefix = t.match(/^(?:approved by|signed(?: off)? by|sign[- ]?off (?:from|by)|approval (?:from|by))\s*:?\s+(.+)$/i);
  const title = (suffix?.[1] ?? prefix?.[1])?.trim();
  return title && title.length <= 120 ? title : undefined;
}

const KIND_RULES: Array<[RegExp, GateKind]> = [
  [/\bgo\s*\/\s*no[- ]?go\b/i, "GO_NO_GO"],
  [/\bpre[- ]?(deploy\w*|launch|release|go[- ]?live|production|flight)\b|\bbefore\b|\bapproved by\b|\bapprovals?\b|\breadiness\b/i, "PRE_DEPLOYMENT"],
  [/\bpost[- ]?\w+|\bverification\b|\bafter\b|\bstability\b|\bclose[- ]?out\b|\bretro\w*/i, "POST_DEPLOYMENT"],
  [/\bgo[- ]?live\b|\bauthori[sz]\w*|\bexecution\b|\blaunch\b|\bcut[- ]?over\b|\brelease\b/i, "GO_LIVE"],
];

/**
 * The gate kind its label says, else what the enclosing headings say (innermost first), else the timing of the
 * section (before go-live: pre-deployment; after: post-deployment), else CUSTOM.
 */
export function gateKindOf(labels: string[], offsetMinutes: number | undefined): GateKind {
  for (const label of labels) {
    for (const [pattern, kind] of KIND_RULES) if (pattern.test(label)) return kind;
  }
  if (offsetMinutes !== undefined && offsetMinutes < 0) return "PRE_DEPLOYMENT";
  if (offsetMinutes !== undefined && offsetMinutes > 0) return "POST_DEPLOYMENT";
  return "CUSTOM";
}
