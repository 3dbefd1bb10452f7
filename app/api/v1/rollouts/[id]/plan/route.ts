import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { applyPlanEdit, planEditPermission } from "@/lib/domain/plan-edits";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { planEditSchema } from "@/lib/schemas/plan";

/**
 * One edit of the plan (`op`: section.*, item.*, phase.*, criterion.*, gate.*, contact.*, undo). Checklist edits:
 * ENGINEER+; the rest: COMMANDER, ADMIN. 409 when lib/domain/edit-rules.ts forbids it at this point of the rollout.
 */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: planEditSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, planEditPermission(body));
  return ok(await applyPlanEdit(user, params.id, body));
});
