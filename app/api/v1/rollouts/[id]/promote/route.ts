import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { promotePhase } from "@/lib/domain/phases";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { promotePhaseSchema } from "@/lib/schemas/phases";

/** Promote to the next phase (or complete after the last). 409 with \`blockers\` when its go/no-go is not GO or a rollback trigger fires, unless \`override: { reason }\`; a NO_GO is never overridden. COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: promotePhaseSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok(await promotePhase(user, params.id, body));
});
