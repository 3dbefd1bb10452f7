import { z } from "zod";

// Stakeholder links (POST /api/v1/rollouts/:id/share-links and the share panel's form).
export const SHARE_LINK_MAX_HOURS = 24 * 90;

export const createShareLinkSchema = z
  .object({
    label: z.string().trim().max(200, "must be at most 200 characters").optional(),
    // None: the link works until it is revoked.
    expiresInHours: z.number().int().min(1).max(SHARE_LINK_MAX_HOURS, "must be at most 90 days").optional(),
  })
  .strict();
export type CreateShareLinkInput = z.infer<typeof createShareLinkSchema>;
