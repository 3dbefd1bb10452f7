import type { Code, Heading, List, ListItem, Paragraph, Root, RootContent, Table } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import type { DraftItem, DraftSection, RunbookDraft } from "@/lib/schemas/runbook";
import { repairMojibake } from "./mojibake";
import { isWarRoomExport, readWarRoomExport } from "./read-export";
import { RunbookParseError, summarizeDraft, type RunbookReadResult } from "./result";
import {
  addContact,
  contactFromLine,
  contactsFromTable,
  isContactSectionTitle,
  isEscalationTitle,
  type DraftContact,
} from "./parse-contacts";
import {
  criteriaLinesInCode,
  criterionKindOfLabel,
  inferCriterionKind,
  parseCriterion,
  sameAsReference,
  type CriterionKind,
} from "./parse-criteria";
import { extractOwner } from "./parse-owner";
import { phaseFromListItem, phaseFromTitle, type PhaseSpec } from "./parse-phase";
import { approvalTitle, gateKindOf, isGoNoGo, isSignoffTitle, parseSignoffLine } from "./parse-signoff";
import { clip, collapse, inlineText, labelOf, nodeText, sourceOf, stripDecoration } from "./parse-text";
import { clockOffset, isClockOnly, parseClock, parseObservationMinutes, parseRelativeOffset } from "./parse-time";

export { RunbookParseError, type RunbookSummary } from "./result";

// The Markdown runbook importer: Markdown in, a RunbookDraft (lib/schemas/runbook.ts) out. Pure: no I/O.
//
// The document is parsed with remark (GFM: task lists, tables) and read as a tree, never line by line:
// - leading h1 lines name the rollout (the rest, and any text before the first section or after the last
//   horizontal rule, is the description); the service is read from the title ("… for Squad API") or is the name;
// - headings are sections, nested by level; a "Table of Contents" of in-page links is dropped (it repeats them);
// - list items (task or plain, any depth) are checklist items; `[x]` is DONE; owners and due offsets are read
//   from the line, and due offsets also from the headings above ("(T-24 Hours)", "72 Hours Before Go-Live");
// - lines with a blank to sign ("Engineering Lead: ____"), and approvals under a sign-off heading, label or parent
//   item, become sign-off gates instead of items; "Go/No-Go" headings and decision lines become GO_NO_GO gates;
// - contact tables, and "Label: value" lines under a contacts heading, become contacts instead of items;
// - "Phase N (X% traffic, 24h)" headings (or traffic headings, or traffic list items) become phases, and the
//   measurable lines under them ("Error rate > 1% for 5 minutes") their criteria — those lines stay items too;
// - nothing is dropped: a label paragraph followed by a list annotates its items (note) or names their owner;
//   followed by a code block or other block it becomes an item named by the label with the block as note; other
//   text becomes a note on the item above it, or, when the section has no item above, an item named after the
//   section (a heading with only a script under it is a step to run).
// A War Room export (its first line is the export marker) is not read by these rules but exactly, by
// read-export.ts, so that importing an export gives back the runbook it was written from.

type DraftPhase = RunbookDraft["phases"][number];
type DraftCriterion = DraftPhase["criteria"][number];
type DraftGate = RunbookDraft["gates"][number];

const LIMITS = {
  name: 200,
  title: 300,
  itemText: 2000,
  note: 10_000,
  description: 20_000,
  sections: 200,
  items: 1000,
  children: 500,
  phases: 50,
  criteria: 100,
  gates: 100,
  contacts: 500,
  approvers: 20,
};

// ---------------------------------------------------------------------------------------------------------------
// Input checks

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
  return nodes.some(
    (node) =>
      node.type === "heading" ||
      node.type === "list" ||
      node.type === "table" ||
      ("children" in node && hasStructure(node.children as RootContent[])),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The document's outline: title lines, preamble, sections by heading level, footer

type RawSection = {
  title: string;
  depth: number;
  blocks: RootContent[];
  children: RawSection[];
  /** A bold "Phase N" line standing in for a heading. */
  pseudo: boolean;
  /** The "Checklist" section made for content before the first heading. */
  synthetic?: boolean;
  phase?: PhaseSpec;
};

type Outline = { titleLines: string[]; preamble: RootContent[]; footer: RootContent[]; sections: RawSection[] };

/** A heading's text. A leading "�" (an emoji lost to mis-encoding, see mojibake.ts) was only decoration. */
function headingTitle(node: Heading): string {
  return collapse(inlineText(node.children)).replace(/^(?:\uFFFD\s*)+/, "") || "Untitled section";
}

/** A paragraph that is only a bold "Phase N: … (X% traffic)" line: a phase heading written in bold. */
function boldPhaseTitle(node: RootContent): string | undefined {
  if (node.type !== "paragraph") return undefined;
  const children = node.children.filter((c) => !(c.type === "text" && c.value.trim() === ""));
  if (children.length !== 1 || children[0]?.type !== "strong") return undefined;
  const text = collapse(inlineText(children[0].children));
  return phaseFromTitle(text)?.tier === 1 ? text : undefined;
}

function outline(root: Root): Outline {
  const nodes = root.children;

  // A footer: the paragraphs after the last horizontal rule, when nothing else follows ("_Version: 1.0_").
  let footerStart = nodes.length;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    if (node?.type === "thematicBreak") {
      footerStart = k;
      break;
    }
    if (node?.type !== "paragraph" && node?.type !== "html") break;
  }
  const footer = nodes.slice(footerStart + 1);

  // Leading h1 lines are the title unless a list or table follows one directly (then it is a section).
  const titleLines: string[] = [];
  const preamble: RootContent[] = [];
  let i = 0;
  for (; i < footerStart; i++) {
    const node = nodes[i];
    if (!node) break;
    const next = nodes[i + 1];
    if (node.type === "heading" && node.depth === 1 && preamble.length === 0 && next?.type !== "list" && next?.type !== "table") {
      titleLines.push(headingTitle(node));
      continue;
    }
    if (node.type === "heading" || node.type === "list" || node.type === "table" || boldPhaseTitle(node)) break;
    preamble.push(node);
  }

  const sections: RawSection[] = [];
  const stack: RawSection[] = [];
  const open = (section: RawSection) => {
    while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= section.depth) stack.pop();
    (stack.at(-1)?.children ?? sections).push(section);
    stack.push(section);
  };
  for (; i < footerStart; i++) {
    const node = nodes[i];
    if (!node) break;
    if (node.type === "heading") {
      const title = headingTitle(node);
      open({ title, depth: node.depth, blocks: [], children: [], pseudo: false });
      continue;
    }
    const phaseTitle = boldPhaseTitle(node);
    if (phaseTitle) {
      const top = stack.at(-1);
      const depth = top ? (top.pseudo ? top.depth : top.depth + 1) : 2;
      open({ title: phaseTitle, depth, blocks: [], children: [], pseudo: true });
      continue;
    }
    // Lists before any heading: a section of their own, which later headings never nest under (depth 7).
    if (stack.length === 0) open({ title: "Checklist", depth: 7, blocks: [], children: [], pseudo: false, synthetic: true });
    stack.at(-1)?.blocks.push(node);
  }
  return { titleLines, preamble, footer, sections: dropTableOfContents(sections) };
}

function isTableOfContents(section: RawSection): boolean {
  if (!/^(table of contents|contents|toc)$/i.test(stripDecoration(section.title))) return false;
  if (section.children.length > 0) return false;
  return section.blocks.every((block) => {
    if (block.type === "thematicBreak") return true;
    if (block.type !== "list") return false;
    const links: string[] = [];
    const collect = (node: RootContent | ListItem) => {
      if (node.type === "link") links.push(node.url);
      if ("children" in node) for (const child of node.children) collect(child as RootContent);
    };
    collect(block);
    return links.length > 0 && links.every((url) => url.startsWith("#"));
  });
}

function dropTableOfContents(sections: RawSection[]): RawSection[] {
  return sections
    .filter((section) => !isTableOfContents(section))
    .map((section) => ({ ...section, children: dropTableOfContents(section.children) }));
}

function allSections(sections: RawSection[]): RawSection[] {
  return sections.flatMap((section) => [section, ...allSections(section.children)]);
}

/** Texts in document order: section titles, paragraphs and list item lines (code blocks are skipped). */
function outlineTexts(sections: RawSection[]): Array<{ text: string; firstBlock?: string }> {
  const texts: Array<{ text: string; firstBlock?: string }> = [];
  const listTexts = (list: List) => {
    for (const item of list.children) {
      const first = item.children[0];
      if (first?.type === "paragraph") texts.push({ text: collapse(nodeText(first)) });
      for (const child of item.children) if (child.type === "list") listTexts(child);
    }
  };
  for (const section of allSections(sections)) {
    const first = section.blocks[0];
    texts.push({ text: section.title, firstBlock: first?.type === "paragraph" ? collapse(nodeText(first)) : undefined });
    for (const block of section.blocks) {
      if (block.type === "paragraph") texts.push({ text: collapse(nodeText(block)) });
      if (block.type === "list") listTexts(block);
    }
  }
  return texts;
}

/**
 * T0 as a wall-clock time (minutes after midnight), when the runbook pins one, so that clock times elsewhere
 * ("Canary: 5% of Traffic (12:30 PM)", "09:00 — Change freeze") become offsets. Read from the first of:
 * a heading with a T-offset followed by a time ("Phase 1: Preparation (T-30 minutes)" then "**11:30 AM UTC**"
 * → 12:00); a line with both ("11:30 (T-30m) War room opens"); a time on a go-live line ("10:00 Go-live (T0)").
 */
function findT0(sections: RawSection[]): number | undefined {
  for (const { text, firstBlock } of outlineTexts(sections)) {
    const offset = parseRelativeOffset(text);
    const clock = parseClock(text.replace(/\bT\s*[+\-−–]\s*\d+/gi, ""));
    if (offset !== undefined) {
      const at = clock ?? (firstBlock !== undefined && isClockOnly(firstBlock) ? parseClock(firstBlock) : undefined);
      if (at !== undefined) return at - offset;
    } else if (clock !== undefined && /\b(go[- ]?live|launch|cut-?over|T0|deployment (begins|starts))\b/i.test(text)) {
      return clock;
    }
  }
  return undefined;
}

/** Marks the phase sections: only the most explicit heading form present; none when phases are list items. */
function markPhases(sections: RawSection[]): boolean {
  const candidates = allSections(sections).map((section) => ({ section, spec: phaseFromTitle(section.title) }));
  const tiers = candidates.flatMap(({ spec }) => (spec ? [spec.tier] : []));
  if (tiers.length === 0) return true;
  const tier = tiers.reduce((min, t) => (t < min ? t : min));
  for (const { section, spec } of candidates) if (spec?.tier === tier) section.phase = spec;
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Building the draft

type PhaseRef = { phase: DraftPhase; index: number };

type Scope = {
  title: string;
  /** This section's title and its ancestors', innermost first. */
  titles: string[];
  offset?: number;
  /** Whether the offset was written for this section (not inherited from the one above). */
  ownOffset: boolean;
  phase?: PhaseRef;
  criteriaKind?: CriterionKind;
  signoff: boolean;
  contacts: boolean;
  escalation: boolean;
};

/** Collects the approvers of one sign-off gate while its lines are read. */
type SignoffGroup = { name: string; titles: string[]; fields: string[]; lines: number; scope: Scope };

function signoffGroup(name: string, scope: Scope): SignoffGroup {
  return { name, titles: [], fields: [], lines: 0, scope };
}

type ListContext = {
  /** A note every top-level item of the list carries (the label that introduced the list). */
  note?: string;
  owner?: string;
  criteriaKind?: CriterionKind;
  signoff?: SignoffGroup;
  due?: number;
};

const OWNER_LABEL =
  /\b(lead|leads|admin|administrator|engineer|engineers|manager|owner|commander|communications|comms|team|officer|director|dba|sre|devops|operations|ops|support|security|product|qa|architect|analyst|developer|on-?call|cto|ceo|vp)\b/i;

class DraftBuilder {
  readonly phases: DraftPhase[] = [];
  readonly gates: Array<{ gate: DraftGate; guardsAfterPhase?: number }> = [];
  readonly contacts: DraftContact[] = [];
  signoffs = 0;

  constructor(
    private readonly source: string,
    private readonly t0: number | undefined,
    private readonly listPhases: boolean,
  ) {}

  section(raw: RawSection, parent: Scope | undefined): DraftSection {
    const ownOffset = parseRelativeOffset(raw.title) ?? clockOffset(raw.title, this.t0);
    const scope: Scope = {
      title: raw.title,
      titles: [raw.title, ...(parent?.titles ?? [])],
      offset: ownOffset ?? parent?.offset,
      ownOffset: ownOffset !== undefined,
      phase: parent?.phase,
      criteriaKind: criterionKindOfLabel(raw.title) ?? parent?.criteriaKind,
      signoff: isSignoffTitle(raw.title) || (parent?.signoff ?? false),
      contacts: isContactSectionTitle(raw.title) || (parent?.contacts ?? false),
      escalation: isEscalationTitle(raw.title),
    };
    if (raw.phase) {
      scope.phase = this.startPhase(raw.title, raw.phase, this.bodyText(raw));
      scope.criteriaKind = criterionKindOfLabel(raw.title);
    }
    if (isGoNoGo(raw.title)) this.goNoGoGate(raw.title, scope);
    const items = this.blocks(raw.blocks, scope);
    const sections = raw.children.map((child) => this.section(child, scope));
    const section: DraftSection = { title: clip(raw.title, LIMITS.title), items: items.slice(0, LIMITS.items) };
    if (sections.length > 0) section.sections = sections.slice(0, LIMITS.sections);
    return section;
  }

  private bodyText(raw: RawSection): string {
    return [...raw.blocks.map((block) => sourceOf(block, this.source)), ...raw.children.map((c) => this.bodyText(c))].join("\n");
  }

  private startPhase(name: string, spec: PhaseSpec, body: string): PhaseRef {
    const phase: DraftPhase = {
      name: clip(name, LIMITS.name),
      trafficPercent: spec.trafficPercent,
      minDurationMinutes: spec.minDurationMinutes ?? parseObservationMinutes(body) ?? 0,
      criteria: [],
    };
    this.phases.push(phase);
    return { phase, index: this.phases.length - 1 };
  }

  private goNoGoGate(name: string, scope: Scope): void {
    this.gates.push({
      gate: { kind: "GO_NO_GO", name: clip(stripDecoration(name) || name, LIMITS.name), requiredRoles: ["COMMANDER"], approverTitles: [] },
      // A decision inside a phase guards entry into the next one.
      guardsAfterPhase: scope.phase?.index,
    });
  }

  private finishSignoffGroup(group: SignoffGroup): void {
    if (group.lines === 0) return;
    const label = stripDecoration(group.name) || group.name;
    // "Go-Live Authorization (Date/Time, Initial Traffic %)": what the signer is asked to give besides a GO.
    const fields = [...new Set(group.fields)];
    const name = fields.length > 0 ? `${label} (${fields.join(", ")})` : label;
    this.gates.push({
      gate: {
        kind: gateKindOf([group.name, ...group.scope.titles], group.scope.offset),
        name: clip(name, LIMITS.name),
        requiredRoles: ["COMMANDER"],
        approverTitles: [...new Set(group.titles)].slice(0, LIMITS.approvers).map((t) => clip(t, 200)),
      },
    });
  }

  private addCriterion(line: string, kind: CriterionKind | undefined, ref: PhaseRef): void {
    const same = sameAsReference(line);
    if (same) {
      // "Same as 10% canary": the earlier phase's criteria of this kind apply here too.
      const percent = same.match(/(\d{1,3})\s*%/)?.[1];
      const source = this.phases
        .slice(0, ref.index)
        .find((p) => p.name.toLowerCase().includes(same.toLowerCase()) || (percent !== undefined && p.trafficPercent === Number(percent)));
      const copies = source?.criteria.filter((c) => kind === undefined || c.kind === kind) ?? [];
      for (const criterion of copies) ref.phase.criteria.push({ ...criterion });
      return;
    }
    const parsed = parseCriterion(line);
    if (!parsed) return;
    const criterion: DraftCriterion = {
      kind: kind ?? inferCriterionKind(line, parsed),
      metricKey: parsed.metricKey,
      comparator: parsed.comparator,
      threshold: parsed.threshold,
      pendingSeconds: parsed.pendingSeconds,
      // The importer never arms automatic rollback: a person opts in after reading the imported triggers.
      autoRollback: false,
      description: clip(parsed.description, 500),
    };
    if (parsed.unit) criterion.unit = clip(parsed.unit, 20);
    ref.phase.criteria.push(criterion);
  }

  /** The items of a section's own blocks (before its subsections), plus the gates/contacts/criteria they hold. */
  private blocks(blocks: RootContent[], scope: Scope): DraftItem[] {
    const items: DraftItem[] = [];
    let pending: string[] = [];
    let pendingLabel: { label: string; node: Paragraph } | undefined;
    let last: DraftItem | undefined;

    const flushPending = () => {
      if (pending.length === 0) return;
      items.push(makeItem(scope.title, { note: pending.join("\n\n"), due: scope.offset }));
      pending = [];
    };
    const add = (created: DraftItem[]) => {
      if (created.length === 0) return;
      flushPending();
      appendAll(items, created);
      last = items.at(-1);
    };
    const loose = (text: string) => {
      if (pendingLabel) {
        const { label } = pendingLabel;
        pendingLabel = undefined;
        add([makeItem(label, { note: text, due: scope.offset })]);
      } else if (last) {
        last.note = joinNote(last.note, text);
      } else {
        pending.push(text);
      }
    };
    const flushLabel = () => {
      if (!pendingLabel) return;
      const { node } = pendingLabel;
      pendingLabel = undefined;
      loose(sourceOf(node, this.source));
    };

    blocks.forEach((block, index) => {
      const next = blocks[index + 1];
      switch (block.type) {
        case "paragraph": {
          const text = nodeText(block).trim();
          // Sign-off lines written as a paragraph take the label above them as the gate's name.
          if (this.signoffParagraph(text, scope, pendingLabel?.label)) {
            pendingLabel = undefined;
            return;
          }
          flushLabel();
          if (this.paragraph(text, scope)) return;
          const label = labelOf(collapse(text));
          if (label && next && next.type !== "thematicBreak" && !(next.type === "paragraph" && labelOf(collapse(nodeText(next))))) {
            pendingLabel = { label, node: block };
            return;
          }
          loose(sourceOf(block, this.source));
          return;
        }
        case "list": {
          const label = pendingLabel?.label;
          pendingLabel = undefined;
          const group = this.list(block, label, scope);
          add(group);
          return;
        }
        case "table": {
          const label = pendingLabel?.label;
          // A task table first: its Owner/When columns would otherwise pass for a contact table's.
          const taskItems = this.taskTable(block, scope, label);
          if (taskItems) {
            pendingLabel = undefined;
            add(taskItems);
            return;
          }
          if (this.contactTable(block, scope)) {
            pendingLabel = undefined;
            return;
          }
          loose(sourceOf(block, this.source));
          return;
        }
        case "code": {
          if (scope.phase) {
            for (const { kind, line } of criteriaLinesInCode(block.value)) this.addCriterion(line, kind, scope.phase);
          }
          if (this.contactCode(block, scope)) {
            pendingLabel = undefined;
            return;
          }
          loose(sourceOf(block, this.source));
          return;
        }
        case "thematicBreak":
          flushLabel();
          return;
        default:
          loose(sourceOf(block, this.source));
      }
    });
    flushLabel();
    flushPending();
    return items;
  }

  /** A paragraph whose every line is a sign-off line ("Ops Lead: ____" / "Date: ____"): one gate. */
  private signoffParagraph(text: string, scope: Scope, label: string | undefined): boolean {
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    const signoffLines = lines.map(parseSignoffLine);
    if (lines.length === 0 || !signoffLines.every((l) => l !== undefined)) return false;
    const group = signoffGroup(label ?? scope.title, scope);
    for (const line of signoffLines) {
      if (line?.title) group.titles.push(line.title);
      if (line?.field) group.fields.push(line.field);
      group.lines++;
      this.signoffs++;
    }
    this.finishSignoffGroup(group);
    return true;
  }

  /** Paragraphs that are consumed as structure: decisions, times, contact lines. */
  private paragraph(text: string, scope: Scope): boolean {
    const flat = collapse(text);
    if (/^\W*go\s*\/\s*no[- ]?go\b/i.test(flat) && flat.length <= 200 && !flat.endsWith(":")) {
      this.goNoGoGate(flat, scope);
      return true;
    }
    // "**11:30 AM UTC**" under a heading: when T0 is known the time dates the section (unless its heading did).
    if (this.t0 !== undefined && isClockOnly(flat)) {
      if (!scope.ownOffset) {
        scope.offset = clockOffset(flat, this.t0);
        scope.ownOffset = true;
      }
      return true;
    }
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    if (scope.contacts && lines.length > 0) {
      const contacts = lines.map((line, i) => contactFromLine(line, i + 1, scope.escalation));
      if (contacts.every((c) => c !== undefined)) {
        for (const contact of contacts) if (contact) addContact(this.contacts, contact);
        return true;
      }
    }
    return false;
  }

  private list(list: List, label: string | undefined, scope: Scope): DraftItem[] {
    const context: ListContext = { due: scope.offset };
    let group: SignoffGroup | undefined;
    if (label !== undefined) {
      const kind = criterionKindOfLabel(label);
      if (isSignoffTitle(label) || scope.signoff) {
        group = signoffGroup(label, scope);
        context.note = label;
      } else if (kind) {
        context.criteriaKind = kind;
        context.note = label;
      } else if (OWNER_LABEL.test(label) && label.split(/\s+/).length <= 5) {
        context.owner = label;
      } else {
        context.note = label;
      }
    } else if (scope.signoff) {
      group = signoffGroup(scope.title, scope);
    }
    context.criteriaKind ??= scope.criteriaKind;
    // Sign-off lines in a list without a sign-off label or heading still form a gate, named by the section.
    context.signoff = group ?? signoffGroup(scope.title, scope);
    const items = this.listItems(list, context, scope, true);
    this.finishSignoffGroup(context.signoff);
    return items;
  }

  private listItems(list: List, context: ListContext, scope: Scope, topLevel: boolean): DraftItem[] {
    let contactIndex = 0;
    const items: DraftItem[] = [];
    for (const listItem of list.children) {
      const first = listItem.children[0];
      const hasText = first?.type === "paragraph" || first?.type === "heading";
      const text = hasText ? collapse(nodeText(first)) : "";
      const rest = hasText ? listItem.children.slice(1) : listItem.children;
      const nested = rest.filter((node): node is List => node.type === "list");
      const extra = rest.filter((node) => node.type !== "list").map((node) => sourceOf(node, this.source));

      // A sign-off line: part of a gate, not an item. Anything nested under it stays an item.
      const signoff = parseSignoffLine(text);
      const approval = isApprovalContext(context, scope) ? approvalTitle(text) : undefined;
      if (text && (signoff || approval) && context.signoff) {
        const title = signoff ? signoff.title : approval;
        if (title) context.signoff.titles.push(title);
        if (signoff?.field) context.signoff.fields.push(signoff.field);
        context.signoff.lines++;
        this.signoffs++;
        appendAll(items, nested.flatMap((l) => this.listItems(l, context, scope, false)));
        continue;
      }

      // A contact line under a contacts heading ("**Primary:** DevOps Engineer"); checkboxes are never contacts.
      if (scope.contacts && listItem.checked == null && text) {
        const contact = contactFromLine(text, contactIndex + 1, scope.escalation);
        if (contact) {
          contactIndex++;
          addContact(this.contacts, contact);
          appendAll(items, nested.flatMap((l) => this.listItems(l, context, scope, false)));
          continue;
        }
      }

      let phase = scope.phase;
      if (this.listPhases && text) {
        const spec = phaseFromListItem(text);
        if (spec) phase = this.startPhase(text, spec, sourceOf(listItem, this.source));
      }
      if (scope.phase && text) this.addCriterion(text, context.criteriaKind, scope.phase);

      const { text: itemText, owner } = extractOwner(text);
      const due = parseRelativeOffset(text) ?? leadingClockOffset(text, this.t0) ?? context.due;
      const childScope: Scope = phase === scope.phase ? scope : { ...scope, phase };
      const ownGroup: SignoffGroup | undefined = isSignoffTitle(text) && nested.length > 0
        ? signoffGroup(text, scope)
        : undefined;
      const childContext: ListContext = {
        owner: owner ?? context.owner,
        criteriaKind: criterionKindOfLabel(text) ?? context.criteriaKind,
        signoff: ownGroup ?? context.signoff,
        due,
      };
      const children = nested.flatMap((l) => this.listItems(l, childContext, childScope, false));
      if (ownGroup) {
        this.finishSignoffGroup(ownGroup);
        // "Stakeholder Sign-Off" whose every line was an approval: the heading line is part of the gate too.
        if (ownGroup.lines > 0 && children.length === 0 && extra.length === 0) {
          this.signoffs++;
          continue;
        }
      }

      const notes = [topLevel ? context.note : undefined, ...extra].filter((n): n is string => Boolean(n));
      const item = makeItem(itemText || text || "Untitled item", {
        state: listItem.checked === true ? "DONE" : "OPEN",
        owner: owner ?? context.owner,
        due,
        note: notes.length > 0 ? notes.join("\n\n") : undefined,
        children,
      });
      items.push(item);
    }
    return items;
  }

  private contactTable(table: Table, scope: Scope): boolean {
    const [head, ...body] = table.children;
    if (!head) return false;
    const header = head.children.map((cell) => collapse(nodeText(cell)));
    const rows = body.map((row) => row.children.map((cell) => collapse(nodeText(cell))));
    const contacts = contactsFromTable(header, rows, scope.escalation);
    if (!contacts) return false;
    for (const contact of contacts) addContact(this.contacts, contact);
    return true;
  }

  /** A table of tasks (a Task/Step/Action column): its rows are items. */
  private taskTable(table: Table, scope: Scope, label: string | undefined): DraftItem[] | undefined {
    const [head, ...body] = table.children;
    if (!head) return undefined;
    const header = head.children.map((cell) => collapse(nodeText(cell)));
    const find = (pattern: RegExp) => header.findIndex((h) => pattern.test(h.trim()));
    const task = find(/^(task|step|item|action|check|activity|checklist item|what)$/i);
    if (task < 0) return undefined;
    const owner = find(/^(owner|who|assignee|responsible)$/i);
    const due = find(/^(due|time|when|deadline|t|eta|at)$/i);
    const status = find(/^(status|done|state|✓|✔|✅)$/i);
    return body.flatMap((row) => {
      const cells = row.children.map((cell) => collapse(nodeText(cell)));
      const text = cells[task] ?? "";
      if (!text) return [];
      const dueText = due >= 0 ? (cells[due] ?? "") : "";
      const others = header
        .map((h, i) => (i !== task && i !== owner && i !== due && i !== status && cells[i] ? `${h}: ${cells[i]}` : ""))
        .filter(Boolean);
      const note = [label, ...others].filter(Boolean).join("\n");
      return [
        makeItem(text, {
          state: status >= 0 && /^(x|✓|✔|✅|done|yes|complete|completed)$/i.test(cells[status] ?? "") ? "DONE" : "OPEN",
          owner: owner >= 0 ? cells[owner] || undefined : undefined,
          due: parseRelativeOffset(dueText) ?? clockOffset(dueText, this.t0) ?? scope.offset,
          note: note || undefined,
        }),
      ];
    });
  }

  /** A code block under a contacts heading whose every line is "Label: value". */
  private contactCode(code: Code, scope: Scope): boolean {
    if (!scope.contacts) return false;
    const lines = code.value.split("\n").map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return false;
    const contacts = lines.map((line, i) => contactFromLine(line, i + 1, scope.escalation));
    if (!contacts.every((c) => c !== undefined)) return false;
    for (const contact of contacts) if (contact) addContact(this.contacts, contact);
    return true;
  }
}

/** Approval wording ("Product manager approval") only makes a sign-off under a sign-off heading, label or item. */
function isApprovalContext(context: ListContext, scope: Scope): boolean {
  return context.signoff !== undefined && (scope.signoff || isSignoffTitle(context.signoff.name));
}

function leadingClockOffset(text: string, t0: number | undefined): number | undefined {
  const match = text.match(/^\s*(\d{1,2}:\d{2}(?:\s*[ap]\.?m\b\.?)?)(?=\s|[-–—:|]|$)/i);
  return match ? clockOffset(match[1] ?? "", t0) : undefined;
}

/** push(...source) without spreading: a list of 100,000 items must not overflow the call stack. */
function appendAll<T>(target: T[], source: readonly T[]): void {
  for (const value of source) target.push(value);
}

function joinNote(note: string | undefined, text: string): string {
  return note ? `${note}\n\n${text}` : text;
}

function makeItem(
  text: string,
  fields: { state?: DraftItem["state"]; owner?: string; due?: number; note?: string; children?: DraftItem[] },
): DraftItem {
  const cleaned = collapse(text) || "Untitled item";
  // An over-long line keeps its full text in the note rather than losing the end.
  const overflow = cleaned.length > LIMITS.itemText ? cleaned : undefined;
  const item: DraftItem = { text: clip(cleaned, LIMITS.itemText), state: fields.state ?? "OPEN" };
  if (fields.owner) item.ownerName = clip(fields.owner, 200);
  if (fields.due !== undefined) item.dueOffsetMinutes = fields.due;
  const note = [overflow, fields.note].filter(Boolean).join("\n\n");
  if (note) item.note = clip(note, LIMITS.note);
  if (fields.children && fields.children.length > 0) item.children = fields.children.slice(0, LIMITS.children);
  return item;
}

// ---------------------------------------------------------------------------------------------------------------
// Name, service, description

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

/** Reads a Markdown runbook into a draft rollout and counts what it found. Throws RunbookParseError for input that
 * is empty or not Markdown; the caller checks the size. */
export function parseRunbookMarkdown(markdown: string, opts: { name?: string } = {}): RunbookReadResult {
  const source = checkInput(markdown);
  const root = unified().use(remarkParse).use(remarkGfm).parse(source);
  // War Room's own export is read exactly as it was written (see read-export.ts), not by the heuristics below.
  if (isWarRoomExport(root)) return readWarRoomExport(root, source, opts);
  if (!hasStructure(root.children)) {
    throw new RunbookParseError("markdown", "No headings, list items or tables found: this does not look like a Markdown runbook.");
  }

  const doc = outline(root);
  const t0 = findT0(doc.sections);
  const listPhases = markPhases(doc.sections);
  const builder = new DraftBuilder(source, t0, listPhases);
  const sections = doc.sections
    .map((raw) => ({ raw, section: builder.section(raw, undefined) }))
    // A made-up "Checklist" section that ended up empty (its tables were contacts) is not worth showing.
    .filter(({ raw, section }) => !(raw.synthetic && section.items.length === 0 && !section.sections))
    .map(({ section }) => section)
    .slice(0, LIMITS.sections);

  const given = opts.name?.trim();
  const titleIndex = doc.titleLines.findIndex((line) => line && !FILE_NAME.test(line));
  const title = titleIndex >= 0 ? doc.titleLines[titleIndex] : doc.titleLines[0];
  const name = clip(given || title || sections[0]?.title || "Imported runbook", LIMITS.name);
  const service = clip(
    [...doc.titleLines, name].map(inferService).find((s) => s !== undefined) ?? name,
    LIMITS.name,
  );
  const descriptionParts = [
    ...doc.titleLines.filter((line, i) => given || i !== titleIndex),
    ...doc.preamble.filter((n) => n.type !== "thematicBreak").map((n) => blockText(n, source)),
    ...doc.footer.map((n) => blockText(n, source)),
  ].filter(Boolean);
  const description = descriptionParts.length > 0 ? clip(descriptionParts.join("\n\n"), LIMITS.description) : undefined;

  const phases = builder.phases.slice(0, LIMITS.phases).map((p) => ({ ...p, criteria: p.criteria.slice(0, LIMITS.criteria) }));
  const gates = builder.gates.slice(0, LIMITS.gates).map(({ gate, guardsAfterPhase }) => {
    const next = guardsAfterPhase === undefined ? undefined : guardsAfterPhase + 1;
    return next !== undefined && next < phases.length ? { ...gate, phaseIndex: next } : gate;
  });
  const contacts = builder.contacts.slice(0, LIMITS.contacts);

  const draft: RunbookDraft = { name, service, sections, phases, gates, contacts };
  if (description) draft.description = description;

  return { draft, summary: summarizeDraft(draft, builder.signoffs) };
}
