import "server-only";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can, type Permission } from "@/lib/auth/permissions";
import type { PlanEdit } from "@/lib/schemas/plan";
import { planLockedReason } from "./edit-rules";
import { conflict, forbidden, notFound } from "./errors";
import { evaluatePhaseGates } from "./evaluation";
import { changeRollout } from "./events";
import { addItem, addSection, deleteItem, deleteSection, editItem, editSection, markItem, moveItem, moveSection, type PlanContext } from "./plan-checklist";
import {
  addContact,
  addCriterion,
  addGate,
  addPhase,
  editContact,
  editCriterion,
  editGate,
  editPhase,
  movePhase,
  removeContact,
  removeCriterion,
  removeGate,
  removePhase,
} from "./plan-structure";
import { findUndoable, undoRemoval } from "./plan-undo";

// The one way a rollout's plan changes (HTTP POST /api/v1/rollouts/:id/plan and the socket's `plan.edit`): the
// caller's permission for this kind of edit, then one transaction that checks the edit rules, changes the rows and
// records the event; published after commit. A criterion changed mid-phase is re-evaluated right after.

const permissionOf = (op: PlanEdit["op"] | string): Permission => (op.startsWith("item.") || op.startsWith("section.") ? "plan.checklist" : "plan.structure");

/** The permission an edit needs (undo: that of the change it reverses, checked once the event is read). */
function planEditPermission(edit: PlanEdit): Permission {
  return edit.op === "undo" ? "plan.checklist" : permissionOf(edit.op);
}

export type PlanEditResult = Record<string, unknown> & { seq: number };

export async function applyPlanEdit(principal: UserPrincipal, rolloutId: string, edit: PlanEdit): Promise<PlanEditResult> {
  if (!can(principal.role, planEditPermission(edit))) throw forbidden(`Your role (${principal.role}) cannot change this part of the plan`);
  const { result, events } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const rollout = await tx.rollout.findUnique({ where: { id: rolloutId }, select: { status: true, archivedAt: true } });
    if (!rollout) throw notFound("Rollout");
    const locked = planLockedReason(rollout);
    if (locked) throw conflict(locked);
    const ctx: PlanContext = { tx, record, rolloutId, rollout, userId: principal.userId };
    switch (edit.op) {
      case "section.add":
        return addSection(ctx, edit);
      case "section.edit":
        return editSection(ctx, edit);
      case "section.move":
        return moveSection(ctx, edit);
      case "section.delete":
        return deleteSection(ctx, edit);
      case "item.add":
        return addItem(ctx, edit);
      case "item.edit":
        return editItem(ctx, edit);
      case "item.mark":
        return markItem(ctx, edit);
      case "item.move":
        return moveItem(ctx, edit);
      case "item.delete":
        return deleteItem(ctx, edit);
      case "phase.add":
        return addPhase(ctx, edit);
      case "phase.edit":
        return editPhase(ctx, edit);
      case "phase.move":
        return movePhase(ctx, edit);
      case "phase.remove":
        return removePhase(ctx, edit);
      case "criterion.add":
        return addCriterion(ctx, edit);
      case "criterion.edit":
        return editCriterion(ctx, edit);
      case "criterion.remove":
        return removeCriterion(ctx, edit);
      case "gate.add":
        return addGate(ctx, edit);
      case "gate.edit":
        return editGate(ctx, edit);
      case "gate.remove":
        return removeGate(ctx, edit);
      case "contact.add":
        return addContact(ctx, edit);
      case "contact.edit":
        return editContact(ctx, edit);
      case "contact.remove":
        return removeContact(ctx, edit);
      case "undo": {
        const { type } = await findUndoable(ctx, edit.seq);
        if (!can(principal.role, permissionOf(type))) throw forbidden(`Your role (${principal.role}) cannot undo this change`);
        return undoRemoval(ctx, edit.seq);
      }
    }
  });
  const { reevaluatePhaseId, ...rest } = result as Record<string, unknown> & { reevaluatePhaseId?: string | null };
  if (reevaluatePhaseId) {
    // After commit, like publishing: the edit stands even if this evaluation fails (the worker evaluates again).
    await evaluatePhaseGates(reevaluatePhaseId).catch((error: unknown) => console.error("[warroom] re-evaluating after a criterion edit failed:", error));
  }
  return { ...rest, seq: events.at(-1)?.seq ?? 0 };
}
