import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { setAutoRollback } from "@/lib/domain/criteria";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { updateCriterionSchema } from "@/lib/schemas/metrics";

/** `{ autoRollback }` on a rollback trigger: opt in to (or out of) automatic rollback. COMMANDER or ADMIN. */
export const PATCH = defineRoute({ params: z.object({ id: idSchema }), body: updateCriterionSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok({ criterion: await setAutoRollback(user, params.id, body) });
});
