import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { rejectActionRun } from "@/lib/domain/actions";
import { defineRoute, ok } from "@/lib/http/route";
import { rejectActionRunSchema } from "@/lib/schemas/actions";
import { idSchema } from "@/lib/schemas/common";

/** Turn down a run waiting for approval (COMMANDER, ADMIN, or the requester withdrawing it). */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: rejectActionRunSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "action.run");
  return ok({ run: await rejectActionRun(user, params.id, body) });
});
