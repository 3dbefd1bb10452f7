import { z } from "zod";

// A runbook before it is a rollout: what the Markdown importer produces and what createRolloutFromDraft
// (lib/domain/rollouts.ts) stores. The demo rollout is written in this shape too.

export const roleSchema = z.enum(["ADMIN", "COMMANDER", "ENGINEER", "VIEWER"]);
export const itemStateSchema = z.enum(["OPEN", "DONE", "SKIPPED", "BLOCKED"]);
export const comparatorSchema = z.enum(["LT", "LTE", "GT", "GTE", "EQ"]);
export const criterionKindSchema = z.enum(["SUCCESS", "ROLLBACK_TRIGGER"]);
export const gateKindSchema = z.enum(["PRE_DEPLOYMENT", "GO_LIVE", "GO_NO_GO", "POST_DEPLOYMENT", "CUSTOM"]);
export const contactKindSchema = z.enum(["PERSON", "TEAM", "CHANNEL"]);

const text = (max: number) => z.string().trim().min(1).max(max);

export type DraftItem = {
  text: string;
  state?: z.infer<typeof itemStateSchema>;
  ownerName?: string;
  dueOffsetMinutes?: number;
  note?: string;
  children?: DraftItem[];
};

export const draftItemSchema: z.ZodType<DraftItem> = z.lazy(() =>
  z.object({
    text: text(2000),
    state: itemStateSchema.optional(),
    ownerName: text(200).optional(),
    dueOffsetMinutes: z.number().int().min(-525_600).max(525_600).optional(),
    note: z.string().max(10_000).optional(),
    children: z.array(draftItemSchema).max(500).optional(),
  }),
);

export type DraftSection = {
  title: string;
  items: DraftItem[];
  sections?: DraftSection[];
};

export const draftSectionSchema: z.ZodType<DraftSection> = z.lazy(() =>
  z.object({
    title: text(300),
    items: z.array(draftItemSchema).max(1000),
    sections: z.array(draftSectionSchema).max(200).optional(),
  }),
);

export const draftCriterionSchema = z.object({
  kind: criterionKindSchema,
  metricKey: text(100),
  comparator: comparatorSchema,
  threshold: z.number().finite(),
  unit: text(20).optional(),
  pendingSeconds: z.number().int().min(0).max(604_800).default(0),
  autoRollback: z.boolean().default(false),
  // The criterion as the runbook wrote it ("Error rate > 1% for 5 minutes").
  description: text(500),
});

export const draftPhaseSchema = z.object({
  name: text(200),
  trafficPercent: z.number().min(0).max(100),
  minDurationMinutes: z.number().int().min(0).max(525_600).default(0),
  criteria: z.array(draftCriterionSchema).max(100).default([]),
});

export const draftGateSchema = z.object({
  kind: gateKindSchema,
  name: text(200),
  requiredRoles: z.array(roleSchema).min(1).max(4),
  approverTitles: z.array(text(200)).max(20).default([]),
  // Index into phases for a go/no-go gate that guards entry into that phase.
  phaseIndex: z.number().int().min(0).optional(),
});

export const draftContactSchema = z.object({
  kind: contactKindSchema.default("PERSON"),
  role: text(200),
  name: text(200),
  phone: text(50).optional(),
  chatHandle: text(200).optional(),
  email: z.string().trim().email().max(320).optional(),
  escalationLevel: z.number().int().min(1).max(20).default(1),
  escalateAfterMinutes: z.number().int().min(0).max(10_080).optional(),
  notes: z.string().max(2000).optional(),
});

export const runbookDraftSchema = z.object({
  name: text(200),
  service: text(200),
  description: z.string().max(20_000).optional(),
  sections: z.array(draftSectionSchema).max(200),
  phases: z.array(draftPhaseSchema).max(50).default([]),
  gates: z.array(draftGateSchema).max(100).default([]),
  contacts: z.array(draftContactSchema).max(500).default([]),
});

export type RunbookDraft = z.infer<typeof runbookDraftSchema>;
export type RunbookDraftInput = z.input<typeof runbookDraftSchema>;

// Importing a Markdown runbook (POST /api/v1/rollouts/import and the import page).
export const MAX_RUNBOOK_MARKDOWN_BYTES = 1024 * 1024;
