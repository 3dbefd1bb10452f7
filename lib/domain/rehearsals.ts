import "server-only";
import { getDb } from "@/lib/db/client";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { RebaselineInput } from "@/lib/schemas/plan";
import { planLockedReason } from "./edit-rules";
import { badRequest, conflict, forbidden, notFound } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { buildRehearsalReport, rebaselineChanges, type RehearsalReport } from "./rehearsal-timings";

// The rehearsal report (planned against actual, per item, gate and phase) and "Re-baseline", which writes the
// rehearsal's timings back to the plan it rehearsed.

export async function getRehearsalReport(rehearsalId: string): Promise<RehearsalReport & { rehearsalOf: { id: string; name: string } | null }> {
  const rollout = await getDb().rollout.findUnique({
    where: { id: rehearsalId },
    select: {
      isRehearsal: true,
      createdAt: true,
      startedAt: true,
      endedAt: true,
      status: true,
      rehearsalOf: { select: { id: true, name: true } },
      items: { select: { id: true, text: true, dueOffsetMinutes: true, state: true, checkedAt: true, copiedFromId: true, position: true, section: { select: { title: true } } }, orderBy: { position: "asc" } },
      phases: { select: { id: true, name: true, position: true, minDurationMinutes: true, startedAt: true, endedAt: true, status: true } },
      gates: { select: { id: true, name: true, phaseId: true, requiredRoles: true, signatures: { select: { decision: true, signerRole: true, createdAt: true } } }, orderBy: { position: "asc" } },
    },
  });
  if (!rollout) throw notFound("Rollout");
  if (!rollout.isRehearsal) throw badRequest("This rollout is not a rehearsal", { id: ["is not a rehearsal"] });
  const data = jsonify(rollout);
  const report = buildRehearsalReport({
    rollout: { createdAt: data.createdAt, startedAt: data.startedAt, endedAt: data.endedAt, status: data.status },
    items: data.items.map((i) => ({ ...i, sectionTitle: i.section.title })),
    phases: data.phases,
    gates: data.gates,
  });
  return { ...report, rehearsalOf: data.rehearsalOf };
}

/** Applies the rehearsal's measured item times (as due T±) and phase durations (as minimum durations) to its plan. */
export async function rebaselineFromRehearsal(principal: UserPrincipal, rehearsalId: string, input: RebaselineInput) {
  if (!can(principal.role, "rollout.rehearse")) throw forbidden("Only a commander or an admin can re-baseline a plan");
  const rehearsal = await getDb().rollout.findUnique({ where: { id: rehearsalId }, select: { isRehearsal: true, rehearsalOfId: true, startedAt: true } });
  if (!rehearsal) throw notFound("Rollout");
  if (!rehearsal.isRehearsal) throw badRequest("This rollout is not a rehearsal", { id: ["is not a rehearsal"] });
  if (!rehearsal.rehearsalOfId) throw conflict("The rollout this rehearsal copied no longer exists");
  if (!rehearsal.startedAt) throw conflict("This rehearsal has not started: there are no timings yet");
  const changes = rebaselineChanges(await getRehearsalReport(rehearsalId));
  const planId = rehearsal.rehearsalOfId;
  const { result } = await changeRollout(planId, actorOf(principal), async (tx, record) => {
    const plan = await tx.rollout.findUniqueOrThrow({ where: { id: planId }, select: { status: true, archivedAt: true } });
    const locked = planLockedReason(plan);
    if (locked) throw conflict(locked);
    let items = 0;
    if (input.items) {
      for (const change of changes.items) {
        const updated = await tx.checklistItem.updateMany({ where: { id: change.itemId, rolloutId: planId }, data: { dueOffsetMinutes: change.dueOffsetMinutes, version: { increment: 1 } } });
        items += updated.count;
      }
    }
    let phases = 0;
    if (input.phases) {
      for (const change of changes.phases) {
        // Only phases still ahead; a phase that has run keeps its plan as it was run.
        const updated = await tx.phase.updateMany({ where: { rolloutId: planId, position: change.position, name: change.name, status: "PENDING" }, data: { minDurationMinutes: change.minDurationMinutes } });
        phases += updated.count;
      }
    }
    await record("plan.rebaselined", { rehearsalId, items, phases, summary: `Plan re-baselined from a rehearsal: ${items} item times, ${phases} phase durations` });
    return { planId, items, phases };
  });
  return result;
}
