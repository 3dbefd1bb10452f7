import type { Code, List, ListItem, Nodes, Paragraph, RootContent, Table } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { repairMojibake } from "./mojibake";
import { draftFromPlan, type ImportPlan, type PlanCriterion, type PlanElement, type PlanElementKind, type PlanPhase, type PlanSection } from "./plan";
import { isWarRoomExport, readWarRoomExport } from "./read-export";
import { RunbookParseError, type RunbookReadResult } from "./result";
import { addContact, contactFromListLine, contactFromLine, contactsFromTable, contactTree, escalationChain, isContactSectionTitle, isEscalationTitle, type DraftContact } from "./parse-contacts";
import { criteriaLinesInCode, criterionKindOfLabel, inferCriterionKind, parsePendingSeconds, readCriteria, sameAsReference, type CriterionKind, type ParsedCriterion } from "./parse-criteria";
import { readMetadata, statusState, ownerValue } from "./parse-metadata";
import { allSections, findT0, lineOf, markPhases, outline, type RawSection } from "./parse-outline";
import { extractOwner } from "./parse-owner";
import { isCheckpointTitle, phaseDurationFromBody, phaseFromListItem, type PhaseSpec } from "./parse-phase";
import { cleanValue, isPlaceholder } from "./parse-placeholder";
import { approvalTitle, gateKindOf, isGoNoGo, isSignoffTitle, readSignatureLine, type GateKind } from "./parse-signoff";
import { clip, collapse, labelOf, nodeText, sourceOf, stripDecoration } from "./parse-text";
import { clockOffset, isClockOnly, parseDueOffset, parseObservationMinutes } from "./parse-time";

export { RunbookParseError, type RunbookSummary } from "./result";

// The Markdown runbook importer: Markdown in, an import plan (plan.ts) and the RunbookDraft it stores out. Pure.
//
// A small pipeline over remark's tree (GFM: task lists, tables), never line by line:
// 1. the outline pass (parse-outline.ts): title, preamble, footer, sections by heading level;
// 2. what each heading says about its section: a T-offset ("T-Minus 24 Hours", "Day Before Go-Live"), a phase
//    ("Phase 2: 10% Canary (24h)"; checkpoints are not phases), criteria or triggers ("Rollback Criteria",
//    "Automatic Halt Rules"), sign-offs, contacts;
// 3. classifiers that claim blocks, each element keeping its source lines and the reason it was read so:
//    sign-off lines, contacts, criteria and triggers (lists, tables, bold-label lines, lead sentences that give a
//    pending period), phases from list steps, metadata sub-bullets (applied to their parent), checklist items;
// 4. everything left is a note (on the item it sits under or beside).
// A War Room export (its first line is the export marker) is read exactly by read-export.ts instead.
//
// In a document that uses checkboxes, the checkboxes are the tasks: a plain bullet is a note unless it is
// clearly a step (a numbered list, "Step N", a bullet holding checkboxes, or a bullet under a procedure heading).

type Scope = {
  sectionId: string | null;
  title: string;
  /** This section's title and its ancestors', innermost first. */
  titles: string[];
  offset?: number;
  ownOffset: boolean;
  /** The phase this section belongs to (its criteria's), or undefined outside phases. */
  phaseIndex?: number;
  criteriaKind?: CriterionKind;
  /** A heading about metrics or thresholds: measurable lines in it are criteria. */
  measuring: boolean;
  signoff: boolean;
  contacts: boolean;
  escalation: boolean;
  procedure: boolean;
  owner?: string;
};

/** What a lead sentence or label says about the block after it. */
type Lead = { text: string; criteriaKind?: CriterionKind; pendingSeconds: number; signoff: boolean; owner?: string; measuring: boolean; element?: PlanElement };

type SignoffGroup = { name: string; approvers: string[]; fields: string[]; start: number; end: number; scope: Scope };

type ListContext = { lead?: Lead; parent?: PlanElement; due?: number; owner?: string; group: SignoffGroup; ordered: boolean };

const OWNER_LABEL =
  /\b(lead|leads|admin|administrator|engineer|engineers|manager|owner|commander|communications|comms|team|officer|director|dba|sre|devops|operations|ops|support|security|product|qa|architect|analyst|developer|on-?call|cto|ceo|vp)\b/i;
const MEASURING_TITLE = /\b(metrics?|thresholds?|kpis?|slos?|slis?|criteria|triggers?|health checks?|monitoring|alerts?|guardrails?|limits)\b/i;
const PROCEDURE_TITLE = /\b(steps?|procedures?|instructions|how to|playbook|execution|rollback plan|runbook)\b/i;
const KNOWN_METRIC = /^(latency|error_rate|availability|cpu|memory|throughput|success_rate|cache_hit_rate|cache_miss_rate)/;

/** Lines of a node: its first to last source line. */
const linesOf = (node: Nodes | undefined) => (node?.position ? { start: node.position.start.line, end: node.position.end.line } : null);

class PlanBuilder {
  readonly sections: PlanSection[] = [];
  readonly elements: PlanElement[] = [];
  readonly phases: Array<PlanPhase & { spec: PhaseSpec }> = [];
  private lastPhase: number | undefined;
  private readonly criteriaCache = new Map<string, ParsedCriterion[]>();

  constructor(
    private readonly source: string,
    private readonly t0: number | undefined,
    private readonly listPhases: boolean,
    private readonly checkboxDoc: boolean,
  ) {}

  // -------------------------------------------------------------------------------------------------------------
  // Elements

  private add(kind: PlanElementKind, text: string, lines: PlanElement["lines"], reason: string, scope: Scope, extra: Partial<PlanElement> = {}): PlanElement {
    const element: PlanElement = {
      id: `e${this.elements.length + 1}`,
      kind,
      text: clip(text, 10_000),
      lines,
      reason,
      sectionId: scope.sectionId,
      parentId: null,
      phaseIndex: null,
      dropped: false,
      item: { state: "OPEN" },
      ...extra,
    };
    this.elements.push(element);
    return element;
  }

  private criterion(text: string, parsed: ParsedCriterion, kind: CriterionKind, lines: PlanElement["lines"], reason: string, scope: Scope, extra: { pendingSeconds?: number; phaseIndex?: number } = {}) {
    const criterion: PlanCriterion = {
      metricKey: parsed.metricKey,
      comparator: parsed.comparator,
      threshold: parsed.relativeTo ? null : parsed.threshold,
      pendingSeconds: parsed.pendingSeconds || extra.pendingSeconds || 0,
    };
    if (parsed.unit && !parsed.relativeTo) criterion.unit = parsed.unit;
    if (parsed.relativeTo) criterion.relativeTo = parsed.relativeTo;
    const phaseIndex = extra.phaseIndex ?? scope.phaseIndex;
    return this.add(kind === "ROLLBACK_TRIGGER" ? "trigger" : "criterion", text, lines, reason, scope, {
      criterion,
      phaseIndex: phaseIndex ?? null,
      item: { state: "OPEN", dueOffsetMinutes: scope.offset },
      review: parsed.relativeTo ? "Relative threshold: set an absolute threshold (or keep it as a reminder item)." : undefined,
    });
  }

  private phase(name: string, spec: PhaseSpec, lines: PlanPhase["lines"], reason: string, body: string[]): number {
    const duration = spec.minDurationMinutes ?? phaseDurationFromBody(body) ?? parseObservationMinutes(body.join("\n"));
    this.phases.push({
      name: clip(name, 200),
      trafficPercent: Math.min(100, Math.max(0, spec.trafficPercent)),
      minDurationMinutes: Math.min(525_600, duration ?? 0),
      lines,
      reason: duration === undefined ? `${reason}; no duration written` : reason,
      spec,
    });
    this.lastPhase = this.phases.length - 1;
    return this.phases.length - 1;
  }

  private gate(group: SignoffGroup, reason: string): void {
    if (group.approvers.length === 0 && group.fields.length === 0) return;
    const label = stripDecoration(group.name) || group.name;
    const fields = [...new Set(group.fields)];
    const approvers = [...new Set(group.approvers)];
    // A form with fields but no approver is a template, not a gate.
    if (approvers.length === 0) {
      this.add("note", `${label}: ${fields.join(", ")}`, { start: group.start, end: group.end }, "Form fields with blanks and no approver: a template, not a sign-off", group.scope, { dropped: true });
      return;
    }
    const kind: GateKind = gateKindOf([group.name, ...group.scope.titles], group.scope.offset);
    this.add("gate", fields.length > 0 ? `${label} (${fields.join(", ")})` : label, { start: group.start, end: group.end }, reason, group.scope, {
      gate: { gateKind: kind, approverTitles: approvers.slice(0, 20).map((t) => clip(t, 200)) },
      phaseIndex: kind === "GO_NO_GO" && group.scope.phaseIndex !== undefined && group.scope.phaseIndex + 1 < this.phases.length + 1 ? group.scope.phaseIndex + 1 : null,
    });
    group.approvers = [];
    group.fields = [];
  }

  private contact(contact: DraftContact, text: string, lines: PlanElement["lines"], reason: string, scope: Scope): void {
    // A contacts block repeating a role from a roles table adds its details to that contact.
    const existing = this.elements.filter((e) => e.kind === "contact" && e.contact).map((e) => e.contact!);
    const before = existing.length;
    addContact(existing, contact);
    if (existing.length === before) return;
    this.add("contact", text, lines, reason, scope, { contact });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sections

  section(raw: RawSection, parent: Scope | undefined, parentId: string | null): void {
    const id = `s${this.sections.length + 1}`;
    this.sections.push({ id, title: clip(raw.title, 300), parentId, lines: { start: raw.line, end: raw.line } });
    const ownOffset = parseDueOffset(raw.title) ?? clockOffset(raw.title, this.t0);
    const checkpoint = isCheckpointTitle(raw.title);
    const scope: Scope = {
      sectionId: id,
      title: raw.title,
      titles: [raw.title, ...(parent?.titles ?? [])],
      offset: ownOffset ?? parent?.offset,
      ownOffset: ownOffset !== undefined,
      phaseIndex: parent?.phaseIndex,
      criteriaKind: criterionKindOfLabel(raw.title) ?? parent?.criteriaKind,
      measuring: MEASURING_TITLE.test(raw.title) || (parent?.measuring ?? false),
      signoff: isSignoffTitle(raw.title) || (parent?.signoff ?? false),
      contacts: isContactSectionTitle(raw.title) || (parent?.contacts ?? false),
      escalation: isEscalationTitle(raw.title),
      procedure: PROCEDURE_TITLE.test(raw.title) || (parent?.procedure ?? false),
      owner: parent?.owner,
    };
    if (raw.phase) {
      scope.phaseIndex = this.phase(raw.title, raw.phase, { start: raw.line, end: raw.line }, "A phase heading: it names a traffic level", this.bodyLines(raw));
      scope.criteriaKind = criterionKindOfLabel(raw.title);
    } else if (checkpoint && scope.phaseIndex === undefined && this.phases.length > 0) {
      // "Checkpoint #1 (After Canary 10%)": its criteria belong to the phase it looks back at.
      const percent = Number(raw.title.match(/(\d{1,3}(?:\.\d+)?)\s*%/)?.[1] ?? NaN);
      const match = this.phases.findIndex((p) => p.spec.trafficPercent === percent);
      scope.phaseIndex = match >= 0 ? match : this.lastPhase;
    }
    if (isGoNoGo(raw.title)) {
      this.add("gate", stripDecoration(raw.title) || raw.title, { start: raw.line, end: raw.line }, "A go/no-go heading: a decision the commander signs", scope, {
        gate: { gateKind: "GO_NO_GO", approverTitles: [] },
        phaseIndex: scope.phaseIndex !== undefined ? scope.phaseIndex + 1 : null,
      });
    }
    this.blocks(raw.blocks, scope);
    for (const child of raw.children) this.section(child, scope, id);
  }

  private bodyLines(raw: RawSection): string[] {
    const lines = raw.blocks.flatMap((block) => sourceOf(block, this.source).split("\n"));
    return [...lines, ...raw.children.flatMap((c) => [c.title, ...this.bodyLines(c)])];
  }

  // -------------------------------------------------------------------------------------------------------------
  // Blocks

  private blocks(blocks: RootContent[], scope: Scope): void {
    let lead: Lead | undefined;
    blocks.forEach((block, index) => {
      const next = blocks[index + 1];
      const carried = lead;
      lead = undefined;
      switch (block.type) {
        case "paragraph": {
          const text = nodeText(block).trim();
          const short = labelOf(collapse(text));
          const label = short ?? leadSentence(collapse(text));
          if (label && next && (next.type === "list" || next.type === "table" || next.type === "code" || (short && next.type === "paragraph" && !labelOf(collapse(nodeText(next)))))) {
            lead = this.lead(label, block, scope);
            return;
          }
          this.paragraph(block, text, scope, carried);
          return;
        }
        case "list":
          this.list(block, scope, carried);
          return;
        case "table":
          this.table(block, scope, carried);
          return;
        case "code":
          this.code(block, scope, carried);
          return;
        case "thematicBreak":
          return;
        default:
          this.note(block, scope, "Text that is no task: a note");
      }
    });
  }

  private note(node: Nodes, scope: Scope, reason: string, parent?: PlanElement): PlanElement {
    // A note's due time is its section's: used when the note has to stand as the section's one item.
    return this.add("note", sourceOf(node, this.source), linesOf(node), reason, scope, { parentId: parent?.id ?? null, item: { state: "OPEN", ...(scope.offset !== undefined ? { dueOffsetMinutes: scope.offset } : {}) } });
  }

  /** A label or lead sentence before a list or table: what it says applies to the block after it. */
  private lead(label: string, node: Paragraph, scope: Scope): Lead {
    const criteriaKind = criterionKindOfLabel(label);
    const signoff = isSignoffTitle(label);
    const owner = !criteriaKind && !signoff && OWNER_LABEL.test(label) && label.split(/\s+/).length <= 5 ? label : undefined;
    const lead: Lead = { text: label, criteriaKind, pendingSeconds: parsePendingSeconds(label), signoff, owner, measuring: MEASURING_TITLE.test(label) };
    const role = criteriaKind
      ? `introduces ${criteriaKind === "ROLLBACK_TRIGGER" ? "rollback triggers" : "success criteria"}${lead.pendingSeconds ? ` held for ${lead.pendingSeconds / 60} min` : ""}`
      : signoff
        ? "introduces sign-offs"
        : owner
          ? "names the owner of the tasks below"
          : undefined;
    // A label that only says what the list below is, is read into it; any other lead sentence stays a note.
    lead.element = this.add("note", sourceOf(node, this.source), linesOf(node), role ? `A lead sentence: it ${role}` : "A lead sentence before a list: a note", scope, { dropped: Boolean(role) });
    return lead;
  }

  private paragraph(node: Paragraph, text: string, scope: Scope, lead: Lead | undefined): void {
    const flat = collapse(text);
    const lines = linesOf(node);
    if (/^\W*go\s*\/\s*no[- ]?go\b/i.test(flat) && flat.length <= 200 && !flat.endsWith(":") && !readSignatureLine(flat)) {
      this.add("gate", stripDecoration(flat), lines, "A go/no-go decision line", scope, { gate: { gateKind: "GO_NO_GO", approverTitles: [] }, phaseIndex: scope.phaseIndex !== undefined ? scope.phaseIndex + 1 : null });
      return;
    }
    // "**11:30 AM UTC**" under a heading: when T0 is known the time dates the section (unless its heading did).
    if (this.t0 !== undefined && isClockOnly(flat)) {
      if (!scope.ownOffset) {
        scope.offset = clockOffset(flat, this.t0);
        scope.ownOffset = true;
      }
      this.add("note", flat, lines, "A clock time under a heading: it dates the section's tasks", scope, { dropped: true });
      return;
    }
    // Line by line: a paragraph of sign-off lines, contact lines or bold-label criteria.
    const textLines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    const start = lines?.start ?? 1;
    const signatures = textLines.map((l) => readSignatureLine(l));
    if (textLines.length > 0 && signatures.every((s) => s !== undefined) && signatures.some((s) => s?.approver)) {
      const group: SignoffGroup = { name: lead?.text ?? scope.title, approvers: [], fields: [], start, end: lines?.end ?? start, scope };
      for (const s of signatures) {
        if (s?.approver) group.approvers.push(s.approver);
        if (s?.field) group.fields.push(s.field);
      }
      this.gate(group, "Lines that leave an approver room to sign");
      this.namedGate(lead);
      return;
    }
    if (scope.contacts && textLines.length > 0) {
      const contacts = textLines.map((line, i) => contactFromListLine(line, i + 1, scope.escalation));
      if (contacts.every((c) => c !== undefined)) {
        contacts.forEach((c, i) => c && this.contact(c, textLines[i] ?? "", { start: start + i, end: start + i }, "A contact line under a contacts heading", scope));
        return;
      }
    }
    if (textLines.length > 0 && textLines.every((l) => this.measurable(l, scope, lead, false))) {
      textLines.forEach((line, i) => this.criteriaOf(line, { start: start + i, end: start + i }, scope, lead, "A measurable line"));
      return;
    }
    const chain = escalationChain(flat);
    if (chain && (scope.contacts || scope.escalation || /\b(page|escalat|notify|on-?call)\w*/i.test(flat))) {
      for (const c of chain) this.contact(c, flat, lines, "An escalation chain: each arrow is the next level", scope);
      return;
    }
    this.note(node, scope, "Text that is no task: a note");
  }

  /** Whether a line is read as criteria: it states one, and its place or wording makes it a condition. */
  /** readCriteria, once per line: classifiers ask about the same line more than once. */
  private readCriteria(line: string): ParsedCriterion[] {
    let found = this.criteriaCache.get(line);
    if (!found) {
      found = readCriteria(line);
      this.criteriaCache.set(line, found);
    }
    return found;
  }

  private measurable(line: string, scope: Scope, lead: Lead | undefined, checkbox: boolean): boolean {
    const parsed = this.readCriteria(line);
    if (parsed.length === 0) return false;
    if (lead?.criteriaKind || scope.criteriaKind) return true;
    if (scope.phaseIndex !== undefined) return true;
    if (!checkbox && (lead?.measuring || scope.measuring)) return true;
    return !checkbox && parsed.every((p) => KNOWN_METRIC.test(p.metricKey)) && /[<>≤≥]/.test(line);
  }

  private criteriaOf(line: string, lines: PlanElement["lines"], scope: Scope, lead: Lead | undefined, why: string, forced?: CriterionKind): PlanElement[] {
    const kindOf = lead?.criteriaKind ?? scope.criteriaKind ?? forced;
    const origin = lead?.criteriaKind ? `under “${clip(lead.text, 60)}”` : scope.criteriaKind ? `under “${clip(scope.title, 60)}”` : forced ? "by its column" : "from its wording and direction";
    const all = this.readCriteria(line);
    return all.map((parsed) => {
      const kind = kindOf ?? inferCriterionKind(line, parsed);
      const reason = `${why}: ${kind === "ROLLBACK_TRIGGER" ? "a rollback trigger" : "a success criterion"} ${origin}${scope.phaseIndex === undefined ? ", for every phase" : ""}`;
      return this.criterion(all.length > 1 ? parsed.description : line, parsed, kind, lines, reason, scope, { pendingSeconds: lead?.pendingSeconds });
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lists

  private list(list: List, scope: Scope, lead: Lead | undefined): void {
    const group: SignoffGroup = { name: lead?.text ?? scope.title, approvers: [], fields: [], start: lineOf(list), end: lineOf(list), scope };
    this.listItems(list, scope, { lead, due: scope.offset, owner: lead?.owner ?? scope.owner, group, ordered: Boolean(list.ordered) });
    const approvers = group.approvers.length;
    this.gate(group, lead?.signoff || scope.signoff ? "Approver lines under a sign-off heading or label" : "Lines that leave an approver room to sign");
    if (approvers > 0) this.namedGate(lead);
  }

  /** The label a gate is named by is part of the gate, not a note. */
  private namedGate(lead: Lead | undefined): void {
    if (!lead?.element || lead.element.dropped) return;
    lead.element.dropped = true;
    lead.element.reason = "A label: it names the sign-off gate below";
  }

  private listItems(list: List, scope: Scope, context: ListContext): void {
    let contactIndex = 0;
    for (const listItem of list.children) {
      const { text, lines } = this.itemLine(listItem);
      const rest = listItem.children.slice(listItem.children[0]?.type === "paragraph" || listItem.children[0]?.type === "heading" ? 1 : 0);
      const nested = rest.filter((node): node is List => node.type === "list");
      const extra = rest.filter((node) => node.type !== "list" && node.type !== "blockquote").map((node) => sourceOf(node, this.source));
      const checkbox = listItem.checked !== null && listItem.checked !== undefined;
      const parent = context.parent;
      const childContext = (element: PlanElement | undefined, overrides: Partial<ListContext> = {}): ListContext => ({ ...context, parent: element ?? parent, ...overrides });
      const visitChildren = (ctx: ListContext) => {
        for (const child of nested) this.listItems(child, scope, { ...ctx, ordered: Boolean(child.ordered) });
      };
      if (!text) {
        visitChildren(childContext(undefined));
        continue;
      }
      context.group.end = Math.max(context.group.end, lines?.end ?? 0);

      // Metadata sub-bullets describe the task above them.
      if (parent && parent.kind === "item" && !checkbox && nested.length === 0) {
        const meta = readMetadata(text, true);
        if (meta && this.applyMetadata(parent, meta, lines)) continue;
      }

      // Sign-off lines: an approver of the gate this list makes.
      const signature = readSignatureLine(text);
      const signoffScope = scope.signoff || context.lead?.signoff || isSignoffTitle(context.group.name);
      const approval = signoffScope ? (approvalTitle(text) ?? (checkbox && roleOnly(text) ? stripDecoration(text) : undefined)) : undefined;
      if (signature?.approver || approval) {
        context.group.approvers.push(signature?.approver ?? approval ?? text);
        context.group.start = Math.min(context.group.start, lines?.start ?? context.group.start);
        visitChildren(childContext(undefined));
        continue;
      }
      if (signature?.field) {
        context.group.fields.push(signature.field);
        if (!parent) this.add("note", text, lines, "A form field with a blank: not an approver", scope, { dropped: true });
        continue;
      }

      // Contacts: escalation chains anywhere they read as one, contact lines under a contacts heading.
      const chain = escalationChain(text);
      if (chain && (scope.contacts || scope.escalation || /\b(page|escalat|notify|on-?call)\w*/i.test(text))) {
        for (const c of chain) this.contact(c, text, lines, "An escalation chain: each arrow is the next level", scope);
        visitChildren(childContext(undefined));
        continue;
      }
      if (scope.contacts && !checkbox) {
        const contact = contactFromListLine(text, contactIndex + 1, scope.escalation);
        if (contact) {
          contactIndex++;
          this.contact(contact, text, lines, "A contact line under a contacts heading", scope);
          visitChildren(childContext(undefined));
          continue;
        }
      }

      // Section metadata at the top of a section: "Owner: …", "Duration: 24 hours".
      if (!parent && !checkbox && nested.length === 0) {
        const meta = readMetadata(text, false);
        if (meta && this.sectionMetadata(meta, text, lines, scope, context)) continue;
      }

      // Criteria and triggers.
      if (this.measurable(text, scope, context.lead, checkbox)) {
        const created = this.criteriaOf(text, lines, scope, context.lead, context.lead ? "A list line" : "A measurable line");
        visitChildren(childContext(created[0]));
        continue;
      }
      const same = sameAsReference(text);
      if (same && scope.phaseIndex !== undefined && (context.lead?.criteriaKind || scope.criteriaKind)) {
        this.copyCriteria(same, context.lead?.criteriaKind ?? scope.criteriaKind, text, lines, scope);
        continue;
      }
      if (!checkbox && (context.lead?.criteriaKind || scope.criteriaKind) && !scope.procedure && this.readCriteria(text).length === 0 && /\p{L}/u.test(text) && text.length <= 300) {
        // "Any data corruption", under "Rollback Triggers": a condition with no number to arm.
        const kind = context.lead?.criteriaKind ?? scope.criteriaKind;
        this.add(kind === "ROLLBACK_TRIGGER" ? "trigger" : "criterion", text, lines, "A condition under a criteria heading with no metric and number to watch", scope, {
          phaseIndex: scope.phaseIndex ?? null,
          review: "No threshold read: give a metric and threshold to arm it, or keep it as an item.",
          item: { state: "OPEN", dueOffsetMinutes: context.due },
        });
        visitChildren(childContext(undefined));
        continue;
      }

      // A traffic step in a list ("10% to Green → Monitor 5 min") when no heading names phases.
      let phaseIndex = scope.phaseIndex;
      if (this.listPhases) {
        const spec = phaseFromListItem(text);
        if (spec) phaseIndex = this.phase(text, spec, lines, "A traffic step in a list", [text, ...extra]);
      }

      // A task, or a note.
      const { text: itemText, owner } = extractOwner(text);
      const task = checkbox || !this.checkboxDoc || context.ordered || /^step\s*\d+/i.test(text) || scope.procedure || hasCheckbox(nested) || owner !== undefined || parseDueOffset(text) !== undefined;
      const kind: PlanElementKind = task ? "item" : "note";
      const reason = checkbox
        ? "A checkbox: a task"
        : !this.checkboxDoc
          ? "A list item in a document without checkboxes: a task"
          : task
            ? "A plain bullet that is clearly a step (numbered, “Step N”, under a procedure heading, with an owner or due time, or holding checkboxes)"
            : "A plain bullet in a document whose tasks are checkboxes: a note";
      const element = this.add(kind, kind === "item" ? itemText : text, lines, reason, scope, {
        parentId: parent?.id ?? null,
        item: {
          state: listItem.checked === true ? "DONE" : "OPEN",
          ownerName: ownerValue(owner ?? "") ?? context.owner,
          dueOffsetMinutes: parseDueOffset(text) ?? leadingClockOffset(text, this.t0) ?? context.due,
          note: extra.length > 0 ? clip(extra.join("\n\n"), 10_000) : undefined,
        },
      });
      if (element.item.ownerName === undefined) delete element.item.ownerName;
      if (element.item.dueOffsetMinutes === undefined) delete element.item.dueOffsetMinutes;
      if (element.item.note === undefined) delete element.item.note;
      const childScope = phaseIndex === scope.phaseIndex ? scope : { ...scope, phaseIndex };
      const ownSignoff = isSignoffTitle(text) && nested.length > 0;
      const ctx: ListContext = {
        ...context,
        parent: element,
        lead: criterionKindOfLabel(text) ? { text, criteriaKind: criterionKindOfLabel(text), pendingSeconds: parsePendingSeconds(text), signoff: false, measuring: true } : ownSignoff ? { text, pendingSeconds: 0, signoff: true, measuring: false } : context.lead,
        due: element.item.dueOffsetMinutes ?? context.due,
        owner: element.item.ownerName ?? context.owner,
        group: ownSignoff ? { name: text, approvers: [], fields: [], start: lines?.start ?? 1, end: lines?.end ?? 1, scope } : context.group,
      };
      for (const child of nested) this.listItems(child, childScope, { ...ctx, ordered: Boolean(child.ordered) });
      if (ownSignoff) {
        const approvers = ctx.group.approvers.length;
        this.gate(ctx.group, "Approver lines under a sign-off item");
        // "Stakeholder Sign-Off" whose every line was an approval: the heading line is part of the gate.
        if (approvers > 0 && !this.elements.some((e) => e.parentId === element.id)) element.dropped = true;
      }
    }
  }

  /** An item's own line: its first paragraph, or the source line when it opens with other syntax ("- >25% …"). */
  private itemLine(listItem: ListItem): { text: string; lines: PlanElement["lines"] } {
    const first = listItem.children[0];
    const start = listItem.position?.start.line ?? 1;
    if (first?.type === "paragraph" || first?.type === "heading") {
      return { text: collapse(nodeText(first)), lines: { start, end: first.position?.end.line ?? start } };
    }
    if (first && first.position?.start.line === start && first.type !== "list") {
      const raw = this.source.split("\n")[start - 1] ?? "";
      const text = raw.replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/, "").trim();
      return { text: collapse(text), lines: { start, end: start } };
    }
    return { text: "", lines: { start, end: start } };
  }

  private applyMetadata(parent: PlanElement, meta: { field: string; label: string; value: string }, lines: PlanElement["lines"]): boolean {
    const at = lines ? ` (line ${lines.start})` : "";
    if (parent.lines && lines) parent.lines = { start: parent.lines.start, end: Math.max(parent.lines.end, lines.end) };
    const addNote = (text: string) => (parent.item.note = clip(parent.item.note ? `${parent.item.note}\n${text}` : text, 10_000));
    switch (meta.field) {
      case "owner": {
        const owner = ownerValue(meta.value);
        if (owner) parent.item.ownerName = owner;
        parent.reason += owner ? `; owner from a sub-bullet${at}` : `; owner sub-bullet${at} is a placeholder, not stored`;
        return true;
      }
      case "due": {
        const due = parseDueOffset(meta.value) ?? clockOffset(meta.value, this.t0);
        if (due !== undefined) parent.item.dueOffsetMinutes = due;
        else if (!isPlaceholder(meta.value)) addNote(`${meta.label}: ${meta.value}`);
        parent.reason += `; ${meta.label.toLowerCase()} from a sub-bullet${at}`;
        return true;
      }
      case "status": {
        const state = statusState(meta.value);
        if (state) parent.item.state = state;
        parent.reason += state ? `; status from a sub-bullet${at}` : `; a status template${at} is not a state`;
        return true;
      }
      default: {
        if (isPlaceholder(meta.value)) return true;
        addNote(`${meta.label}: ${meta.value}`);
        parent.reason += `; ${meta.label.toLowerCase()} from a sub-bullet${at}`;
        return true;
      }
    }
  }

  private sectionMetadata(meta: { field: string; label: string; value: string }, text: string, lines: PlanElement["lines"], scope: Scope, context: ListContext): boolean {
    if (meta.field === "duration" && scope.phaseIndex !== undefined) {
      this.add("note", text, lines, "The phase's duration", scope, { dropped: true });
      return true;
    }
    if (meta.field === "owner") {
      const owner = ownerValue(meta.value);
      if (owner) {
        scope.owner = owner;
        context.owner = owner;
      }
      this.add("note", text, lines, owner ? "The owner of this section's tasks" : "An owner placeholder: not stored", scope, { dropped: true });
      return true;
    }
    if (meta.field === "due") {
      const due = parseDueOffset(meta.value) ?? clockOffset(meta.value, this.t0);
      if (due === undefined) return false;
      scope.offset = due;
      context.due = due;
      this.add("note", text, lines, "The due time of this section's tasks", scope, { dropped: true });
      return true;
    }
    return false;
  }

  private copyCriteria(same: string, kind: CriterionKind | undefined, text: string, lines: PlanElement["lines"], scope: Scope): void {
    const percent = same.match(/(\d{1,3})\s*%/)?.[1];
    const sourceIndex = this.phases.findIndex((p, i) => i < (scope.phaseIndex ?? 0) && (p.name.toLowerCase().includes(same.toLowerCase()) || (percent !== undefined && p.trafficPercent === Number(percent))));
    const copies = this.elements.filter((e) => e.phaseIndex === sourceIndex && e.criterion && (kind === undefined || (kind === "ROLLBACK_TRIGGER") === (e.kind === "trigger")) && (e.kind === "criterion" || e.kind === "trigger"));
    for (const copy of copies) this.add(copy.kind, copy.text, lines, `“${clip(text, 60)}”: the criteria of an earlier phase apply here too`, scope, { criterion: copy.criterion, phaseIndex: scope.phaseIndex ?? null });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Tables

  private table(table: Table, scope: Scope, lead: Lead | undefined): void {
    const [head, ...body] = table.children;
    if (!head) return;
    const header = head.children.map((cell) => collapse(nodeText(cell)));
    const rows = body.map((row) => ({ cells: row.children.map((cell) => collapse(nodeText(cell))), lines: linesOf(row) }));
    if (this.thresholdTable(header, rows, scope, lead)) return;
    if (this.signoffTable(header, rows, scope, lead)) return;
    if (this.taskTable(header, rows, scope, lead)) return;
    const contacts = contactsFromTable(header, rows.map((r) => r.cells), scope.escalation);
    if (contacts && contacts.length > 0) {
      contacts.forEach((c, i) => this.contact(c, rows[i]?.cells.join(" | ") ?? c.role, rows[i]?.lines ?? linesOf(table), "A row of a contacts table", scope));
      return;
    }
    this.note(table, scope, "A table that is no checklist, thresholds or contacts: a note");
  }

  /** A table of metrics and thresholds: | Metric | Target | Rollback trigger | Window |. */
  private thresholdTable(header: string[], rows: Array<{ cells: string[]; lines: PlanElement["lines"] }>, scope: Scope, lead: Lead | undefined): boolean {
    const metricCol = Math.max(0, header.findIndex((h) => /\b(metric|kpi|indicator|signal|measure|sli|slo|check|name)\b/i.test(h)));
    const columns = header.map((h, i) => {
      if (i === metricCol) return undefined;
      if (/\b(warn|warning|amber|yellow|baseline|current|notes?|description|owner|source|query|dashboard|action)\b/i.test(h)) return undefined;
      if (/\b(rollback|trigger|abort|halt|red|critical|fail|failure|breach|stop|revert|no-?go|alert|page)\b/i.test(h)) return "ROLLBACK_TRIGGER" as const;
      if (/\b(target|success|healthy|pass|green|good|expected|acceptable|goal|go|ok|threshold|limit|criteria|slo)\b/i.test(h)) return "SUCCESS" as const;
      return undefined;
    });
    const windowCol = header.findIndex((h) => /\b(duration|window|period|sustained|for|evaluation)\b/i.test(h));
    if (!columns.some(Boolean)) return false;
    const found: Array<() => void> = [];
    for (const row of rows) {
      const metric = row.cells[metricCol] ?? "";
      if (!/\p{L}/u.test(metric)) continue;
      const pending = windowCol >= 0 ? parsePendingSeconds(`for ${row.cells[windowCol] ?? ""}`) : 0;
      columns.forEach((kind, i) => {
        const cell = row.cells[i] ?? "";
        if (!kind || !cell || isPlaceholder(cell)) return;
        // A lone "Threshold" column takes its kind from the heading or label, else from its direction.
        const columnKind = /\bthreshold|limit\b/i.test(header[i] ?? "") && !/\b(rollback|success|target)\b/i.test(header[i] ?? "") ? (lead?.criteriaKind ?? scope.criteriaKind) : kind;
        const line = `${metric} ${cell}`;
        if (this.readCriteria(line).length === 0) return;
        found.push(() =>
          this.criteriaOf(line, row.lines, scope, columnKind ? { text: header[i] ?? "", criteriaKind: columnKind, pendingSeconds: columnKind === "ROLLBACK_TRIGGER" ? pending : 0, signoff: false, measuring: true } : undefined, `A threshold table's “${header[i]}” column`),
        );
      });
    }
    if (found.length === 0) return false;
    for (const make of found) make();
    return true;
  }

  /** | Role | Name | Signature | Date |: one gate whose approvers are the rows. */
  private signoffTable(header: string[], rows: Array<{ cells: string[]; lines: PlanElement["lines"] }>, scope: Scope, lead: Lead | undefined): boolean {
    const signCol = header.findIndex((h) => /\b(signature|sign[- ]?off|approved|approval|initials)\b/i.test(h));
    if (signCol < 0 || !(scope.signoff || lead?.signoff || /\b(signature|sign[- ]?off)\b/i.test(header[signCol] ?? ""))) return false;
    const roleCol = header.findIndex((h) => /\b(role|title|approver|function|team|position)\b/i.test(h));
    const nameCol = header.findIndex((h) => /\bname\b/i.test(h));
    const col = roleCol >= 0 ? roleCol : nameCol >= 0 ? nameCol : 0;
    const approvers = rows.map((r) => cleanValue(r.cells[col] ?? "")).filter((a): a is string => Boolean(a));
    if (approvers.length === 0) return false;
    const start = rows[0]?.lines?.start ?? 1;
    const group: SignoffGroup = { name: lead?.text ?? scope.title, approvers, fields: [], start, end: rows.at(-1)?.lines?.end ?? start, scope };
    this.gate(group, "A sign-off table: each row is an approver");
    return true;
  }

  /** A table used as a checklist (a Task/Step/Check column): its rows are items, with owner, time and status. */
  private taskTable(header: string[], rows: Array<{ cells: string[]; lines: PlanElement["lines"] }>, scope: Scope, lead: Lead | undefined): boolean {
    const find = (pattern: RegExp) => header.findIndex((h) => pattern.test(h.replace(/[☐☑✅✓✔]/g, "").trim()));
    const task = find(/^(tasks?|steps?|items?|actions?|checks?|activity|activities|checklist item|what|description|deliverable|milestone|check item|to ?do)$/i);
    if (task < 0) return false;
    const owner = find(/^(owner|owners|who|assignee|responsible|lead|dri)$/i);
    const due = find(/^(due|time|when|deadline|t|eta|at|timing|schedule|start|day|date|offset|t-minus|target)$/i);
    const status = header.findIndex((h) => /^(status|done|state|complete|✓|✔|✅|☐|\[ ?\])/i.test(h.trim()) || /[☐✓✔✅]/.test(h));
    const number = find(/^(#|no\.?|step #|seq|order)$/i);
    let made = 0;
    for (const row of rows) {
      const cells = row.cells;
      const text = cells[task] ?? "";
      if (!text) continue;
      const dueText = due >= 0 ? (cells[due] ?? "") : "";
      const dueOffset = dueText ? (parseDueOffset(dueText) ?? clockOffset(dueText, this.t0)) : undefined;
      const others = header
        .map((h, i) => {
          const value = cells[i] ?? "";
          if (i === task || i === owner || i === status || i === number || !value || isPlaceholder(value)) return "";
          if (i === due && dueOffset !== undefined) return "";
          return `${h}: ${value}`;
        })
        .filter(Boolean);
      const statusText = status >= 0 ? (cells[status] ?? "") : "";
      const element = this.add("item", text, row.lines, `A row of a table used as a checklist (“${header[task]}” column)`, scope, {
        item: {
          state: /^(x|\[x\]|✓|✔|✅|☑|done|yes|complete|completed)$/i.test(statusText.trim()) ? "DONE" : "OPEN",
          ...(owner >= 0 && ownerValue(cells[owner] ?? "") ? { ownerName: ownerValue(cells[owner] ?? "") } : {}),
          ...((dueOffset ?? scope.offset) !== undefined ? { dueOffsetMinutes: dueOffset ?? scope.offset } : {}),
          ...(others.length > 0 || lead ? { note: [lead && !lead.criteriaKind ? lead.text : undefined, ...others].filter(Boolean).join("\n") || undefined } : {}),
        },
      });
      if (!element.item.note) delete element.item.note;
      made++;
    }
    return made > 0;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Code blocks

  private code(code: Code, scope: Scope, lead: Lead | undefined): void {
    const lines = linesOf(code);
    const tree = scope.contacts || scope.escalation || /\b(escalat|on-?call|contact)\w*/i.test(`${lead?.text ?? ""} ${code.value}`) ? contactTree(code.value) : undefined;
    if (tree && tree.length > 0) {
      for (const c of tree) this.contact(c, code.value, lines, "A contact tree in a code block: each arrow is the next level", scope);
      return;
    }
    if (scope.contacts) {
      const codeLines = code.value.split("\n").map((l) => l.trim()).filter(Boolean);
      const contacts = codeLines.map((line, i) => contactFromLine(line, i + 1, scope.escalation));
      if (codeLines.length > 0 && contacts.every((c) => c !== undefined)) {
        contacts.forEach((c, i) => c && this.contact(c, codeLines[i] ?? "", lines, "A contact line in a code block under a contacts heading", scope));
        return;
      }
    }
    const note = this.note(code, scope, lead ? `A code block under “${clip(lead.text, 60)}”: a note` : "A code block: a note");
    if (lead && !lead.criteriaKind && !lead.signoff) {
      // "**Run the smoke test:**" then a script: a step named by its label.
      note.kind = "item";
      note.text = lead.text;
      note.item = { state: "OPEN", note: sourceOf(code, this.source), ...(scope.offset !== undefined ? { dueOffsetMinutes: scope.offset } : {}) };
      note.reason = "A label followed by a code block: a step named by the label, the script its note";
      const label = this.elements.find((e) => e.dropped === false && e.kind === "note" && e.text.includes(lead.text) && e.id !== note.id && e.sectionId === scope.sectionId);
      if (label) label.dropped = true;
    }
    if (scope.phaseIndex !== undefined) {
      for (const { kind, line } of criteriaLinesInCode(code.value)) {
        for (const parsed of this.readCriteria(line)) this.criterion(line, parsed, kind, lines, "A criterion written in a script's comments", scope);
      }
    }
  }
}

function roleOnly(text: string): boolean {
  const t = stripDecoration(text).replace(/\*+/g, "");
  return t.split(/\s+/).length <= 4 && /\b(lead|owner|manager|director|officer|commander|cto|ceo|vp|head|security|qa|product|business|legal|compliance)\b/i.test(t);
}

function hasCheckbox(lists: List[]): boolean {
  return lists.some((list) => list.children.some((item) => (item.checked !== null && item.checked !== undefined) || hasCheckbox(item.children.filter((c): c is List => c.type === "list"))));
}

/** A sentence that leads into a list ("Rollback is triggered if any of the following occur for 10 minutes:"). */
function leadSentence(text: string): string | undefined {
  if (text.length > 300 || !text.endsWith(":")) return undefined;
  return text.slice(0, -1).trim() || undefined;
}

function leadingClockOffset(text: string, t0: number | undefined): number | undefined {
  const match = text.match(/^\s*(\d{1,2}:\d{2}(?:\s*[ap]\.?m\b\.?)?)(?=\s|[-–—:|]|$)/i);
  return match ? clockOffset(match[1] ?? "", t0) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Input checks, name, service, description

function checkInput(markdown: unknown): string {
  if (typeof markdown !== "string") throw new RunbookParseError("markdown", "The runbook must be Markdown text.");
  const text = repairMojibake(markdown.replace(/^\uFEFF/, "")).replace(/\r\n?/g, "\n");
  if (text.trim().length === 0) throw new RunbookParseError("markdown", "The runbook is empty.");
  const controls = text.match(/[\u0000-\u0008\u000e-\u001f]/g)?.length ?? 0;
  if (text.includes("\u0000") || controls > text.length / 100) {
    throw new RunbookParseError("markdown", "The file is not text (it looks binary).");
  }
  const trimmed = text.trim();
  if (/^[[{]/.test(trimmed)) {
    try {
      JSON.parse(trimmed);
      throw new RunbookParseError("markdown", "The file is JSON, not a Markdown runbook.");
    } catch (error) {
      if (error instanceof RunbookParseError) throw error;
    }
  }
  return text;
}

function hasStructure(nodes: readonly RootContent[]): boolean {
  return nodes.some((node) => node.type === "heading" || node.type === "list" || node.type === "table" || ("children" in node && hasStructure(node.children as RootContent[])));
}

/** Task list items against all list items: a document "uses checkboxes" when they are a real share of its lists. */
function usesCheckboxes(nodes: readonly RootContent[]): boolean {
  let tasks = 0;
  let all = 0;
  const visit = (node: Nodes) => {
    if (node.type === "listItem") {
      all++;
      if (node.checked !== null && node.checked !== undefined) tasks++;
    }
    if ("children" in node) for (const child of node.children as Nodes[]) visit(child);
  };
  for (const node of nodes) visit(node);
  return tasks >= 3 && tasks >= all * 0.25;
}

const FILE_NAME = /^[\w.-]+\.(md|markdown|txt|rst)$/i;
const SERVICE_WORD = /^(api|apis|service|services|platform|app|application|gateway|backend|frontend|portal|dashboard|system|engine|cluster|pipeline|server|worker|website|site)$/i;
const NOT_SERVICE = /^(go-live|golive|deployment|checklist|production|readiness|runbook|rollout|release|launch|plan|procedures?|for|the|of|and|to|-|–|—|\||:)$/i;

/** The service a title names: capitalised words ending in API/Service/Platform… ("… for Squad API" → "Squad API"). */
export function inferService(title: string): string | undefined {
  const words = stripDecoration(title).split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const word = (words[i] ?? "").replace(/[,.;:]+$/, "");
    if (!SERVICE_WORD.test(word) || !/^[A-Z]/.test(word)) continue;
    const parts = [word];
    for (let j = i - 1; j >= 0 && parts.length < 5; j--) {
      const previous = words[j] ?? "";
      if (NOT_SERVICE.test(previous) || !/^[\p{Lu}\d]/u.test(previous) || /[,.;:]$/.test(previous)) break;
      parts.unshift(previous);
    }
    if (parts.length > 1) return parts.join(" ");
  }
  return undefined;
}

function blockText(node: RootContent, source: string): string {
  return node.type === "paragraph" ? nodeText(node).trim() : sourceOf(node, source).trim();
}

/** Reads Markdown into an import plan: every element with its source lines and the reason it was read so. */
export function readImportPlan(source: string, root: ReturnType<typeof parseTree>, opts: { name?: string } = {}): ImportPlan {
  const doc = outline(root);
  const t0 = findT0(doc.sections);
  const listPhases = markPhases(doc.sections);
  const builder = new PlanBuilder(source, t0, listPhases, usesCheckboxes(root.children));
  for (const raw of doc.sections) builder.section(raw, undefined, null);
  // A made-up "Checklist" section that holds nothing stored (its tables were contacts) is not worth showing.
  const synthetic = new Set(allSections(doc.sections).filter((s) => s.synthetic).map((s) => s.title));
  const sections = builder.sections.filter((s) => !(synthetic.has(s.title) && s.parentId === null && !builder.elements.some((e) => e.sectionId === s.id && !e.dropped && (e.kind === "item" || e.kind === "note"))));

  const given = opts.name?.trim();
  const titleIndex = doc.titleLines.findIndex((line) => line && !FILE_NAME.test(line));
  const title = titleIndex >= 0 ? doc.titleLines[titleIndex] : doc.titleLines[0];
  const name = clip(given || title || sections[0]?.title || "Imported runbook", 200);
  const service = clip([...doc.titleLines, name].map(inferService).find((s) => s !== undefined) ?? name, 200);
  const descriptionParts = [
    ...doc.titleLines.filter((_line, i) => given || i !== titleIndex),
    ...doc.preamble.filter((n) => n.type !== "thematicBreak").map((n) => blockText(n, source)),
    ...doc.footer.map((n) => blockText(n, source)),
  ].filter(Boolean);
  const plan: ImportPlan = {
    name,
    service,
    sections,
    phases: builder.phases.slice(0, 50).map(({ spec: _spec, ...phase }) => phase),
    elements: builder.elements.slice(0, 20_000),
  };
  if (descriptionParts.length > 0) plan.description = clip(descriptionParts.join("\n\n"), 20_000);
  return plan;
}

function parseTree(source: string) {
  return unified().use(remarkParse).use(remarkGfm).parse(source);
}

/** Reads a Markdown runbook into its import plan, the draft that plan stores, and that draft's counts. Throws
 * RunbookParseError for input that is empty or not Markdown; the caller checks the size. */
export function parseRunbookMarkdown(markdown: string, opts: { name?: string } = {}): RunbookReadResult {
  const source = checkInput(markdown);
  const root = parseTree(source);
  // War Room's own export is read exactly as it was written (see read-export.ts), not by the classifiers above.
  if (isWarRoomExport(root)) return readWarRoomExport(root, source, opts);
  if (!hasStructure(root.children)) {
    throw new RunbookParseError("markdown", "No headings, list items or tables found: this does not look like a Markdown runbook.");
  }
  const plan = readImportPlan(source, root, opts);
  return { plan, ...draftFromPlan(plan) };
}
