import { acceptInvitation } from "@/lib/domain/invitations";
import { defineRoute, ok } from "@/lib/http/route";
import { acceptInvitationSchema } from "@/lib/schemas/users";

/**
 * `{ token, name, password, email? }`: uses an invitation (or the first-run setup link, which also needs `email`)
 * once and creates the account. No sign-in needed: the link is the credential. A used, revoked or expired link is 404.
 */
export const POST = defineRoute({ public: true, body: acceptInvitationSchema }, async ({ body }) => {
  return ok({ user: await acceptInvitation(body) }, 201);
});
