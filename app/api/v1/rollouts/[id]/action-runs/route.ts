import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { listActionRuns } from "@/lib/domain/actions";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

/** Every action run of the rollout, newest first; the request sent (secrets masked) and the response excerpt for COMMANDER, ADMIN. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "rollout.read");
  return ok({ runs: await listActionRuns(user, params.id) });
});
