import { z } from "zod";
import { rolesWith } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import { RESERVED_HEADERS } from "@/lib/actions/request";

// Action configuration (ADMIN) and running actions (roles with action.run). Shared by route handlers, socket
// handlers, forms and the domain. Cross-field checks (template variables, duplicate headers) are in
// lib/actions/request.ts (actionConfigIssues), run by the domain on the merged configuration.

export const actionKindSchema = z.enum(["ROLLBACK", "KILL_SWITCH", "SET_TRAFFIC", "CUSTOM"]);
export const httpMethodSchema = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const runnerRoles = rolesWith("action.run") as readonly Role[] as [Role, ...Role[]];
export const runnerRoleSchema = z.enum(runnerRoles, { message: `must be one of ${runnerRoles.join(", ")}` });

const headerNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "is too long")
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "is not a valid header name")
  .refine((name) => !RESERVED_HEADERS.includes(name.toLowerCase()), { message: "is set by War Room itself" });

export const actionHeaderInputSchema = z
  .object({
    name: headerNameSchema,
    // Optional only for a secret header on update: leaving it out keeps the stored value.
    value: z.string().max(4000, "is too long").regex(/^[^\r\n\0]*$/, "must be one line").optional(),
    secret: z.boolean().default(false),
  })
  .strict();
export type ActionHeaderInput = z.infer<typeof actionHeaderInputSchema>;

const urlSchema = z
  .string()
  .trim()
  .max(2000, "is too long")
  .pipe(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" }))
  // The URL is shown to admins and stored with every run: credentials go in a secret header instead.
  .refine((url) => !/^https?:\/\/[^/?#]*@/i.test(url), { message: "must not contain credentials; put them in a secret header" });

const actionFields = {
  kind: actionKindSchema,
  name: z.string().trim().min(1, "is required").max(200, "is too long"),
  method: httpMethodSchema.default("POST"),
  url: urlSchema,
  headers: z.array(actionHeaderInputSchema).max(20, "at most 20 headers").default([]),
  bodyTemplate: z.string().max(10_000, "is too long").nullable().default(null),
  allowedRoles: z.array(runnerRoleSchema).min(1, "name at least one role").max(runnerRoles.length),
  requiresSecondApprover: z.boolean().default(false),
  approvalWindowMinutes: z.number().int().min(1).max(1440).default(10),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** The target applies a repeated Idempotency-Key once: then a dropped connection or a 5xx is retried too. */
  targetIdempotent: z.boolean().default(false),
};

export const createActionSchema = z.object(actionFields).strict();
export type CreateActionInput = z.input<typeof createActionSchema>;

export const updateActionSchema = z
  .object({
    kind: actionFields.kind.optional(),
    name: actionFields.name.optional(),
    method: httpMethodSchema.optional(),
    url: urlSchema.optional(),
    headers: actionFields.headers.unwrap().optional(),
    bodyTemplate: z.string().max(10_000, "is too long").nullable().optional(),
    allowedRoles: actionFields.allowedRoles.optional(),
    requiresSecondApprover: z.boolean().optional(),
    approvalWindowMinutes: z.number().int().min(1).max(1440).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
    targetIdempotent: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "give at least one field to change", path: ["body"] });
export type UpdateActionInput = z.infer<typeof updateActionSchema>;

/** What the caller's retry must repeat: 1–200 visible ASCII characters. Sent on to the target as Idempotency-Key. */
export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(200, "is at most 200 characters")
  .regex(/^[\x21-\x7e]+$/, "must be visible ASCII without spaces");

export const actionParamsSchema = z
  .object({ percentage: z.number().min(0, "must be 0 to 100").max(100, "must be 0 to 100").optional() })
  .strict()
  .default({});
export type ActionParams = z.infer<typeof actionParamsSchema>;

const reasonSchema = z.string().trim().min(1, "is required: say why").max(1000, "is at most 1000 characters");

export const runActionSchema = z
  .object({ reason: reasonSchema, params: actionParamsSchema, idempotencyKey: idempotencyKeySchema.optional() })
  .strict();
export type RunActionInput = z.infer<typeof runActionSchema>;

// The dialog's key, so the dry run shows exactly the request the run will send.
export const dryRunActionSchema = z
  .object({ reason: reasonSchema.optional(), params: actionParamsSchema, idempotencyKey: idempotencyKeySchema.optional() })
  .strict();
export type DryRunActionInput = z.infer<typeof dryRunActionSchema>;

export const approveActionRunSchema = z.object({}).strict();
export const rejectActionRunSchema = z.object({ reason: z.string().trim().max(1000).optional() }).strict();
export type RejectActionRunInput = z.infer<typeof rejectActionRunSchema>;
