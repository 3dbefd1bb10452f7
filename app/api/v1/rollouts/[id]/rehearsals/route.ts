import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { createRehearsal } from "@/lib/domain/rollout-copies";
import { getRolloutState } from "@/lib/domain/rollouts";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { createRehearsalSchema } from "@/lib/schemas/plan";

/** A copy of this rollout in rehearsal mode (actions dry-run, notifications off). COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: createRehearsalSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.rehearse");
  const rehearsal = await createRehearsal(user, params.id, body);
  return ok(await getRolloutState(rehearsal.id), 201);
});
