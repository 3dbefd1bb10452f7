import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { getRolloutState } from "@/lib/domain/rollouts";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

/** The whole rollout as the war room shows it, with the `lastSeq` it is consistent with. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  requirePermission(principal, "rollout.read");
  return ok(await getRolloutState(params.id));
});
