import { cleanValue } from "./parse-placeholder";

// Metadata lines: "Owner: [QA Lead]", "Time: T-2h", "Duration: 1-2 hours", "Status: ☐ Not Started", "Cohort: 5%
// of EU users". Written as sub-bullets of a task they describe that task (owner, due time, state, note), not
// child tasks; written at the top of a section they describe the section's tasks (owner, due time) or phase
// (duration).

export type MetadataField = "owner" | "due" | "duration" | "status" | "note";
export type Metadata = { field: MetadataField; label: string; value: string };

const FIELDS: Array<[RegExp, MetadataField]> = [
  [/^(owner|owners|owned by|assignee|assigned to|responsible|responsible party|accountable|dri|who|performed by|executed by|executor|point person)$/i, "owner"],
  [/^(time|when|due|due date|due by|deadline|eta|scheduled|schedule|start|start time|timing|target time|target date|by|date)$/i, "due"],
  [/^(duration|est|est\.|estimate|estimated time|estimated duration|effort|time required|expected duration|expected time|takes|length|time estimate|time needed)$/i, "duration"],
  [/^(status|state|progress)$/i, "status"],
];

/** A "Label: value" line's metadata, or undefined. `generic` also accepts any short label as a note ("Cohort"). */
export function readMetadata(text: string, generic: boolean): Metadata | undefined {
  const flat = text.replace(/\*+/g, "").replace(/\s+/g, " ").trim();
  const match = flat.match(/^([\p{L}][\p{L}\d .'/&()-]{0,40}?)\s*:\s*(.*)$/u);
  if (!match) return undefined;
  const label = (match[1] ?? "").trim();
  const value = (match[2] ?? "").trim();
  for (const [pattern, field] of FIELDS) if (pattern.test(label)) return { field, label, value };
  if (!generic || value.length === 0 || label.split(" ").length > 3 || /^https?$/i.test(label)) return undefined;
  return { field: "note", label, value };
}

/** The item state a status value sets; undefined for a template ("☐ Not Started / ☐ In Progress") or unknown. */
export function statusState(value: string): "DONE" | "BLOCKED" | "SKIPPED" | "OPEN" | undefined {
  if ((value.match(/☐|☑|✅|\[[ xX]\]/g) ?? []).length > 1) return undefined;
  const v = value.replace(/[☑✅✔️]/g, " done ").toLowerCase();
  if (/\b(done|complete|completed|finished|passed|yes|\[x\])\b/.test(v)) return "DONE";
  if (/\b(blocked|on hold)\b/.test(v)) return "BLOCKED";
  if (/\b(skipped|n\/a|not applicable|cancelled|canceled)\b/.test(v)) return "SKIPPED";
  if (/\b(not started|pending|open|to ?do|in progress)\b/.test(v)) return "OPEN";
  return undefined;
}

/** An owner value without its placeholders, or undefined ("[Name]", "TBD"). */
export function ownerValue(value: string): string | undefined {
  return cleanValue(value)?.slice(0, 200);
}
