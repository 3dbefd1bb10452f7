import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { forbidden } from "@/lib/domain/errors";
import { createApiToken } from "@/lib/domain/tokens";
import { defineRoute, ok } from "@/lib/http/route";

const createTokenSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100),
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();

/** An API token for the signed-in user (acts with their role); the token is in this response only. */
export const POST = defineRoute({ body: createTokenSchema }, async ({ principal, body }) => {
  const user = requirePermission(principal, "rollout.read");
  // A leaked token must not be able to mint more tokens.
  if (user.via === "apiToken") throw forbidden("Create API tokens from a signed-in browser session");
  const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
  return ok(await createApiToken(user.userId, body.name, { expiresAt }), 201);
});
