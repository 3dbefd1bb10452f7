import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { createShareToken, listShareTokens } from "@/lib/domain/tokens";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { createShareLinkSchema } from "@/lib/schemas/share";

/** The rollout's stakeholder links with their state (active, expired, revoked); never the tokens. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "share.manage");
  return ok({ links: await listShareTokens(user, params.id) });
});

/** A new stakeholder link; the token (and so the URL) is in this response only. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: createShareLinkSchema }, async ({ principal, params, body, request }) => {
  const user = requirePermission(principal, "share.manage");
  const expiresAt = body.expiresInHours ? new Date(Date.now() + body.expiresInHours * 3_600_000) : undefined;
  const link = await createShareToken(user, params.id, { label: body.label || undefined, expiresAt });
  // The public URL people open (NEXTAUTH_URL, as npm start sets it), not the address this request reached.
  return ok({ ...link, url: new URL(`/status/${link.token}`, process.env.NEXTAUTH_URL ?? request.url).toString() }, 201);
});
