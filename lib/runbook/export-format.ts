import { formatTOffset } from "./t-offset";
import type { RunbookDraft } from "@/lib/schemas/runbook";

// The vocabulary of War Room's Markdown export, shared by the writer (export-markdown.ts) and the reader
// (read-export.ts) so the two cannot drift apart.
//
// An export is one Markdown file in parts, each opened by an HTML comment (invisible when rendered):
//   <!-- war-room:export v1 … -->   first line: the file is an export; then the title, service and description
//   <!-- war-room:checklist -->     the sections and items, with owners, due times, states and notes
//   <!-- war-room:structure -->     tables of phases, criteria, sign-off gates and contacts
//   <!-- war-room:report -->        the go-live report: who ticked and signed when, verdicts, actions, timeline
// Re-importing reads the first three exactly and skips every report part.

export const EXPORT_MARKER = "war-room:export v1";

export type ExportPart = "checklist" | "structure" | "report";

export function partComment(part: ExportPart): string {
  return `<!-- war-room:${part} -->`;
}

/** The part an HTML node opens, "export" for the file's first line, or undefined for any other HTML. */
export function partOf(html: string): ExportPart | "export" | undefined {
  const match = html.trim().match(/^<!--\s*war-room:(export v1|checklist|structure|report)\b[\s\S]*-->$/);
  if (!match) return undefined;
  return match[1] === "export v1" ? "export" : (match[1] as ExportPart);
}

export const SERVICE_LABEL = "Service:";

// Section titles of the structure part and the columns of its tables (read by name, in any order).
export const STRUCTURE_TITLES = { phases: "Rollout phases", criteria: "Criteria", gates: "Sign-off gates", contacts: "Contacts" } as const;

export const PHASE_COLUMNS = { number: "#", name: "Phase", traffic: "Traffic", duration: "Minimum duration" } as const;
export const CRITERION_COLUMNS = {
  phase: "Phase",
  kind: "Kind",
  metric: "Metric",
  comparator: "Comparator",
  threshold: "Threshold",
  unit: "Unit",
  pending: "For",
  autoRollback: "Auto-rollback",
  description: "As written",
} as const;
export const GATE_COLUMNS = {
  number: "#",
  name: "Gate",
  kind: "Kind",
  roles: "Signed by",
  approvers: "Approvers",
  phase: "Guards phase",
} as const;
export const CONTACT_COLUMNS = {
  level: "Level",
  role: "Role",
  name: "Name",
  kind: "Kind",
  phone: "Phone",
  chat: "Chat",
  email: "Email",
  escalateAfter: "Escalate after",
  notes: "Notes",
} as const;

type Criterion = RunbookDraft["phases"][number]["criteria"][number];

export const CRITERION_KIND_TEXT: Record<Criterion["kind"], string> = { SUCCESS: "Success criterion", ROLLBACK_TRIGGER: "Rollback trigger" };
export const COMPARATOR_TEXT: Record<Criterion["comparator"], string> = { LT: "<", LTE: "<=", GT: ">", GTE: ">=", EQ: "=" };

export function keyOf<T extends string>(table: Record<T, string>, text: string): T | undefined {
  return (Object.keys(table) as T[]).find((key) => table[key] === text);
}

/** A duration in seconds as "1h5m30s" ("0" for none). */
export function formatSeconds(total: number): string {
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("") || "0";
}

/** The seconds of a duration written by formatSeconds, or undefined. */
export function parseSeconds(text: string): number | undefined {
  const t = text.trim();
  if (t === "0") return 0;
  const match = t.match(/^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/);
  if (!match || t === "") return undefined;
  const [, d = "0", h = "0", m = "0", s = "0"] = match;
  return Number(d) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
}

export const formatMinutes = (minutes: number) => formatSeconds(minutes * 60);

export function parseMinutes(text: string): number | undefined {
  const seconds = parseSeconds(text);
  return seconds !== undefined && seconds % 60 === 0 ? seconds / 60 : undefined;
}

/** A due offset as runbooks write it: "T-24h", "T+15m", "T-0". */
export const formatOffset = formatTOffset;

/** The minutes of an offset written by formatOffset, or undefined. */
export function parseOffset(text: string): number | undefined {
  const match = text.trim().match(/^T([+-])(.+)$/);
  if (!match) return undefined;
  const minutes = parseMinutes(match[2] ?? "");
  if (minutes === undefined) return undefined;
  return match[1] === "-" ? -minutes + 0 : minutes;
}

/** A time in the report: "2026-12-01 11:02:03 UTC" (one zone for everyone who reads the file). */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return "—";
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
