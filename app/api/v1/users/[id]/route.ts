import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { getUser, updateUser } from "@/lib/domain/users";
import { forbidden } from "@/lib/domain/errors";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { updateUserSchema } from "@/lib/schemas/users";
import { can } from "@/lib/auth/permissions";

const params = z.object({ id: idSchema });

/** One user: admins see anyone, everyone else only themself. */
export const GET = defineRoute({ params }, async ({ principal, params }) => {
  const user = requirePermission(principal, "rollout.read");
  if (user.userId !== params.id && !can(user.role, "user.manage")) throw forbidden("Only an admin can see other people's accounts");
  return ok({ user: await getUser(params.id) });
});

/** `{ role?, name?, active? }` (admins). Deactivating ends the user's sessions, API tokens and sockets at once. */
export const PATCH = defineRoute({ params, body: updateUserSchema }, async ({ principal, params, body }) => {
  const admin = requirePermission(principal, "user.manage");
  return ok({ user: await updateUser(admin, params.id, body) });
});
