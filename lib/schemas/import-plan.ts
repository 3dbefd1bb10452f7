import { z } from "zod";
import { comparatorSchema, draftContactSchema, gateKindSchema, itemStateSchema, MAX_RUNBOOK_MARKDOWN_BYTES } from "./runbook";

// The import plan (lib/runbook/plan.ts says what it is) and the import request: Markdown to read (optionally a dry
// run that stores nothing), or a plan an admin reviewed and edited, to store as it stands.

export const planElementKinds = ["item", "note", "criterion", "trigger", "gate", "contact"] as const;
export const planElementKindSchema = z.enum(planElementKinds);
export type PlanElementKind = z.infer<typeof planElementKindSchema>;

const lineRangeSchema = z.object({ start: z.number().int().min(1), end: z.number().int().min(1) });

export const planCriterionSchema = z.object({
  metricKey: z.string().trim().max(100),
  comparator: comparatorSchema,
  // null: no absolute number is known (a threshold relative to a baseline); such a criterion is not armed.
  threshold: z.number().finite().nullable(),
  unit: z.string().trim().max(20).optional(),
  pendingSeconds: z.number().int().min(0).max(604_800),
  // "110% of baseline", "1.25× baseline": how the runbook wrote a relative threshold.
  relativeTo: z.string().max(200).optional(),
});
export type PlanCriterion = z.infer<typeof planCriterionSchema>;

export const planItemSchema = z.object({
  state: itemStateSchema,
  ownerName: z.string().trim().max(200).optional(),
  dueOffsetMinutes: z.number().int().min(-525_600).max(525_600).optional(),
  note: z.string().max(10_000).optional(),
});

export const planGateSchema = z.object({
  gateKind: gateKindSchema,
  approverTitles: z.array(z.string().trim().min(1).max(200)).max(20),
});

export const planElementSchema = z.object({
  id: z.string().min(1).max(20),
  kind: planElementKindSchema,
  /** The element's text as written (a line, a row, a block), what an item, note or gate is named by. */
  text: z.string().max(10_000),
  /** 1-based source lines, inclusive; null for elements not read from Markdown lines (an export). */
  lines: lineRangeSchema.nullable(),
  /** Why the importer read it this way. */
  reason: z.string().max(500),
  /** Set when a person should look before import (a relative threshold, a guessed kind). */
  review: z.string().max(300).optional(),
  sectionId: z.string().max(20).nullable(),
  /** The item this element sits under (items nest; a note attaches to it). */
  parentId: z.string().max(20).nullable(),
  /** Criteria and triggers: the phase they belong to, null for every phase. Gates: the phase they guard. */
  phaseIndex: z.number().int().min(0).nullable(),
  dropped: z.boolean(),
  item: planItemSchema,
  criterion: planCriterionSchema.optional(),
  gate: planGateSchema.optional(),
  contact: draftContactSchema.optional(),
});
export type PlanElement = z.infer<typeof planElementSchema>;

export const planSectionSchema = z.object({
  id: z.string().min(1).max(20),
  title: z.string().trim().min(1).max(300),
  parentId: z.string().max(20).nullable(),
  lines: lineRangeSchema.nullable(),
});
export type PlanSection = z.infer<typeof planSectionSchema>;

export const planPhaseSchema = z.object({
  name: z.string().trim().min(1).max(200),
  trafficPercent: z.number().min(0).max(100),
  minDurationMinutes: z.number().int().min(0).max(525_600),
  lines: lineRangeSchema.nullable(),
  reason: z.string().max(500),
  review: z.string().max(300).optional(),
});
export type PlanPhase = z.infer<typeof planPhaseSchema>;

export const importPlanSchema = z.object({
  name: z.string().trim().min(1).max(200),
  service: z.string().trim().min(1).max(200),
  description: z.string().max(20_000).optional(),
  sections: z.array(planSectionSchema).max(2000),
  phases: z.array(planPhaseSchema).max(50),
  elements: z.array(planElementSchema).max(20_000),
});
export type ImportPlan = z.infer<typeof importPlanSchema>;


const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

// Importing a runbook (POST /api/v1/rollouts/import, the import page and its review step).
export const importRunbookSchema = z
  .object({
    markdown: z
      .string("must be the runbook's Markdown text")
      .min(1, "is empty: paste or upload a Markdown runbook")
      .refine((text) => utf8Bytes(text) <= MAX_RUNBOOK_MARKDOWN_BYTES, "is larger than 1 MB")
      .optional(),
    // A reviewed plan (as a dry run answered it, then edited) to store instead of reading Markdown again.
    plan: importPlanSchema.optional(),
    // Answer the plan and its counts, store nothing.
    dryRun: z.boolean("must be true or false").optional(),
    // Overrides the name read from the runbook's title.
    name: z.string("must be text").trim().max(200, "must be at most 200 characters").optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.markdown === undefined && input.plan === undefined) {
      ctx.addIssue({ code: "custom", path: ["markdown"], message: "is required: paste or upload a Markdown runbook (or send a reviewed plan)" });
    }
    if (input.markdown !== undefined && input.plan !== undefined) {
      ctx.addIssue({ code: "custom", path: ["plan"], message: "cannot be sent with markdown: send one or the other" });
    }
  });
export type ImportRunbookInput = z.infer<typeof importRunbookSchema>;
