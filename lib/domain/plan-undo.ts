import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { undoBlocker } from "./edit-rules";
import { badRequest, conflict, notFound } from "./errors";
import type { PlanContext } from "./plan-checklist";

// Undo of a destructive plan edit: the deleting event carries the rows it removed (`data.undo`); undo puts them back
// with their ids, within the undo window, once. It records `plan.restored` naming the seq it undid.

type UndoRows = {
  sections?: Prisma.ChecklistSectionCreateManyInput[];
  items?: Prisma.ChecklistItemCreateManyInput[];
  phase?: Prisma.PhaseCreateManyInput;
  criteria?: Prisma.CriterionCreateManyInput[];
  gates?: Prisma.SignoffGateCreateManyInput[];
  contacts?: Prisma.ContactCreateManyInput[];
};

/** The event an undo names, checked: this rollout's, destructive, recent, not undone yet. */
export async function findUndoable(ctx: PlanContext, seq: number, now = new Date()) {
  const event = await ctx.tx.rolloutEvent.findUnique({ where: { rolloutId_seq: { rolloutId: ctx.rolloutId, seq } }, select: { type: true, at: true, data: true } });
  if (!event) throw notFound("Event");
  const data = event.data as { undo?: UndoRows; publicSummary?: string; summary?: string };
  if (!data.undo) throw badRequest("That change cannot be undone", { seq: ["is not a removal"] });
  const undone = await ctx.tx.rolloutEvent.findFirst({ where: { rolloutId: ctx.rolloutId, type: "plan.restored", data: { path: ["undoSeq"], equals: seq } }, select: { seq: true } });
  const blocker = undoBlocker(event.at, now, undone !== null);
  if (blocker) throw conflict(blocker);
  return { type: event.type, rows: data.undo, what: data.summary ?? data.publicSummary ?? event.type };
}

export async function undoRemoval(ctx: PlanContext, seq: number) {
  const { type, rows, what } = await findUndoable(ctx, seq);
  const { tx } = ctx;
  const missing = (label: string) => conflict(`Cannot undo: ${label} has been removed since`);
  try {
    if (rows.phase) await restorePhase(ctx, rows.phase);
    for (const section of rows.sections ?? []) await tx.checklistSection.create({ data: { ...section, rolloutId: ctx.rolloutId } });
    for (const item of rows.items ?? []) await tx.checklistItem.create({ data: { ...item, rolloutId: ctx.rolloutId } });
    if (rows.criteria?.length) await tx.criterion.createMany({ data: rows.criteria });
    if (rows.gates?.length) await tx.signoffGate.createMany({ data: rows.gates.map((g) => ({ ...g, rolloutId: ctx.rolloutId })) });
    if (rows.contacts?.length) await tx.contact.createMany({ data: rows.contacts.map((c) => ({ ...c, rolloutId: ctx.rolloutId })) });
  } catch (error) {
    // A foreign key: the section, parent item or phase it belonged to is gone.
    if ((error as { code?: string }).code === "P2003") throw missing("what it belonged to");
    throw error;
  }
  await ctx.record("plan.restored", { undoSeq: seq, undid: type, publicSummary: `Restored: ${what.replace(/ removed.*$/, "")}`, summary: `Undone: ${what}` });
  return { restored: seq };
}

/** Back at its old place among the phases, which must still be after every phase that has run. */
async function restorePhase(ctx: PlanContext, phase: Prisma.PhaseCreateManyInput) {
  const phases = await ctx.tx.phase.findMany({ where: { rolloutId: ctx.rolloutId }, orderBy: { position: "asc" }, select: { id: true, status: true } });
  const index = Math.min(phase.position, phases.length);
  if (phases.slice(index).some((p) => p.status !== "PENDING")) throw conflict("Cannot undo: a phase after it has started since");
  await ctx.tx.phase.create({ data: { ...phase, rolloutId: ctx.rolloutId, position: -1_000_000 } });
  const order = phases.map((p) => p.id);
  order.splice(index, 0, phase.id!);
  for (const [i, id] of order.entries()) await ctx.tx.phase.update({ where: { id }, data: { position: -1 - i } });
  for (const [position, id] of order.entries()) await ctx.tx.phase.update({ where: { id }, data: { position } });
}

/** The event type an undo would reverse (for the permission check before the change runs). */
export const UNDO_TYPES = ["section.deleted", "item.deleted", "phase.removed", "criterion.removed", "gate.removed", "contact.removed"] as const;
