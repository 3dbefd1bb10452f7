import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { revokeOwnApiToken } from "@/lib/domain/tokens";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

/** Revoke one of the caller's own tokens: it answers 401 from now on and its open sockets are closed. */
export const DELETE = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "rollout.read");
  return ok({ token: await revokeOwnApiToken(user, params.id) });
});
