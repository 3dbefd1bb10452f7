import { requirePermission } from "@/lib/auth/session";
import { createInvitation, listInvitations } from "@/lib/domain/invitations";
import { defineRoute, ok } from "@/lib/http/route";
import { createInvitationSchema } from "@/lib/schemas/users";

/** Invitations with their state (pending, used, expired, revoked); never the links (admins). */
export const GET = defineRoute({}, async ({ principal }) => {
  requirePermission(principal, "user.manage");
  return ok({ invitations: await listInvitations() });
});

/** `{ email, role, name?, expiresInHours? }`: a single-use link (in this response only) to set a password (admins). */
export const POST = defineRoute({ body: createInvitationSchema }, async ({ principal, body, request }) => {
  const admin = requirePermission(principal, "user.manage");
  const { invitation, path } = await createInvitation(admin, body);
  return ok({ invitation, url: new URL(path, process.env.NEXTAUTH_URL ?? request.url).toString() }, 201);
});
