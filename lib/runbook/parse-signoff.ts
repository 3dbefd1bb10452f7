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

// Who signs: a line's label names an approver only when it names a role ("Business Owner", "CTO", "QA Lead").
const ROLE_WORD =
  /\b(lead|leads|owner|manager|director|officer|commander|engineer|architect|head|vp|cto|ceo|cio|ciso|coo|cfo|president|sponsor|approver|chair|dba|sre|qa|security|product|business|stakeholder|legal|compliance|finance|operations|ops|support|on-?call|board|committee|executive|administrator|representative|champion|coordinator|analyst|steward)\b/i;
// Form fields of a template: never approvers, whatever their blank says.
const FORM_FIELD =
  /^(status|state|phone|phone number|mobile|cell|email|e-?mail address|date|time|date\s*[/&]\s*time|date and time|when|name|printed name|notes?|comments?|version|ticket|change (?:id|number)|location|environment|priority|result|outcome|decision|reason|duration|start(?: time)?|end(?: time)?|owner|assignee|initial traffic\s*(?:%|percent(?:age)?)?|traffic\s*(?:%|percent(?:age)?)?|signature|signed|initials|title|department|team|contact)$/i;
const SIGN_BLANK = /_{3,}|☐|\[\s\]|\[(?:signature|sign(?:ed)?|date|name|initials)\]/i;
const SIGNED_MARK = /✅|✔️?|☑️?|\bapproved\b|\bGO\s*\/\s*NO[- ]?GO\b|\bsigned\b|\[signature\]/i;
const SIGNOFF_LABEL = /^(sign[- ]?off|sign[- ]?offs|approval|approvals|approved by|signed off by|signature|authori[sz]ation|authori[sz]ed by)$/i;

// The last word of an approver's title is who they are ("Security Lead", not "Security tests").
const ROLE_NOUN =
  /\b(lead|leads|owner|manager|director|officer|commander|engineer|architect|head|vp|cto|ceo|cio|ciso|coo|cfo|president|sponsor|approver|chair|dba|sre|qa|review|reviewer|representative|champion|coordinator|analyst|steward|team|board|committee|executive|administrator|admin|security|legal|compliance|finance|operations|ops|support|product|business|stakeholder|engineering|devops)$/i;
const isRoleTitle = (label: string) => ROLE_NOUN.test(approverOf(label)) && approverOf(label).split(/\s+/).length <= 6;

/** "CTO Approval" → "CTO", "Security sign-off" → "Security". */
function approverOf(label: string): string {
  return label.replace(/\s+(?:approval|sign[- ]?off|signature|go\s*\/\s*no[- ]?go)$/i, "").trim();
}

/**
 * A line that asks someone to sign, as a sign-off form writes it: "**Business Owner:** GO / NO-GO - [Signature]
 * [Date]", "**CTO Approval:** ✅ APPROVED", "**Sign-off**: Platform Owner ____ Date: ____", "QA Lead: ____".
 * `approver` is who; `field` marks a form field ("Date: ____", "Status: ☐ Not Started") that is no approver.
 * Undefined when the line is not a sign-off line.
 */
export function readSignatureLine(text: string): { approver?: string; field?: string } | undefined {
  const flat = text.replace(/\*+/g, "").replace(/\s+/g, " ").trim();
  const colon = flat.match(/^([^:]{1,80}?)\s*:\s*(.*)$/);
  if (colon) {
    const label = stripDecoration(colon[1] ?? "").trim();
    const value = colon[2] ?? "";
    if (SIGNOFF_LABEL.test(label)) {
      const who = value.split(SIGN_BLANK)[0]?.replace(/[\s,;:-]+$/, "").trim();
      return who && ROLE_WORD.test(who) && who.split(" ").length <= 6 ? { approver: who } : undefined;
    }
    if (FORM_FIELD.test(label)) return SIGN_BLANK.test(value) || value.trim() === "" ? { field: label } : undefined;
    const marked = SIGN_BLANK.test(value) || SIGNED_MARK.test(value) || value.trim() === "";
    if (marked && isRoleTitle(label) && (value.trim() !== "" || /approval|sign[- ]?off/i.test(label))) {
      return { approver: approverOf(label) };
    }
    return undefined;
  }
  // "Business Owner ____", "Security Lead — [Signature]".
  const bare = flat.match(/^(.{2,60}?)\s*[—–-]?\s*(?:_{3,}|\[signature\])/i);
  const label = stripDecoration(bare?.[1] ?? "");
  if (bare && isRoleTitle(label) && !FORM_FIELD.test(label)) return { approver: approverOf(label) };
  return undefined;
}
