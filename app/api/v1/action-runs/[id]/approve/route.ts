import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { approveActionRun, failedRunError } from "@/lib/domain/actions";
import { defineRoute, ok } from "@/lib/http/route";
import { approveActionRunSchema } from "@/lib/schemas/actions";
import { idSchema } from "@/lib/schemas/common";

/** Second approval of a two-person-rule run (COMMANDER, ADMIN; not the requester; within the window), which then runs. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: approveActionRunSchema }, async ({ principal, params }) => {
  const user = requirePermission(principal, "action.approve");
  const run = await approveActionRun(user, params.id);
  const failed = failedRunError(run);
  if (failed) throw failed;
  return ok({ run });
});
