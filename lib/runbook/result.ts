import type { DraftItem, DraftSection, RunbookDraft } from "@/lib/schemas/runbook";
import type { ImportPlan } from "./plan";

// What reading a Markdown runbook gives: a draft and the counts the import answers with, or a RunbookParseError
// naming the field at fault. Shared by the importer of ordinary runbooks (parse-markdown.ts) and the reader of
// War Room's own exports (read-export.ts).

export class RunbookParseError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = "RunbookParseError";
    this.field = field;
  }
}

export type RunbookSummary = {
  /** All sections, nested ones included. */
  sections: number;
  /** All checklist items, nested ones included; sign-off lines and contact lines are not items. */
  items: number;
  /** Items marked done (`[x]`). */
  checkedItems: number;
  /** Sign-off gates stored. */
  gates: number;
  /** Approvers named across those gates (each is one signature the gate asks for). */
  signoffs: number;
  contacts: number;
  phases: number;
  /** Success criteria across phases. */
  criteria: number;
  /** Rollback triggers across phases (not counted in `criteria`). */
  triggers: number;
};

export type RunbookReadResult = { draft: RunbookDraft; summary: RunbookSummary; plan: ImportPlan };

function countItems(items: DraftItem[]): { items: number; checked: number } {
  let total = 0;
  let checked = 0;
  for (const item of items) {
    const nested = countItems(item.children ?? []);
    total += 1 + nested.items;
    checked += (item.state === "DONE" ? 1 : 0) + nested.checked;
  }
  return { items: total, checked };
}

function countSections(sections: DraftSection[]): { sections: number; items: number; checked: number } {
  let result = { sections: 0, items: 0, checked: 0 };
  for (const section of sections) {
    const own = countItems(section.items);
    const nested = countSections(section.sections ?? []);
    result = {
      sections: result.sections + 1 + nested.sections,
      items: result.items + own.items + nested.items,
      checked: result.checked + own.checked + nested.checked,
    };
  }
  return result;
}

/** The counts of a draft: what storing it stores, count for count. */
export function summarizeDraft(draft: RunbookDraft): RunbookSummary {
  const counted = countSections(draft.sections);
  const criteria = draft.phases.flatMap((p) => p.criteria);
  return {
    sections: counted.sections,
    items: counted.items,
    checkedItems: counted.checked,
    gates: draft.gates.length,
    signoffs: draft.gates.reduce((sum, gate) => sum + gate.approverTitles.length, 0),
    contacts: draft.contacts.length,
    phases: draft.phases.length,
    criteria: criteria.filter((c) => c.kind === "SUCCESS").length,
    triggers: criteria.filter((c) => c.kind === "ROLLBACK_TRIGGER").length,
  };
}
