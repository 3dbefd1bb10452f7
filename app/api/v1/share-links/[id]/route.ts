import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { revokeShareToken } from "@/lib/domain/tokens";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

/** Revoke a stakeholder link: its page and API answer 404 from now on and its open pages are disconnected. */
export const DELETE = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "share.manage");
  return ok({ link: await revokeShareToken(user, params.id) });
});
