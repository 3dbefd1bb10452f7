import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { pausePhase } from "@/lib/domain/phases";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { pausePhaseSchema } from "@/lib/schemas/phases";

/** Pause the running rollout and its phase; traffic is not changed. COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: pausePhaseSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok(await pausePhase(user, params.id, body));
});
