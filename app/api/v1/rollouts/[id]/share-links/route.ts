import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { createShareToken } from "@/lib/domain/tokens";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

const createShareLinkSchema = z
  .object({
    label: z.string().trim().max(200).optional(),
    expiresInHours: z.number().int().min(1).max(24 * 90).optional(),
  })
  .strict();

/** A new stakeholder link; the token (and so the URL) is in this response only. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: createShareLinkSchema }, async ({ principal, params, body, request }) => {
  const user = requirePermission(principal, "share.manage");
  const expiresAt = body.expiresInHours ? new Date(Date.now() + body.expiresInHours * 3_600_000) : undefined;
  const link = await createShareToken(user, params.id, { label: body.label, expiresAt });
  return ok({ ...link, url: new URL(`/status/${link.token}`, request.url).toString() }, 201);
});
