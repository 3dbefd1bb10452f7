import { requirePermission } from "@/lib/auth/session";
import { forbidden } from "@/lib/domain/errors";
import { createApiToken, listOwnApiTokens } from "@/lib/domain/tokens";
import { defineRoute, ok } from "@/lib/http/route";
import { createTokenSchema } from "@/lib/schemas/users";

/** The caller's own API tokens with last use and expiry; never the tokens themselves. */
export const GET = defineRoute({}, async ({ principal }) => {
  const user = requirePermission(principal, "rollout.read");
  return ok({ tokens: await listOwnApiTokens(user.userId) });
});

/** An API token for the signed-in user (acts with their role); the token is in this response only. */
export const POST = defineRoute({ body: createTokenSchema }, async ({ principal, body }) => {
  const user = requirePermission(principal, "rollout.read");
  // A leaked token must not be able to mint more tokens.
  if (user.via === "apiToken") throw forbidden("Create API tokens from a signed-in browser session");
  const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
  return ok(await createApiToken(user.userId, body.name, { expiresAt }), 201);
});
