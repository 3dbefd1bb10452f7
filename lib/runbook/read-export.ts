import type { List, PhrasingContent, Root, RootContent, Table } from "mdast";
import {
  contactKindSchema,
  gateKindSchema,
  roleSchema,
  runbookDraftSchema,
  type DraftItem,
  type DraftSection,
  type RunbookDraft,
} from "@/lib/schemas/runbook";
import {
  COMPARATOR_TEXT,
  CONTACT_COLUMNS,
  CRITERION_COLUMNS,
  CRITERION_KIND_TEXT,
  GATE_COLUMNS,
  keyOf,
  parseMinutes,
  parseOffset,
  parseSeconds,
  partOf,
  PHASE_COLUMNS,
  SERVICE_LABEL,
  type ExportPart,
} from "./export-format";
import { readInline, readQuote } from "./markdown-text";
import { sourceOf } from "./parse-text";
import { draftToPlan } from "./plan";
import { RunbookParseError, summarizeDraft, type RunbookReadResult } from "./result";

// Reads a file written by export-markdown.ts back into the runbook it was written from, exactly: texts as
// written, sections and items nested as they were, owners, due times, states, notes, phases, criteria, gates and
// contacts from their tables. Report parts (who ticked, signatures, verdicts, actions, the timeline) are skipped:
// importing an export plans the same rollout again, it does not replay it. Items marked [x] come back DONE, with
// no one recorded as having ticked them.
//
// An export someone edited is still read: items, sections and notes added in the checklist part are taken as
// written (other blocks become notes, as the ordinary importer does); a table in the structure part that cannot
// be read is a clear error rather than a guess.

/** Whether the document starts with the export's marker line. */
export function isWarRoomExport(root: Root): boolean {
  const first = root.children[0];
  return first?.type === "html" && partOf(first.value) === "export";
}

export function readWarRoomExport(root: Root, source: string, opts: { name?: string } = {}): RunbookReadResult {
  const parts: Record<"header" | ExportPart, RootContent[]> = { header: [], checklist: [], structure: [], report: [] };
  let part: "header" | ExportPart = "header";
  for (const node of root.children.slice(1)) {
    const opens = node.type === "html" ? partOf(node.value) : undefined;
    if (opens && opens !== "export") {
      part = opens;
      continue;
    }
    parts[part].push(node);
  }

  const header = readHeader(parts.header, source);
  const structure = readStructure(parts.structure);
  const draft: RunbookDraft = {
    name: opts.name?.trim() || header.name,
    service: header.service ?? header.name,
    sections: readChecklist(parts.checklist, source),
    phases: structure.phases,
    gates: structure.gates,
    contacts: structure.contacts,
  };
  if (header.description !== undefined) draft.description = header.description;

  const parsed = runbookDraftSchema.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunbookParseError("markdown", `This War Room export cannot be imported: ${issue?.path.join(".") || "runbook"} ${issue?.message ?? "is invalid"}.`);
  }
  return { draft: parsed.data, summary: summarizeDraft(parsed.data), plan: draftToPlan(parsed.data, "Read exactly from a War Room export") };
}

// ---------------------------------------------------------------------------------------------------------------

function readHeader(nodes: RootContent[], source: string): { name: string; service?: string; description?: string } {
  let name: string | undefined;
  let service: string | undefined;
  const description: string[] = [];
  for (const node of nodes) {
    if (node.type === "heading" && node.depth === 1 && name === undefined) {
      name = readInline(node.children);
    } else if (node.type === "paragraph" && service === undefined && isLabel(node.children[0], SERVICE_LABEL)) {
      service = readInline(node.children.slice(1)).replace(/^ /, "");
    } else if (node.type === "blockquote") {
      description.push(readQuote(node, source));
    } else if (node.type !== "thematicBreak") {
      description.push(sourceOf(node, source));
    }
  }
  return { name: name || "Imported runbook", service: service || undefined, description: description.length > 0 ? description.join("\n\n") : undefined };
}

function isLabel(node: PhrasingContent | undefined, label: string): boolean {
  return node?.type === "strong" && readInline(node.children) === label;
}

// ---------------------------------------------------------------------------------------------------------------
// Checklist

function readChecklist(nodes: RootContent[], source: string): DraftSection[] {
  const sections: DraftSection[] = [];
  const stack: Array<{ depth: number; section: DraftSection }> = [];
  const current = () => {
    const top = stack.at(-1);
    if (top) return top.section;
    // Items before any heading: a section of their own, which later headings do not nest under.
    const section: DraftSection = { title: "Checklist", items: [] };
    sections.push(section);
    stack.push({ depth: 7, section });
    return section;
  };

  for (const node of nodes) {
    if (node.type === "heading") {
      const section: DraftSection = { title: readInline(node.children) || "Untitled section", items: [] };
      while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= node.depth) stack.pop();
      const parent = stack.at(-1)?.section;
      if (parent) (parent.sections ??= []).push(section);
      else sections.push(section);
      stack.push({ depth: node.depth, section });
    } else if (node.type === "list") {
      const section = current();
      for (const item of readList(node, source)) section.items.push(item);
    } else if (node.type !== "thematicBreak") {
      // Text someone added: a note on the item above, or an item named after the section.
      const section = current();
      const text = sourceOf(node, source);
      const last = section.items.at(-1);
      if (last) last.note = last.note ? `${last.note}\n\n${text}` : text;
      else section.items.push({ text: section.title, state: "OPEN", note: text });
    }
  }
  return sections;
}

function readList(list: List, source: string): DraftItem[] {
  return list.children.map((listItem) => {
    const [first, ...rest] = listItem.children;
    const line = first?.type === "paragraph" ? first.children : [];
    // Whatever follows a line break on the item's line is the report (who ticked it, when): not part of the plan.
    const breakAt = line.findIndex((node) => node.type === "break");
    const own = breakAt >= 0 ? line.slice(0, breakAt) : line;
    const annotated = readAnnotation(own);
    const text = annotated ? readInline(own.slice(0, -1)).replace(/ $/, "") : readInline(own);

    const item: DraftItem = { text: text || "Untitled item", state: listItem.checked === true ? "DONE" : (annotated?.state ?? "OPEN") };
    if (annotated?.owner !== undefined) item.ownerName = annotated.owner;
    if (annotated?.due !== undefined) item.dueOffsetMinutes = annotated.due;
    const blocks = first?.type === "paragraph" ? rest : listItem.children;
    const notes = blocks.filter((b) => b.type !== "list").map((b) => (b.type === "blockquote" ? readQuote(b, source) : sourceOf(b, source)));
    if (notes.length > 0) item.note = notes.join("\n\n");
    const children = blocks.flatMap((b) => (b.type === "list" ? readList(b, source) : []));
    if (children.length > 0) item.children = children;
    return item;
  });
}

type Annotation = { state?: "SKIPPED" | "BLOCKED"; due?: number; owner?: string };

/** "*(skipped · due T-24h · owner: SRE)*" at the end of an item's line, or undefined when there is none. */
function readAnnotation(line: PhrasingContent[]): Annotation | undefined {
  const last = line.at(-1);
  if (last?.type !== "emphasis") return undefined;
  const inner = readInline(last.children).match(/^\((.*)\)$/s)?.[1];
  if (inner === undefined) return undefined;
  const annotation: Annotation = {};
  const parts = inner.split(" · ");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (part.startsWith("owner: ")) {
      // The owner comes last and may itself contain " · ".
      annotation.owner = parts.slice(i).join(" · ").slice("owner: ".length);
      break;
    }
    if (part === "skipped" || part === "blocked") annotation.state = part === "skipped" ? "SKIPPED" : "BLOCKED";
    else if (part.startsWith("due ") && parseOffset(part.slice(4)) !== undefined) annotation.due = parseOffset(part.slice(4));
    // Emphasis that is not an annotation ("*(draft)*") stays part of the text.
    else return undefined;
  }
  return annotation;
}

// ---------------------------------------------------------------------------------------------------------------
// Structure: tables of phases, criteria, gates and contacts

type Row = { number: number; get: (column: string) => string };

function rowsOf(table: Table): Row[] {
  const [head, ...body] = table.children;
  const header = (head?.children ?? []).map((cell) => readInline(cell.children));
  return body.map((row, index) => ({
    number: index + 1,
    get: (column: string) => {
      const i = header.indexOf(column);
      const cell = i >= 0 ? row.children[i] : undefined;
      return cell ? readInline(cell.children) : "";
    },
  }));
}

function headerOf(table: Table): string[] {
  return (table.children[0]?.children ?? []).map((cell) => readInline(cell.children));
}

const has = (header: string[], ...columns: string[]) => columns.every((c) => header.includes(c));

function readStructure(nodes: RootContent[]) {
  const phases: RunbookDraft["phases"] = [];
  const phaseIndex = new Map<number, number>();
  const criteria: Array<{ phase: number; criterion: RunbookDraft["phases"][number]["criteria"][number]; row: Row; table: string }> = [];
  const gates: RunbookDraft["gates"] = [];
  const contacts: RunbookDraft["contacts"] = [];

  for (const node of nodes) {
    if (node.type === "heading" || node.type === "thematicBreak") continue;
    if (node.type !== "table") {
      throw new RunbookParseError(
        "markdown",
        "The structure part of this War Room export holds only tables (phases, criteria, gates, contacts); remove the other text, or remove the first line (the War Room marker) to import it as an ordinary runbook.",
      );
    }
    const header = headerOf(node);
    if (has(header, PHASE_COLUMNS.name, PHASE_COLUMNS.traffic, PHASE_COLUMNS.duration)) {
      for (const row of rowsOf(node)) {
        const fail = failure("Rollout phases", row);
        const number = wholeNumber(row.get(PHASE_COLUMNS.number)) ?? fail(PHASE_COLUMNS.number, "is not a phase number");
        const traffic = row.get(PHASE_COLUMNS.traffic).match(/^(\d{1,3})\s*%$/)?.[1];
        const duration = parseMinutes(row.get(PHASE_COLUMNS.duration));
        phaseIndex.set(number, phases.length);
        phases.push({
          name: row.get(PHASE_COLUMNS.name),
          trafficPercent: traffic === undefined ? fail(PHASE_COLUMNS.traffic, "is not a percentage such as 10%") : Number(traffic),
          minDurationMinutes: duration ?? fail(PHASE_COLUMNS.duration, "is not a duration such as 30m or 1h30m"),
          criteria: [],
        });
      }
    } else if (has(header, CRITERION_COLUMNS.metric, CRITERION_COLUMNS.comparator, CRITERION_COLUMNS.threshold)) {
      const c = CRITERION_COLUMNS;
      for (const row of rowsOf(node)) {
        const fail = failure("Criteria", row);
        const threshold = row.get(c.threshold).trim() === "" ? NaN : Number(row.get(c.threshold));
        const pending = parseSeconds(row.get(c.pending));
        const autoRollback = row.get(c.autoRollback);
        const criterion: RunbookDraft["phases"][number]["criteria"][number] = {
          kind: keyOf(CRITERION_KIND_TEXT, row.get(c.kind)) ?? fail(c.kind, `is neither "${CRITERION_KIND_TEXT.SUCCESS}" nor "${CRITERION_KIND_TEXT.ROLLBACK_TRIGGER}"`),
          metricKey: row.get(c.metric),
          comparator: keyOf(COMPARATOR_TEXT, row.get(c.comparator)) ?? fail(c.comparator, "is not one of < <= > >= ="),
          threshold: Number.isFinite(threshold) ? threshold : fail(c.threshold, "is not a number"),
          pendingSeconds: pending ?? fail(c.pending, "is not a duration such as 0, 30s or 5m"),
          autoRollback: autoRollback === "yes" ? true : autoRollback === "no" ? false : fail(c.autoRollback, 'is neither "yes" nor "no"'),
          description: row.get(c.description),
        };
        const unit = row.get(c.unit);
        if (unit) criterion.unit = unit;
        const phase = wholeNumber(row.get(c.phase)) ?? fail(c.phase, "is not a phase number");
        criteria.push({ phase, criterion, row, table: "Criteria" });
      }
    } else if (has(header, GATE_COLUMNS.name, GATE_COLUMNS.kind, GATE_COLUMNS.roles)) {
      const g = GATE_COLUMNS;
      for (const row of rowsOf(node)) {
        const fail = failure("Sign-off gates", row);
        const kind = gateKindSchema.safeParse(row.get(g.kind));
        const roles = row.get(g.roles).split(",").map((r) => r.trim()).filter(Boolean);
        const gate: RunbookDraft["gates"][number] = {
          kind: kind.success ? kind.data : fail(g.kind, `is not one of ${gateKindSchema.options.join(", ")}`),
          name: row.get(g.name),
          requiredRoles: roles.map((r) => roleSchema.safeParse(r).data ?? fail(g.roles, `names an unknown role "${r}"`)),
          approverTitles: row.get(g.approvers).split("\n").filter((t) => t.trim() !== ""),
        };
        const guards = row.get(g.phase);
        if (guards) {
          const index = phaseIndex.get(wholeNumber(guards) ?? -1);
          gate.phaseIndex = index ?? fail(g.phase, "is not the number of a phase in the phases table");
        }
        gates.push(gate);
      }
    } else if (has(header, CONTACT_COLUMNS.role, CONTACT_COLUMNS.name, CONTACT_COLUMNS.level)) {
      const k = CONTACT_COLUMNS;
      for (const row of rowsOf(node)) {
        const fail = failure("Contacts", row);
        const kind = contactKindSchema.safeParse(row.get(k.kind) || "PERSON");
        const contact: RunbookDraft["contacts"][number] = {
          kind: kind.success ? kind.data : fail(k.kind, `is not one of ${contactKindSchema.options.join(", ")}`),
          role: row.get(k.role),
          name: row.get(k.name),
          escalationLevel: wholeNumber(row.get(k.level)) ?? fail(k.level, "is not a whole number"),
        };
        const optional = { phone: k.phone, chatHandle: k.chat, email: k.email, notes: k.notes } as const;
        for (const [field, column] of Object.entries(optional) as Array<[keyof typeof optional, string]>) {
          const value = row.get(column);
          if (value) contact[field] = value;
        }
        const after = row.get(k.escalateAfter);
        if (after) contact.escalateAfterMinutes = parseMinutes(after) ?? fail(k.escalateAfter, "is not a duration such as 5m");
        contacts.push(contact);
      }
    } else {
      throw new RunbookParseError("markdown", `This War Room export has a table War Room does not know (columns: ${header.join(", ")}).`);
    }
  }

  for (const { phase, criterion, row, table } of criteria) {
    const index = phaseIndex.get(phase);
    if (index === undefined) failure(table, row)(CRITERION_COLUMNS.phase, "is not the number of a phase in the phases table");
    else phases[index]?.criteria.push(criterion);
  }
  return { phases, gates, contacts };
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text) : undefined;
}

function failure(table: string, row: Row) {
  return (column: string, problem: string): never => {
    throw new RunbookParseError("markdown", `War Room export, ${table} table, row ${row.number}: ${column} "${row.get(column)}" ${problem}.`);
  };
}
