import "server-only";
import { getDb } from "@/lib/db/client";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { UpdateCriterionInput } from "@/lib/schemas/metrics";
import { badRequest, forbidden, notFound } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { criterionSelect, type CriterionView } from "./selects";

/** Opts a rollback trigger in or out of automatic rollback (off by default). Commanders and admins. */
export async function setAutoRollback(principal: UserPrincipal, criterionId: string, input: UpdateCriterionInput): Promise<CriterionView> {
  if (!can(principal.role, "phase.control")) throw forbidden("Only a commander or an admin can change automatic rollback");
  const found = await getDb().criterion.findUnique({ where: { id: criterionId }, select: { phase: { select: { rolloutId: true } } } });
  if (!found) throw notFound("Criterion");
  const { result } = await changeRollout(found.phase.rolloutId, actorOf(principal), async (tx, record) => {
    const current = await tx.criterion.findUniqueOrThrow({ where: { id: criterionId }, select: criterionSelect });
    if (current.kind !== "ROLLBACK_TRIGGER") throw badRequest("Only a rollback trigger can roll back automatically", { autoRollback: ["applies to rollback triggers only"] });
    if (current.autoRollback === input.autoRollback) return jsonify(current);
    const updated = await tx.criterion.update({ where: { id: criterionId }, data: { autoRollback: input.autoRollback }, select: criterionSelect });
    const view = jsonify(updated);
    await record("criterion.updated", {
      phaseId: updated.phaseId,
      criterion: view,
      publicSummary: `Automatic rollback turned ${input.autoRollback ? "on" : "off"} for "${updated.description}"`,
    });
    return view;
  });
  return result;
}
