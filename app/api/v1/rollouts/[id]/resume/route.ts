import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { resumePhase } from "@/lib/domain/phases";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { resumePhaseSchema } from "@/lib/schemas/phases";

/** Resume a paused rollout. COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: resumePhaseSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok(await resumePhase(user, params.id, body));
});
