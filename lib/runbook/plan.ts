import type { ImportPlan, PlanCriterion, PlanElement, PlanElementKind, PlanSection } from "@/lib/schemas/import-plan";
import type { DraftItem, DraftSection, RunbookDraft } from "@/lib/schemas/runbook";
import { summarizeDraft, type RunbookSummary } from "./result";

// The import plan: what the importer read, element by element, before anything is stored. The parser makes it
// (parse-markdown.ts), the import API answers it for a dry run, the review page lets an admin fix it, and
// planToDraft turns it — as read or as edited — into the RunbookDraft that createRolloutFromDraft stores. One
// function counts the summary from that draft, so the counts shown always equal what is stored.
//
// Client-safe: no server imports (the review page runs convertElement and planToDraft in the browser). The zod
// schemas are in lib/schemas/import-plan.ts.

export type { ImportPlan, PlanCriterion, PlanElement, PlanElementKind, PlanPhase, PlanSection } from "@/lib/schemas/import-plan";

// ---------------------------------------------------------------------------------------------------------------
// Changing an element's kind in review

const COMPARATOR_OF: Record<string, PlanCriterion["comparator"]> = { "<": "LT", "<=": "LTE", "≤": "LTE", ">": "GT", ">=": "GTE", "≥": "GTE", "=": "EQ" };

/** A best guess at a criterion from free text, for an element a person turns into one (they then edit it). */
function guessCriterion(text: string): PlanCriterion {
  const match = text.match(/^(.*?)\s*(<=|>=|≤|≥|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*(%|ms|s|min|h)?/);
  const words = (match?.[1] ?? text).toLowerCase().replace(/[^\p{L}\d]+/gu, "_").replace(/^_+|_+$/g, "").slice(0, 100);
  return {
    metricKey: words || "metric",
    comparator: COMPARATOR_OF[match?.[2] ?? ">"] ?? "GT",
    threshold: match ? Number(match[3]) : null,
    unit: match?.[4],
    pendingSeconds: 0,
  };
}

/** The element as another kind: the fields the new kind needs are filled from its text where missing. */
export function convertElement(element: PlanElement, kind: PlanElementKind): PlanElement {
  const next: PlanElement = { ...element, kind, reason: `${element.reason} (changed to ${kind} in review)` };
  const label = element.text.split("\n")[0]?.trim().slice(0, 200) || "Untitled";
  if ((kind === "criterion" || kind === "trigger") && !next.criterion) next.criterion = guessCriterion(label);
  if (kind === "gate" && !next.gate) next.gate = { gateKind: "CUSTOM", approverTitles: [] };
  if (kind === "contact" && !next.contact) {
    const [role, name] = label.split(/\s*[:—–]\s*/, 2);
    next.contact = { kind: "PERSON", role: role || label, name: name || role || label, escalationLevel: 1 };
  }
  return next;
}

// ---------------------------------------------------------------------------------------------------------------
// Plan → draft

type Phase = RunbookDraft["phases"][number];
type Criterion = Phase["criteria"][number];

const clip = (text: string, max: number) => (text.length <= max ? text : text.slice(0, max - 1).trimEnd() + "…");
const joinNote = (a: string | undefined, b: string) => (a ? `${a}\n\n${b}` : b);

/** A criterion the war room can arm: a metric key and an absolute threshold. */
export function isArmable(element: PlanElement): boolean {
  const c = element.criterion;
  return (element.kind === "criterion" || element.kind === "trigger") && c !== undefined && c.threshold !== null && c.metricKey.trim().length > 0;
}

/** Criteria that apply across phases live on every phase; with no phase at all, on one made to hold them. */
export const WHOLE_ROLLOUT_PHASE = "Whole rollout (criteria written outside any phase)";

/**
 * The draft a plan stores. Dropped elements are left out; items nest under their parent items; notes attach to
 * the item they sit under, else the item before them in their section, else the one after; a section that has
 * notes but no item gets one item named after it holding them. A criterion or trigger without an absolute
 * threshold is not armed: it becomes an item saying so.
 */
export function planToDraft(plan: ImportPlan): RunbookDraft {
  const live = plan.elements.filter((e) => !e.dropped);
  const byId = new Map(live.map((e) => [e.id, e]));
  const items = new Map<string, DraftItem>();
  const sectionItems = new Map<string | null, DraftItem[]>();
  const pushTo = (sectionId: string | null, item: DraftItem) => {
    const list = sectionItems.get(sectionId) ?? [];
    list.push(item);
    sectionItems.set(sectionId, list);
  };
  /** The nearest ancestor that is a stored item. */
  const itemParent = (element: PlanElement): DraftItem | undefined => {
    let parentId = element.parentId;
    for (let hops = 0; parentId && hops < 100; hops++) {
      const found = items.get(parentId);
      if (found) return found;
      parentId = byId.get(parentId)?.parentId ?? null;
    }
    return undefined;
  };

  const asItem = (element: PlanElement, extraNote?: string): DraftItem => {
    const full = element.text.replace(/\s+/g, " ").trim() || "Untitled item";
    const item: DraftItem = { text: clip(full, 2000), state: element.item.state };
    if (element.item.ownerName) item.ownerName = clip(element.item.ownerName, 200);
    if (element.item.dueOffsetMinutes !== undefined) item.dueOffsetMinutes = element.item.dueOffsetMinutes;
    // An over-long line keeps its full text in the note rather than losing the end.
    const note = [full.length > 2000 ? full : undefined, element.item.note, extraNote].filter(Boolean).join("\n\n");
    if (note) item.note = clip(note, 10_000);
    return item;
  };
  const placeItem = (element: PlanElement, item: DraftItem) => {
    items.set(element.id, item);
    const parent = itemParent(element);
    if (parent) (parent.children ??= []).push(item);
    else pushTo(element.sectionId, item);
  };

  // Items first (in document order, so parents exist before children), then notes.
  const phases: Phase[] = plan.phases.map((p) => ({ name: p.name, trafficPercent: p.trafficPercent, minDurationMinutes: p.minDurationMinutes, criteria: [] }));
  const global: Criterion[] = [];
  const gates: RunbookDraft["gates"] = [];
  const contacts: RunbookDraft["contacts"] = [];
  for (const element of live) {
    if (element.kind === "item") placeItem(element, asItem(element));
    else if (element.kind === "criterion" || element.kind === "trigger") {
      if (!isArmable(element)) {
        const why = element.criterion?.relativeTo
          ? `Not armed: the threshold is relative (${element.criterion.relativeTo}); set an absolute threshold to arm it.`
          : "Not armed: no metric and absolute threshold were read.";
        placeItem(element, asItem(element, why));
        continue;
      }
      const c = element.criterion!;
      const criterion: Criterion = {
        kind: element.kind === "trigger" ? "ROLLBACK_TRIGGER" : "SUCCESS",
        metricKey: clip(c.metricKey.trim(), 100),
        comparator: c.comparator,
        threshold: c.threshold!,
        pendingSeconds: c.pendingSeconds,
        // The importer never arms automatic rollback: a person opts in after reading the imported triggers.
        autoRollback: false,
        description: clip(element.text.replace(/\s+/g, " ").trim() || c.metricKey, 500),
      };
      if (c.unit) criterion.unit = clip(c.unit, 20);
      const phase = element.phaseIndex === null ? undefined : phases[element.phaseIndex];
      if (phase) phase.criteria.push(criterion);
      else global.push(criterion);
    } else if (element.kind === "gate") {
      const gate: RunbookDraft["gates"][number] = {
        kind: element.gate?.gateKind ?? "CUSTOM",
        name: clip(element.text.replace(/\s+/g, " ").trim() || "Sign-off", 200),
        requiredRoles: ["COMMANDER"],
        approverTitles: [...new Set(element.gate?.approverTitles ?? [])].slice(0, 20),
      };
      if (element.phaseIndex !== null && element.phaseIndex < phases.length) gate.phaseIndex = element.phaseIndex;
      gates.push(gate);
    } else if (element.kind === "contact" && element.contact) {
      contacts.push(element.contact);
    }
  }

  const notes = live.filter((e) => e.kind === "note");
  const orphanNotes = new Map<string | null, Array<{ text: string; due?: number }>>();
  for (const note of notes) {
    const text = [note.text, note.item.note].filter(Boolean).join("\n\n");
    const parent = itemParent(note) ?? nearestItem(note, live, items);
    if (parent) parent.note = clip(joinNote(parent.note, text), 10_000);
    else orphanNotes.set(note.sectionId, [...(orphanNotes.get(note.sectionId) ?? []), { text, due: note.item.dueOffsetMinutes }]);
  }

  if (global.length > 0) {
    if (phases.length === 0) phases.push({ name: WHOLE_ROLLOUT_PHASE, trafficPercent: 100, minDurationMinutes: 0, criteria: [] });
    for (const phase of phases) phase.criteria.unshift(...global.map((c) => ({ ...c })));
  }
  for (const phase of phases) phase.criteria = phase.criteria.slice(0, 100);

  // The section tree, in plan order.
  const children = new Map<string | null, typeof plan.sections>();
  for (const section of plan.sections) children.set(section.parentId, [...(children.get(section.parentId) ?? []), section]);
  const build = (parentId: string | null): DraftSection[] =>
    (children.get(parentId) ?? []).slice(0, 200).map((section) => {
      const own = sectionItems.get(section.id) ?? [];
      const orphan = orphanNotes.get(section.id);
      if (own.length === 0 && orphan) {
        const item: DraftItem = { text: clip(section.title, 2000), state: "OPEN", note: clip(orphan.map((o) => o.text).join("\n\n"), 10_000) };
        if (orphan[0]?.due !== undefined) item.dueOffsetMinutes = orphan[0].due;
        own.push(item);
      }
      const draft: DraftSection = { title: clip(section.title, 300), items: own.slice(0, 1000) };
      const nested = build(section.id);
      if (nested.length > 0) draft.sections = nested;
      return draft;
    });
  const sections = build(null);
  // Elements outside every section (a document of bare lists) live in one "Checklist" section.
  const loose = sectionItems.get(null) ?? [];
  if (loose.length > 0) sections.unshift({ title: "Checklist", items: loose.slice(0, 1000) });

  const draft: RunbookDraft = { name: plan.name, service: plan.service, sections: sections.slice(0, 200), phases, gates: gates.slice(0, 100), contacts: contacts.slice(0, 500) };
  const orphanOutside = orphanNotes.get(null);
  const description = [plan.description, ...(orphanOutside ?? []).map((o) => o.text)].filter(Boolean).join("\n\n");
  if (description) draft.description = clip(description, 20_000);
  return draft;
}

/** The item before the note in its section (else the one after), for a note that sits under none. */
function nearestItem(note: PlanElement, live: PlanElement[], items: Map<string, DraftItem>): DraftItem | undefined {
  const index = live.indexOf(note);
  for (let i = index - 1; i >= 0; i--) {
    const e = live[i]!;
    if (e.sectionId !== note.sectionId) break;
    const item = items.get(e.id);
    if (item) return item;
  }
  for (let i = index + 1; i < live.length; i++) {
    const e = live[i]!;
    if (e.sectionId !== note.sectionId) break;
    const item = items.get(e.id);
    if (item) return item;
  }
  return undefined;
}

/** The draft a plan stores and its counts, counted from that draft. */
export function draftFromPlan(plan: ImportPlan): { draft: RunbookDraft; summary: RunbookSummary } {
  const draft = planToDraft(plan);
  return { draft, summary: summarizeDraft(draft) };
}

/** A plan holding exactly a draft (a War Room export is read exactly, so its plan has no source lines to show). */
export function draftToPlan(draft: RunbookDraft, reason: string): ImportPlan {
  const sections: PlanSection[] = [];
  const elements: PlanElement[] = [];
  const base = { lines: null, reason, dropped: false, item: { state: "OPEN" as const } };
  const id = () => `e${elements.length + 1}`;
  const visitItem = (item: DraftItem, sectionId: string, parentId: string | null) => {
    const element: PlanElement = {
      ...base,
      id: id(),
      kind: "item",
      text: item.text,
      sectionId,
      parentId,
      phaseIndex: null,
      item: { state: item.state ?? "OPEN", ownerName: item.ownerName, dueOffsetMinutes: item.dueOffsetMinutes, note: item.note },
    };
    elements.push(element);
    for (const child of item.children ?? []) visitItem(child, sectionId, element.id);
  };
  const visitSection = (section: DraftSection, parentId: string | null) => {
    const sectionId = `s${sections.length + 1}`;
    sections.push({ id: sectionId, title: section.title, parentId, lines: null });
    for (const item of section.items) visitItem(item, sectionId, null);
    for (const child of section.sections ?? []) visitSection(child, sectionId);
  };
  for (const section of draft.sections) visitSection(section, null);
  draft.phases.forEach((phase, phaseIndex) => {
    for (const c of phase.criteria) {
      elements.push({
        ...base,
        id: id(),
        kind: c.kind === "ROLLBACK_TRIGGER" ? "trigger" : "criterion",
        text: c.description,
        sectionId: null,
        parentId: null,
        phaseIndex,
        criterion: { metricKey: c.metricKey, comparator: c.comparator, threshold: c.threshold, unit: c.unit, pendingSeconds: c.pendingSeconds },
      });
    }
  });
  for (const gate of draft.gates) {
    elements.push({ ...base, id: id(), kind: "gate", text: gate.name, sectionId: null, parentId: null, phaseIndex: gate.phaseIndex ?? null, gate: { gateKind: gate.kind, approverTitles: gate.approverTitles } });
  }
  for (const contact of draft.contacts) {
    elements.push({ ...base, id: id(), kind: "contact", text: `${contact.role}: ${contact.name}`, sectionId: null, parentId: null, phaseIndex: null, contact });
  }
  return {
    name: draft.name,
    service: draft.service,
    description: draft.description,
    sections,
    phases: draft.phases.map((p) => ({ name: p.name, trafficPercent: p.trafficPercent, minDurationMinutes: p.minDurationMinutes, lines: null, reason })),
    elements,
  };
}
