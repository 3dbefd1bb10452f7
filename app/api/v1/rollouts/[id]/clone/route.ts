import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { cloneRollout } from "@/lib/domain/rollout-copies";
import { getRolloutState } from "@/lib/domain/rollouts";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { cloneRolloutSchema } from "@/lib/schemas/plan";

/** A new rollout (or template, `asTemplate`) with this one's structure and none of its state. ADMIN only. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: cloneRolloutSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.configure");
  const copy = await cloneRollout(user, params.id, body);
  return ok(await getRolloutState(copy.id), 201);
});
