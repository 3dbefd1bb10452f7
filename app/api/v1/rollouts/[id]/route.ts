import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { updateRollout } from "@/lib/domain/rollout-copies";
import { getRolloutState } from "@/lib/domain/rollouts";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { updateRolloutSchema } from "@/lib/schemas/plan";

/** The whole rollout as the war room shows it, with the `lastSeq` it is consistent with. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  requirePermission(principal, "rollout.read");
  return ok(await getRolloutState(params.id));
});

/** Name, service, T0 (`plannedStartAt`), description; `isTemplate`; `archived`. ADMIN only. */
export const PATCH = defineRoute({ params: z.object({ id: idSchema }), body: updateRolloutSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.configure");
  return ok({ rollout: await updateRollout(user, params.id, body) });
});
