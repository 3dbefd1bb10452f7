import "server-only";
import type { PlanEdit } from "@/lib/schemas/plan";
import { gateEditBlocker, gateRemoveBlocker, isMidPhaseChange, phaseEditBlocker, UNDO_WINDOW_MS } from "./edit-rules";
import { conflict, notFound } from "./errors";
import { jsonify } from "./json";
import type { PlanContext } from "./plan-checklist";
import { contactSelect, criterionSelect, gateSelect, phaseSelect } from "./selects";

// Phases, criteria and triggers, gates, contacts of a rollout's plan. Each runs inside plan-edits.ts's transaction,
// asks edit-rules.ts whether the change is still allowed, and records one event.

type Edit<K extends PlanEdit["op"]> = Extract<PlanEdit, { op: K }>;
const undoUntil = () => new Date(Date.now() + UNDO_WINDOW_MS).toISOString();
const percent = (p: { name: string; trafficPercent: number }) => `${p.name} (${p.trafficPercent}% traffic)`;

async function findPhase(ctx: PlanContext, phaseId: string) {
  const phase = await ctx.tx.phase.findFirst({ where: { id: phaseId, rolloutId: ctx.rolloutId }, select: phaseSelect });
  if (!phase) throw notFound("Phase");
  return phase;
}

function refuse(reason: string | null) {
  if (reason) throw conflict(reason);
}

/** Phase positions are unique per rollout: park the rows out of the way, then number them in order. */
async function renumberPhases(ctx: PlanContext, order: string[]) {
  for (const [i, id] of order.entries()) await ctx.tx.phase.update({ where: { id }, data: { position: -1 - i } });
  for (const [position, id] of order.entries()) await ctx.tx.phase.update({ where: { id }, data: { position } });
}

export async function addPhase(ctx: PlanContext, edit: Edit<"phase.add">) {
  // Always appended: a new phase comes after every phase that has run or is running.
  const last = await ctx.tx.phase.findFirst({ where: { rolloutId: ctx.rolloutId }, orderBy: { position: "desc" }, select: { position: true } });
  const phase = await ctx.tx.phase.create({
    data: { rolloutId: ctx.rolloutId, name: edit.name, trafficPercent: edit.trafficPercent, minDurationMinutes: edit.minDurationMinutes, position: last ? last.position + 1 : 0 },
    select: phaseSelect,
  });
  const view = jsonify(phase);
  await ctx.record("phase.added", { phase: view, publicSummary: `Phase ${percent(phase)} added to the plan` });
  return { phase: view };
}

export async function editPhase(ctx: PlanContext, edit: Edit<"phase.edit">) {
  const phase = await findPhase(ctx, edit.phaseId);
  if (edit.name !== undefined && edit.name !== phase.name) refuse(phaseEditBlocker(ctx.rollout, phase, "rename"));
  if (edit.trafficPercent !== undefined && edit.trafficPercent !== phase.trafficPercent) refuse(phaseEditBlocker(ctx.rollout, phase, "traffic"));
  if (edit.minDurationMinutes !== undefined && edit.minDurationMinutes !== phase.minDurationMinutes) refuse(phaseEditBlocker(ctx.rollout, phase, "duration"));
  const { op: _op, phaseId: _id, ...data } = edit;
  const updated = jsonify(await ctx.tx.phase.update({ where: { id: phase.id }, data, select: phaseSelect }));
  const changed = Object.keys(data);
  await ctx.record("phase.edited", {
    phase: updated,
    changed,
    before: { name: phase.name, trafficPercent: phase.trafficPercent, minDurationMinutes: phase.minDurationMinutes },
    publicSummary: `Phase ${percent(updated)} changed`,
    summary: `Phase "${phase.name}" changed: ${changed.map((k) => `${k} ${String((phase as Record<string, unknown>)[k])} → ${String((updated as Record<string, unknown>)[k])}`).join(", ")}`,
  });
  return { phase: updated };
}

export async function movePhase(ctx: PlanContext, edit: Edit<"phase.move">) {
  const phase = await findPhase(ctx, edit.phaseId);
  refuse(phaseEditBlocker(ctx.rollout, phase, "move"));
  const others = await ctx.tx.phase.findMany({ where: { rolloutId: ctx.rolloutId, id: { not: phase.id } }, orderBy: { position: "asc" }, select: { id: true } });
  const order = others.map((p) => p.id);
  order.splice(Math.min(edit.position, order.length), 0, phase.id);
  await renumberPhases(ctx, order);
  const phases = jsonify(await ctx.tx.phase.findMany({ where: { rolloutId: ctx.rolloutId }, orderBy: { position: "asc" }, select: phaseSelect }));
  await ctx.record("phase.moved", { phases, phaseId: phase.id, publicSummary: `Phase "${phase.name}" moved in the plan` });
  return { phases };
}

export async function removePhase(ctx: PlanContext, edit: Edit<"phase.remove">) {
  const phase = await findPhase(ctx, edit.phaseId);
  refuse(phaseEditBlocker(ctx.rollout, phase, "remove"));
  const gates = await ctx.tx.signoffGate.findMany({ where: { phaseId: phase.id }, include: { _count: { select: { signatures: true } } } });
  const signed = gates.find((g) => g._count.signatures > 0);
  if (signed) throw conflict(`Phase "${phase.name}" has a signed gate ("${signed.name}"): signatures stay on the record`);
  const phaseRow = await ctx.tx.phase.findUniqueOrThrow({ where: { id: phase.id } });
  const criteria = await ctx.tx.criterion.findMany({ where: { phaseId: phase.id } });
  // Its go/no-go gates go with it (they would otherwise guard nothing).
  await ctx.tx.signoffGate.deleteMany({ where: { phaseId: phase.id } });
  await ctx.tx.phase.delete({ where: { id: phase.id } });
  const until = undoUntil();
  const event = await ctx.record("phase.removed", {
    phaseId: phase.id,
    gateIds: gates.map((g) => g.id),
    publicSummary: `Phase ${percent(phase)} removed from the plan`,
    undo: { phase: jsonify(phaseRow), criteria: jsonify(criteria), gates: jsonify(gates.map(({ _count, ...g }) => g)), until },
  });
  return { deleted: phase.id, undo: { seq: event.seq, until } };
}

/** After a mid-phase change the trigger starts again from Normal, and the evaluator runs right after commit. */
const FRESH_EVALUATION = { state: "NORMAL" as const, stateSince: null, lastValue: null, lastEvaluatedAt: null };

export async function addCriterion(ctx: PlanContext, edit: Edit<"criterion.add">) {
  const phase = await findPhase(ctx, edit.phaseId);
  refuse(phaseEditBlocker(ctx.rollout, phase, "criteria"));
  const { op: _op, phaseId, ...data } = edit;
  const criterion = jsonify(await ctx.tx.criterion.create({ data: { ...data, phaseId }, select: criterionSelect }));
  const midPhase = isMidPhaseChange(phase);
  await ctx.record("criterion.added", {
    criterion,
    phaseName: phase.name,
    midPhase,
    summary: `${criterion.kind === "SUCCESS" ? "Success criterion" : "Rollback trigger"} added to "${phase.name}": ${criterion.description}${midPhase ? " (mid-phase)" : ""}`,
  });
  return { criterion, reevaluatePhaseId: midPhase ? phase.id : null };
}

async function findCriterion(ctx: PlanContext, criterionId: string) {
  const criterion = await ctx.tx.criterion.findFirst({ where: { id: criterionId, phase: { rolloutId: ctx.rolloutId } }, select: criterionSelect });
  if (!criterion) throw notFound("Criterion");
  return { criterion, phase: await findPhase(ctx, criterion.phaseId) };
}

export async function editCriterion(ctx: PlanContext, edit: Edit<"criterion.edit">) {
  const { criterion: before, phase } = await findCriterion(ctx, edit.criterionId);
  refuse(phaseEditBlocker(ctx.rollout, phase, "criteria"));
  const { op: _op, criterionId: _id, ...data } = edit;
  const midPhase = isMidPhaseChange(phase);
  const criterion = jsonify(await ctx.tx.criterion.update({ where: { id: before.id }, data: { ...data, ...(midPhase ? FRESH_EVALUATION : {}) }, select: criterionSelect }));
  const changed = Object.keys(data);
  await ctx.record("criterion.edited", {
    criterion,
    changed,
    before: Object.fromEntries(changed.map((k) => [k, (before as Record<string, unknown>)[k]])),
    phaseName: phase.name,
    midPhase,
    summary: `Criterion of "${phase.name}" changed: ${changed.map((k) => `${k} ${String((before as Record<string, unknown>)[k])} → ${String((criterion as Record<string, unknown>)[k])}`).join(", ")}${midPhase ? " (mid-phase: re-evaluated)" : ""}`,
  });
  return { criterion, reevaluatePhaseId: midPhase ? phase.id : null };
}

export async function removeCriterion(ctx: PlanContext, edit: Edit<"criterion.remove">) {
  const { criterion, phase } = await findCriterion(ctx, edit.criterionId);
  refuse(phaseEditBlocker(ctx.rollout, phase, "criteria"));
  const row = await ctx.tx.criterion.findUniqueOrThrow({ where: { id: criterion.id } });
  await ctx.tx.criterion.delete({ where: { id: criterion.id } });
  const midPhase = isMidPhaseChange(phase);
  const until = undoUntil();
  const event = await ctx.record("criterion.removed", {
    criterionId: criterion.id,
    phaseId: phase.id,
    midPhase,
    summary: `Criterion removed from "${phase.name}": ${criterion.description}${midPhase ? " (mid-phase: re-evaluated)" : ""}`,
    undo: { criteria: [jsonify(row)], until },
  });
  return { deleted: criterion.id, undo: { seq: event.seq, until }, reevaluatePhaseId: midPhase ? phase.id : null };
}

async function findGate(ctx: PlanContext, gateId: string) {
  const gate = await ctx.tx.signoffGate.findFirst({ where: { id: gateId, rolloutId: ctx.rolloutId }, select: gateSelect });
  if (!gate) throw notFound("Sign-off gate");
  const phase = gate.phaseId ? await findPhase(ctx, gate.phaseId) : null;
  return { gate, phase };
}

export async function addGate(ctx: PlanContext, edit: Edit<"gate.add">) {
  const phase = edit.phaseId ? await findPhase(ctx, edit.phaseId) : null;
  if (phase) refuse(phaseEditBlocker(ctx.rollout, phase, "criteria"));
  const last = await ctx.tx.signoffGate.findFirst({ where: { rolloutId: ctx.rolloutId }, orderBy: { position: "desc" }, select: { position: true } });
  const gate = jsonify(
    await ctx.tx.signoffGate.create({
      data: { rolloutId: ctx.rolloutId, kind: edit.kind, name: edit.name, requiredRoles: edit.requiredRoles, approverTitles: edit.approverTitles, phaseId: phase?.id ?? null, position: last ? last.position + 1 : 0 },
      select: gateSelect,
    }),
  );
  await ctx.record("gate.added", { gate, publicSummary: `Sign-off "${gate.name}" added`, summary: `Sign-off "${gate.name}" added (${gate.requiredRoles.join(", ")})` });
  return { gate };
}

export async function editGate(ctx: PlanContext, edit: Edit<"gate.edit">) {
  const { gate: before, phase } = await findGate(ctx, edit.gateId);
  refuse(gateEditBlocker(ctx.rollout, before, phase));
  const { op: _op, gateId: _id, ...data } = edit;
  const gate = jsonify(await ctx.tx.signoffGate.update({ where: { id: before.id }, data, select: gateSelect }));
  const changed = Object.keys(data);
  await ctx.record("gate.edited", {
    gate,
    changed,
    before: { name: before.name, requiredRoles: before.requiredRoles, approverTitles: before.approverTitles },
    summary: `Sign-off "${before.name}" changed: roles ${gate.requiredRoles.join(", ")}${gate.approverTitles.length ? `; approvers ${gate.approverTitles.join(", ")}` : ""}`,
  });
  return { gate };
}

export async function removeGate(ctx: PlanContext, edit: Edit<"gate.remove">) {
  const { gate, phase } = await findGate(ctx, edit.gateId);
  refuse(gateRemoveBlocker(ctx.rollout, gate, phase, gate.signatures.length));
  const row = await ctx.tx.signoffGate.findUniqueOrThrow({ where: { id: gate.id } });
  await ctx.tx.signoffGate.delete({ where: { id: gate.id } });
  const until = undoUntil();
  const event = await ctx.record("gate.removed", { gateId: gate.id, publicSummary: `Sign-off "${gate.name}" removed`, undo: { gates: [jsonify(row)], until } });
  return { deleted: gate.id, undo: { seq: event.seq, until } };
}

async function findContact(ctx: PlanContext, contactId: string) {
  const contact = await ctx.tx.contact.findFirst({ where: { id: contactId, rolloutId: ctx.rolloutId }, select: contactSelect });
  if (!contact) throw notFound("Contact");
  return contact;
}

// Contacts carry phones and e-mails: their events have no publicSummary, so stakeholders never see them.
export async function addContact(ctx: PlanContext, edit: Edit<"contact.add">) {
  const last = await ctx.tx.contact.findFirst({ where: { rolloutId: ctx.rolloutId }, orderBy: { position: "desc" }, select: { position: true } });
  const { op: _op, ...data } = edit;
  const contact = jsonify(await ctx.tx.contact.create({ data: { ...data, rolloutId: ctx.rolloutId, position: last ? last.position + 1 : 0 }, select: contactSelect }));
  await ctx.record("contact.added", { contact, summary: `Contact ${contact.name} (${contact.role}) added at escalation level ${contact.escalationLevel}` });
  return { contact };
}

export async function editContact(ctx: PlanContext, edit: Edit<"contact.edit">) {
  const before = await findContact(ctx, edit.contactId);
  const { op: _op, contactId: _id, ...data } = edit;
  const contact = jsonify(await ctx.tx.contact.update({ where: { id: before.id }, data, select: contactSelect }));
  await ctx.record("contact.edited", { contact, changed: Object.keys(data), summary: `Contact ${contact.name} (${contact.role}) changed (${Object.keys(data).join(", ")})` });
  return { contact };
}

export async function removeContact(ctx: PlanContext, edit: Edit<"contact.remove">) {
  const contact = await findContact(ctx, edit.contactId);
  const row = await ctx.tx.contact.findUniqueOrThrow({ where: { id: contact.id } });
  await ctx.tx.contact.delete({ where: { id: contact.id } });
  const until = undoUntil();
  const event = await ctx.record("contact.removed", { contactId: contact.id, summary: `Contact ${contact.name} (${contact.role}) removed`, undo: { contacts: [jsonify(row)], until } });
  return { deleted: contact.id, undo: { seq: event.seq, until } };
}
