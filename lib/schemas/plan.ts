import { z } from "zod";
import { idSchema } from "./common";
import { comparatorSchema, contactKindSchema, criterionKindSchema, draftContactSchema, gateKindSchema, roleSchema } from "./runbook";

// Changing a rollout's plan, before or during the go-live: one body per edit, `op` names it. The same schema is the
// body of POST /api/v1/rollouts/:id/plan, the `input` of the socket's `plan.edit` command, and what the editing UI
// sends. lib/domain/plan-edits.ts applies it; lib/domain/edit-rules.ts decides what is still allowed after start.

const text = (max: number) => z.string().trim().min(1, "is required").max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).nullable().optional();
const dueOffset = z.number().int("must be whole minutes").min(-525_600).max(525_600);
const position = z.number().int().min(0).max(100_000);

const op = <T extends string, S extends z.ZodRawShape>(name: T, shape: S) => z.object({ op: z.literal(name), ...shape }).strict();

const criterionFields = {
  kind: criterionKindSchema,
  metricKey: text(100),
  comparator: comparatorSchema,
  threshold: z.number("must be a number").finite(),
  unit: optionalText(20),
  pendingSeconds: z.number().int().min(0).max(604_800),
  autoRollback: z.boolean(),
  description: text(500),
};

const contactFields = {
  kind: contactKindSchema,
  role: text(200),
  name: text(200),
  phone: optionalText(50),
  chatHandle: optionalText(200),
  email: z.string().trim().email("must be an e-mail address").max(320).nullable().optional(),
  escalationLevel: z.number().int().min(1).max(20),
  escalateAfterMinutes: z.number().int().min(0).max(10_080).nullable().optional(),
  notes: optionalText(2000),
};

export const planEditSchema = z.discriminatedUnion("op", [
  op("section.add", { title: text(300), parentId: idSchema.nullable().optional() }),
  op("section.edit", { sectionId: idSchema, title: text(300) }),
  // Moves a section among its siblings, or under another parent (null: top level).
  op("section.move", { sectionId: idSchema, parentId: idSchema.nullable(), position }),
  op("section.delete", { sectionId: idSchema }),

  op("item.add", {
    sectionId: idSchema,
    parentId: idSchema.nullable().optional(),
    text: text(2000),
    // A team or a person by name ("DevOps"), and/or a War Room user.
    ownerName: optionalText(200),
    ownerId: idSchema.nullable().optional(),
    dueOffsetMinutes: dueOffset.nullable().optional(),
  }),
  // Reassigning an existing item to a user is PATCH /api/v1/items/:id { ownerId } (item.assigned), not this.
  op("item.edit", {
    itemId: idSchema,
    text: text(2000).optional(),
    ownerName: optionalText(200),
    dueOffsetMinutes: dueOffset.nullable().optional(),
    expectedVersion: z.number().int().min(1).optional(),
  }),
  // Skip or block with a reason; OPEN reopens (and clears the reason).
  op("item.mark", {
    itemId: idSchema,
    state: z.enum(["SKIPPED", "BLOCKED", "OPEN"]),
    reason: optionalText(1000),
    expectedVersion: z.number().int().min(1).optional(),
  }).refine((v) => v.state === "OPEN" || (v.reason ?? "").length > 0, { message: "is required: say why", path: ["reason"] }),
  // Reorder among siblings, nest under another item (parentId) or move to another section; `position` is the index
  // among the new siblings.
  op("item.move", { itemId: idSchema, sectionId: idSchema, parentId: idSchema.nullable(), position }),
  op("item.delete", { itemId: idSchema }),

  op("phase.add", {
    name: text(200),
    // A fraction, like Phase.trafficPercent (a 0.5 % canary).
    trafficPercent: z.number().min(0).max(100),
    minDurationMinutes: z.number().int().min(0).max(525_600).default(0),
  }),
  op("phase.edit", {
    phaseId: idSchema,
    name: text(200).optional(),
    trafficPercent: z.number().min(0).max(100).optional(),
    minDurationMinutes: z.number().int().min(0).max(525_600).optional(),
  }),
  op("phase.move", { phaseId: idSchema, position }),
  op("phase.remove", { phaseId: idSchema }),

  op("criterion.add", { phaseId: idSchema, ...criterionFields, pendingSeconds: criterionFields.pendingSeconds.default(0), autoRollback: z.boolean().default(false) }),
  op("criterion.edit", {
    criterionId: idSchema,
    ...z.object(criterionFields).partial().shape,
  }),
  op("criterion.remove", { criterionId: idSchema }),

  op("gate.add", {
    kind: gateKindSchema,
    name: text(200),
    requiredRoles: z.array(roleSchema).min(1, "name at least one role").max(4),
    approverTitles: z.array(text(200)).max(20).default([]),
    // A go/no-go gate guards entry into this phase; none: a rollout-wide gate (pre-deployment, go-live).
    phaseId: idSchema.nullable().optional(),
  }),
  op("gate.edit", {
    gateId: idSchema,
    name: text(200).optional(),
    requiredRoles: z.array(roleSchema).min(1, "name at least one role").max(4).optional(),
    approverTitles: z.array(text(200)).max(20).optional(),
  }),
  op("gate.remove", { gateId: idSchema }),

  op("contact.add", { ...draftContactSchema.shape }),
  op("contact.edit", {
    contactId: idSchema,
    ...z.object(contactFields).partial().shape,
  }),
  op("contact.remove", { contactId: idSchema }),

  // Puts back what a destructive edit (the event with this seq) removed, within UNDO_WINDOW_MS.
  op("undo", { seq: z.number().int().min(1) }),
]);
export type PlanEdit = z.infer<typeof planEditSchema>;
export type PlanEditInput = z.input<typeof planEditSchema>;
export type PlanEditOp = PlanEdit["op"];

// The rollout itself: name, service, T0, description; template and archive flags.
export const updateRolloutSchema = z
  .object({
    name: text(200).optional(),
    service: text(200).optional(),
    description: z.string().max(20_000).nullable().optional(),
    plannedStartAt: z.iso.datetime({ offset: true }).nullable().optional(),
    isTemplate: z.boolean().optional(),
    archived: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "give at least one field", path: ["name"] });
export type UpdateRolloutInput = z.infer<typeof updateRolloutSchema>;

// Clone a rollout or a template: the structure only (no item states, signatures, runs or readings).
export const cloneRolloutSchema = z
  .object({
    name: text(200).optional(),
    plannedStartAt: z.iso.datetime({ offset: true }).nullable().optional(),
    asTemplate: z.boolean().default(false),
  })
  .strict();
export type CloneRolloutInput = z.infer<typeof cloneRolloutSchema>;

export const createRehearsalSchema = z.object({ name: text(200).optional() }).strict();
export type CreateRehearsalInput = z.infer<typeof createRehearsalSchema>;

export const rebaselineSchema = z
  .object({
    // Which timings to write back to the plan (both by default).
    items: z.boolean().default(true),
    phases: z.boolean().default(true),
  })
  .strict();
export type RebaselineInput = z.infer<typeof rebaselineSchema>;
