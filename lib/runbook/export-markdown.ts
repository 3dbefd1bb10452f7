import { describeEvent } from "@/lib/domain/describe-event";
import { criterionVerdictOf } from "@/lib/domain/gate-evidence";
import { formatValue, PHASE_STATUS, ROLLOUT_STATUS } from "@/lib/domain/status";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { ItemView } from "@/lib/domain/selects";
import type { EventEnvelope } from "@/lib/schemas/events";
import {
  COMPARATOR_TEXT,
  CONTACT_COLUMNS,
  CRITERION_COLUMNS,
  CRITERION_KIND_TEXT,
  EXPORT_MARKER,
  formatMinutes,
  formatOffset,
  formatSeconds,
  formatUtc,
  GATE_COLUMNS,
  partComment,
  PHASE_COLUMNS,
  SERVICE_LABEL,
  STRUCTURE_TITLES,
} from "./export-format";
import { escapeInline, quoteBlock } from "./markdown-text";

// The go-live report as Markdown: the runbook with every item's state, who ticked it and when, then phases,
// criteria, gates and contacts, then the report (sign-offs with signer and time, phase verdicts, actions run,
// the timeline). Pure: the caller reads the data (lib/domain/report.ts).
//
// The file re-imports to the same runbook (read-export.ts): the checklist and structure parts hold exactly what
// a runbook draft holds; everything that happened during the rollout is written in report parts, which the
// importer skips, or after a line break on an item's line, which it ignores. See export-format.ts for the parts.

/** An action run as the report shows it: no URL, headers, parameters, request or response body. */
export type ActionRunReport = {
  actionName: string;
  actionKind: string;
  status: string;
  reason: string;
  requestedBy: string | null;
  approvedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  responseStatus: number | null;
  attempts: number;
};

export type RunbookReport = {
  state: RolloutState;
  events: EventEnvelope[];
  actionRuns: ActionRunReport[];
  exportedAt: string;
  exportedBy: string;
};

type Section = RolloutState["sections"][number];

const STATE_WORD: Record<string, string> = { DONE: "Done", SKIPPED: "Skipped", BLOCKED: "Blocked" };

const cell = (text: string | number | null | undefined) => (text === null || text === undefined || text === "" ? "" : escapeInline(String(text), { cell: true }));

function table(header: string[], rows: Array<Array<string | number | null | undefined>>): string[] {
  return [
    `| ${header.map((h) => cell(h)).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** out.push(...lines) without spreading thousands of arguments onto the call stack. */
function append(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line);
}

/** Several values in one cell, one per line. */
const lines = (values: string[]) => values.join("\n");

export function exportRunbookMarkdown(report: RunbookReport): string {
  const { state } = report;
  const out: string[] = [];
  const block = (...blockLines: string[]) => append(out, [...blockLines, ""]);

  block(`<!-- ${EXPORT_MARKER}: War Room's go-live report. Importing this file gives back the runbook; the report parts are not imported. -->`);
  block(`# ${escapeInline(state.rollout.name, { heading: true })}`);
  block(`**${SERVICE_LABEL}** ${escapeInline(state.rollout.service)}`);
  if (state.rollout.description) block(quoteBlock(state.rollout.description));

  block(partComment("report"));
  append(out, reportSummary(report));

  block(partComment("checklist"));
  append(out, checklist(state));

  block(partComment("structure"));
  append(out, structure(state));

  block(partComment("report"));
  append(out, timeline(report.events));

  return `${out.join("\n").trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Checklist

function checklist(state: RolloutState): string[] {
  const byPosition = <T extends { position: number; id: string }>(a: T, b: T) => a.position - b.position || a.id.localeCompare(b.id);
  const sections = [...state.sections].sort(byPosition);
  const items = [...state.items].sort(byPosition);
  const out: string[] = [];

  const writeSection = (section: Section, level: number) => {
    // Markdown has six heading levels and the first is the title: deeper sections are written at the sixth.
    out.push(`${"#".repeat(Math.min(level + 1, 6))} ${escapeInline(section.title, { heading: true })}`, "");
    const top = items.filter((i) => i.sectionId === section.id && i.parentId === null);
    if (top.length > 0) {
      for (const item of top) writeItem(item, 0);
      out.push("");
    }
    for (const child of sections.filter((s) => s.parentId === section.id)) writeSection(child, level + 1);
  };

  const writeItem = (item: ItemView, depth: number) => {
    const indent = "  ".repeat(depth);
    const audit = auditOf(item);
    out.push(`${indent}- [${item.state === "DONE" ? "x" : " "}] ${escapeInline(item.text)}${annotation(item)}${audit ? "\\" : ""}`);
    if (audit) out.push(`${indent}  ${escapeInline(audit)}`);
    if (item.note) out.push(quoteBlock(item.note, `${indent}  `));
    for (const child of items.filter((i) => i.parentId === item.id)) writeItem(child, depth + 1);
  };

  for (const section of sections.filter((s) => s.parentId === null)) writeSection(section, 1);
  return out;
}

/** "*(skipped · due T-24h · owner: SRE)*": what the runbook says about the item besides its text. */
function annotation(item: ItemView): string {
  const parts: string[] = [];
  if (item.state === "SKIPPED" || item.state === "BLOCKED") parts.push(item.state.toLowerCase());
  if (item.dueOffsetMinutes !== null) parts.push(`due ${formatOffset(item.dueOffsetMinutes)}`);
  if (item.ownerName) parts.push(`owner: ${item.ownerName}`);
  return parts.length > 0 ? ` *(${escapeInline(parts.join(" · "))})*` : "";
}

/** Who changed the item's state and when, on the line below it; the importer ignores it. */
function auditOf(item: ItemView): string | undefined {
  const word = STATE_WORD[item.state];
  if (!word || !item.checkedAt) return undefined;
  const who = item.checkedBy ? `${item.checkedBy.name} (${item.checkedBy.role})` : "someone no longer in War Room";
  return `${word} by ${who} at ${formatUtc(item.checkedAt)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Structure: phases, criteria, gates, contacts

function structure(state: RolloutState): string[] {
  const phases = [...state.phases].sort((a, b) => a.position - b.position);
  const phaseNumber = new Map(phases.map((p, i) => [p.id, i + 1]));
  const out: string[] = [];

  out.push(`## ${STRUCTURE_TITLES.phases}`, "");
  if (phases.length > 0) {
    append(out, [
      ...table(
        [PHASE_COLUMNS.number, PHASE_COLUMNS.name, PHASE_COLUMNS.traffic, PHASE_COLUMNS.duration],
        phases.map((p, i) => [i + 1, p.name, `${p.trafficPercent}%`, formatMinutes(p.minDurationMinutes)]),
      ),
      "",
    ]);
    const criteria = phases.flatMap((p, i) => p.criteria.map((c) => ({ ...c, phase: i + 1 })));
    if (criteria.length > 0) {
      const c = CRITERION_COLUMNS;
      out.push(`### ${STRUCTURE_TITLES.criteria}`, "");
      append(out, [
        ...table(
          [c.phase, c.kind, c.metric, c.comparator, c.threshold, c.unit, c.pending, c.autoRollback, c.description],
          criteria.map((x) => [
            x.phase,
            CRITERION_KIND_TEXT[x.kind],
            x.metricKey,
            COMPARATOR_TEXT[x.comparator],
            String(x.threshold),
            x.unit,
            formatSeconds(x.pendingSeconds),
            x.autoRollback ? "yes" : "no",
            x.description,
          ]),
        ),
        "",
      ]);
    }
  }

  const gates = [...state.gates].sort((a, b) => a.position - b.position);
  out.push(`## ${STRUCTURE_TITLES.gates}`, "");
  if (gates.length > 0) {
    const g = GATE_COLUMNS;
    append(out, [
      ...table(
        [g.number, g.name, g.kind, g.roles, g.approvers, g.phase],
        gates.map((gate, i) => [
          i + 1,
          gate.name,
          gate.kind,
          gate.requiredRoles.join(", "),
          lines(gate.approverTitles),
          gate.phaseId ? phaseNumber.get(gate.phaseId) : null,
        ]),
      ),
      "",
    ]);
  }

  const contacts = [...state.contacts].sort((a, b) => a.position - b.position);
  out.push(`## ${STRUCTURE_TITLES.contacts}`, "");
  if (contacts.length > 0) {
    const k = CONTACT_COLUMNS;
    append(out, [
      ...table(
        [k.level, k.role, k.name, k.kind, k.phone, k.chat, k.email, k.escalateAfter, k.notes],
        contacts.map((c) => [
          c.escalationLevel,
          c.role,
          c.name,
          c.kind,
          c.phone,
          c.chatHandle,
          c.email,
          c.escalateAfterMinutes === null ? null : formatMinutes(c.escalateAfterMinutes),
          c.notes,
        ]),
      ),
      "",
    ]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function reportSummary(report: RunbookReport): string[] {
  const { state } = report;
  const { rollout } = state;
  const count = (s: string) => state.items.filter((i) => i.state === s).length;
  const progress = [`${count("DONE")} of ${state.items.length} done`];
  if (count("SKIPPED")) progress.push(`${count("SKIPPED")} skipped`);
  if (count("BLOCKED")) progress.push(`${count("BLOCKED")} blocked`);
  const out: string[] = ["## Go-live report", ""];
  const fact = (label: string, value: string) => out.push(`- **${label}:** ${escapeInline(value)}`);
  fact("Status", ROLLOUT_STATUS[rollout.status].label);
  fact("Planned start (T0)", formatUtc(rollout.plannedStartAt));
  fact("Started", formatUtc(rollout.startedAt));
  fact("Ended", formatUtc(rollout.endedAt));
  fact("Checklist", progress.join(", "));
  fact("Exported", `${formatUtc(report.exportedAt)} by ${report.exportedBy}`);
  out.push("");

  out.push("### Sign-offs", "");
  const signatures = state.gates.flatMap((gate) => gate.signatures.map((s) => ({ gate, s })));
  if (signatures.length === 0) out.push("No one has signed yet.", "");
  else {
    signatures.sort((a, b) => a.s.createdAt.localeCompare(b.s.createdAt));
    append(out, [
      ...table(
        ["Gate", "Decision", "Signed by", "Role", "At", "Traffic", "Comment"],
        signatures.map(({ gate, s }) => [
          gate.name,
          s.decision === "GO" ? "GO" : "NO-GO",
          s.signer.name,
          s.signerRole,
          formatUtc(s.createdAt),
          s.trafficPercent === null ? null : `${s.trafficPercent}%`,
          s.comment,
        ]),
      ),
      "",
    ]);
  }

  out.push("### Phase verdicts", "");
  const phases = [...state.phases].sort((a, b) => a.position - b.position);
  if (phases.length === 0) out.push("This rollout has no phases.", "");
  else {
    append(out, [
      ...table(
        ["#", "Phase", "Traffic", "Status", "Verdict", "Started", "Ended", "Verdict at"],
        phases.map((p, i) => [
          i + 1,
          p.name,
          `${p.trafficPercent}%`,
          PHASE_STATUS[p.status].label,
          p.verdict ?? "—",
          formatUtc(p.startedAt),
          formatUtc(p.endedAt),
          formatUtc(p.verdictAt),
        ]),
      ),
      "",
    ]);
    const measured = phases.flatMap((p, i) =>
      p.criteria.filter((c) => c.lastEvaluatedAt !== null).map((c) => [i + 1, c.description, formatValue(c.lastValue, c.unit), criterionVerdictOf(c).label, formatUtc(c.lastEvaluatedAt)]),
    );
    if (measured.length > 0) append(out, [...table(["Phase", "Criterion", "Last value", "State", "Evaluated"], measured), ""]);
  }

  out.push("### Actions run", "");
  if (report.actionRuns.length === 0) out.push("No actions were run.", "");
  else {
    append(out, [
      ...table(
        ["Requested", "Action", "Kind", "Status", "Requested by", "Approved by", "Reason", "Finished", "Result"],
        report.actionRuns.map((r) => [
          formatUtc(r.createdAt),
          r.actionName,
          r.actionKind,
          r.status,
          r.requestedBy ?? "—",
          r.approvedBy ?? "—",
          r.reason,
          formatUtc(r.finishedAt),
          [
            r.responseStatus === null ? null : `HTTP ${r.responseStatus}`,
            r.durationMs === null ? null : `${r.durationMs} ms`,
            r.attempts > 1 ? `${r.attempts} attempts` : null,
          ]
            .filter(Boolean)
            .join(", "),
        ]),
      ),
      "",
    ]);
  }
  return out;
}

function timeline(events: EventEnvelope[]): string[] {
  const out: string[] = ["## Timeline", ""];
  if (events.length === 0) return [...out, "Nothing has happened yet.", ""];
  append(out, [...table(["#", "Time", "Who", "What"], events.map((e) => [e.seq, formatUtc(e.at), e.actor.name, describeEvent(e)])), ""]);
  return out;
}
