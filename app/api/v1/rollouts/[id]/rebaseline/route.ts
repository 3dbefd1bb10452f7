import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { rebaselineFromRehearsal } from "@/lib/domain/rehearsals";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { rebaselineSchema } from "@/lib/schemas/plan";

/** `:id` is a rehearsal: writes its measured times back to the plan it rehearsed. COMMANDER, ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: rebaselineSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.rehearse");
  return ok(await rebaselineFromRehearsal(user, params.id, body));
});
