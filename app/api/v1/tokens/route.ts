import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
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
  if (user.via === "apiToken") return ok({ error: { code: "forbidden", message: "Create API tokens from a browser session" } }, 403);
  const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
  return ok(await createApiToken(user.userId, body.name, { expiresAt }), 201);
});
