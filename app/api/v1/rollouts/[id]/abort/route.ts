import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { abortRollout } from "@/lib/domain/phases";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { abortRolloutSchema } from "@/lib/schemas/phases";

/** Abort the rollout for good, with a reason; traffic is not changed (run the rollback action for that). COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: abortRolloutSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok(await abortRollout(user, params.id, body));
});
