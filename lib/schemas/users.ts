import { z } from "zod";
import { idSchema } from "./common";
import { roleSchema } from "./runbook";

// People: the shapes shared by the admin pages, the API (/api/v1/users, /invitations, /tokens) and lib/domain/users.ts.

export const emailSchema = z.string().trim().toLowerCase().email("must be an e-mail address").max(320);
export const displayNameSchema = z.string().trim().min(1, "is required").max(200);
export const newPasswordSchema = z.string().min(8, "must be at least 8 characters").max(200);

/** An admin creates an account with a password they hand over (invitations let people choose their own). */
export const createUserSchema = z.object({ email: emailSchema, name: displayNameSchema, role: roleSchema, password: newPasswordSchema }).strict();

/** An admin changes a role, a name, or deactivates (`active: false`) / reactivates a user. */
export const updateUserSchema = z
  .object({ role: roleSchema.optional(), name: displayNameSchema.optional(), active: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.name !== undefined || v.active !== undefined, { message: "name a change: role, name or active", path: ["body"] });

export const createInvitationSchema = z
  .object({ email: emailSchema, role: roleSchema, name: displayNameSchema.optional(), expiresInHours: z.number().int().min(1).max(24 * 14).optional() })
  .strict();

/** Accepting an invitation (or the first-run setup link): the link's token, and the person's own name and password. */
export const acceptInvitationSchema = z
  .object({
    token: z.string().trim().min(1, "is required").max(200),
    name: displayNameSchema,
    password: newPasswordSchema,
    // Only for the setup link, which has no e-mail of its own.
    email: emailSchema.optional(),
  })
  .strict();

export const changePasswordSchema = z.object({ currentPassword: z.string().min(1, "is required").max(200), newPassword: newPasswordSchema }).strict();

/** What an API token may do; its owner's current role still decides what each of these reaches. */
export const apiTokenScopeSchema = z.enum(["FULL", "READ_ONLY", "METRICS_PUSH"]);
export type ApiTokenScopeName = z.infer<typeof apiTokenScopeSchema>;

/** How the token list and the creation form name each scope. */
export const API_TOKEN_SCOPE_LABELS: Record<ApiTokenScopeName, string> = {
  FULL: "Full (your role)",
  READ_ONLY: "Read only",
  METRICS_PUSH: "Push metrics only",
};

export const MAX_TOKEN_ROLLOUTS = 100;

/**
 * `scope` defaults to FULL; `rolloutIds` limits the token to those rollouts (left out: every rollout). Unknown
 * rollouts are a 400 naming `rolloutIds.N` (lib/domain/tokens.ts).
 */
export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100),
    expiresInDays: z.number().int().min(1).max(365).optional(),
    scope: apiTokenScopeSchema.default("FULL"),
    rolloutIds: z
      .array(idSchema)
      .min(1, "must name at least one rollout (leave it out for every rollout)")
      .max(MAX_TOKEN_ROLLOUTS, `must name at most ${MAX_TOKEN_ROLLOUTS} rollouts`)
      .refine((ids) => new Set(ids).size === ids.length, "must not name a rollout twice")
      .optional(),
  })
  .strict();
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;
