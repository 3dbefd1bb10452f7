import { requirePermission } from "@/lib/auth/session";
import { createUserAsAdmin, listUsers } from "@/lib/domain/users";
import { defineRoute, ok } from "@/lib/http/route";
import { createUserSchema } from "@/lib/schemas/users";

/** Everyone with an account, active first (admins). */
export const GET = defineRoute({}, async ({ principal }) => {
  requirePermission(principal, "user.manage");
  return ok({ users: await listUsers() });
});

/** An account with a password the admin hands over (admins); `POST /api/v1/invitations` lets people choose their own. */
export const POST = defineRoute({ body: createUserSchema }, async ({ principal, body }) => {
  requirePermission(principal, "user.manage");
  return ok({ user: await createUserAsAdmin(body) }, 201);
});
