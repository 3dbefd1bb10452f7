import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { revokeInvitation } from "@/lib/domain/invitations";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

/** Revoke an unused invitation: its link is a 404 from now on (admins). */
export const DELETE = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  requirePermission(principal, "user.manage");
  return ok({ invitation: await revokeInvitation(params.id) });
});
