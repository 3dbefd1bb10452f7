import { z } from "zod";
import type { ContactView, CriterionView, GateView, ItemView, PhaseView, RolloutSummary, SectionView } from "@/lib/domain/selects";

// The plan-editing part of the event catalogue (lib/schemas/events.ts spreads it in): one type per kind of change to a
// rollout's plan (lib/domain/plan-*.ts, rollout-copies.ts, rehearsals.ts). Every one carries the team's timeline line
// (`summary`) and, when stakeholders may read about it, a `publicSummary` (contacts never have one). Removals carry
// the removed rows in `undo` (read back by lib/domain/plan-undo.ts from the stored event, never from a client).

const view = <T>() => z.custom<T>((value) => typeof value === "object" && value !== null);
const lines = { summary: z.string().optional(), publicSummary: z.string().optional() };
const removal = { ...lines, undo: z.record(z.string(), z.unknown()) };
const changes = { changed: z.array(z.string()), before: z.record(z.string(), z.unknown()).optional() };

export const PLAN_EVENT_PAYLOADS = {
  "section.added": z.object({ section: view<SectionView>(), ...lines }),
  "section.edited": z.object({ section: view<SectionView>(), ...lines }),
  "section.moved": z.object({ sectionId: z.string(), sections: view<SectionView[]>(), ...lines }),
  "section.deleted": z.object({ sectionId: z.string(), sectionIds: z.array(z.string()), itemIds: z.array(z.string()), ...removal }),
  "item.added": z.object({ item: view<ItemView>(), sectionTitle: z.string(), ...lines }),
  "item.edited": z.object({ item: view<ItemView>(), ...changes, ...lines }),
  "item.moved": z.object({ itemId: z.string(), items: view<ItemView[]>(), ...lines }),
  "item.deleted": z.object({ itemId: z.string(), itemIds: z.array(z.string()), ...removal }),
  "phase.added": z.object({ phase: view<PhaseView>(), ...lines }),
  "phase.edited": z.object({ phase: view<PhaseView>(), ...changes, ...lines }),
  "phase.moved": z.object({ phaseId: z.string(), phases: view<PhaseView[]>(), ...lines }),
  "phase.removed": z.object({ phaseId: z.string(), gateIds: z.array(z.string()), ...removal }),
  /** `midPhase`: changed while its phase ran (audited, and the phase re-evaluated right after). */
  "criterion.added": z.object({ criterion: view<CriterionView>(), phaseName: z.string(), midPhase: z.boolean(), ...lines }),
  "criterion.edited": z.object({ criterion: view<CriterionView>(), phaseName: z.string(), midPhase: z.boolean(), ...changes, ...lines }),
  "criterion.removed": z.object({ criterionId: z.string(), phaseId: z.string(), midPhase: z.boolean(), ...removal }),
  "gate.added": z.object({ gate: view<GateView>(), ...lines }),
  "gate.edited": z.object({ gate: view<GateView>(), ...changes, ...lines }),
  "gate.removed": z.object({ gateId: z.string(), ...removal }),
  "contact.added": z.object({ contact: view<ContactView>(), ...lines }),
  "contact.edited": z.object({ contact: view<ContactView>(), changed: z.array(z.string()), ...lines }),
  "contact.removed": z.object({ contactId: z.string(), ...removal }),
  /** Undo of the removal recorded at `undoSeq`. */
  "plan.restored": z.object({ undoSeq: z.number().int(), undid: z.string(), ...lines }),
  "rollout.edited": z.object({ rollout: view<RolloutSummary>(), changed: z.array(z.string()), ...lines }),
  "rollout.archived": z.object({ rollout: view<RolloutSummary>(), ...lines }),
  "rollout.unarchived": z.object({ rollout: view<RolloutSummary>(), ...lines }),
  /** On the rollout that was copied into a rehearsal. */
  "rehearsal.created": z.object({ rehearsalId: z.string(), name: z.string(), ...lines }),
  /** On the plan a rehearsal's timings were written back to. */
  "plan.rebaselined": z.object({ rehearsalId: z.string(), items: z.number().int(), phases: z.number().int(), ...lines }),
} as const satisfies Record<string, z.ZodType<Record<string, unknown>>>;

export type PlanEventType = keyof typeof PLAN_EVENT_PAYLOADS;

export function isPlanEventType(type: string): type is PlanEventType {
  return Object.hasOwn(PLAN_EVENT_PAYLOADS, type);
}
