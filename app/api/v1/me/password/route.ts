import { requirePermission } from "@/lib/auth/session";
import { forbidden } from "@/lib/domain/errors";
import { changeOwnPassword } from "@/lib/domain/users";
import { defineRoute, ok } from "@/lib/http/route";
import { changePasswordSchema } from "@/lib/schemas/users";

/** `{ currentPassword, newPassword }` from a browser session: every other session of the caller ends. */
export const POST = defineRoute({ body: changePasswordSchema }, async ({ principal, body }) => {
  const user = requirePermission(principal, "rollout.read");
  if (user.via !== "session") throw forbidden("Change your password from a signed-in browser session");
  await changeOwnPassword(user, body);
  return ok({ ok: true });
});
