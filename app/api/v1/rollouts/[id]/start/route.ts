import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { startRollout } from "@/lib/domain/phases";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { startRolloutSchema } from "@/lib/schemas/phases";

/** Start a draft rollout with its first phase (then sets that phase's traffic). 409 with \`blockers\` unless its gates are GO or \`override: { reason }\` is given. COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: startRolloutSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok(await startRollout(user, params.id, body));
});
