import { z } from "zod";
import { idSchema } from "./common";

// Phase control: start, promote, pause, resume, abort. The actor is always the caller.

/** Go ahead although a gate is unsigned or a rollback trigger fires; the reason is recorded in the event. */
export const overrideSchema = z.object({ reason: z.string().trim().min(1, "is required: say why").max(1000) }).strict();

export const startRolloutSchema = z.object({ override: overrideSchema.optional() }).strict();
export type StartRolloutInput = z.infer<typeof startRolloutSchema>;

export const promotePhaseSchema = z
  .object({
    // The phase the caller means to promote to: a stale click (someone promoted first) gets 409, not a second promotion.
    toPhaseId: idSchema.optional(),
    override: overrideSchema.optional(),
  })
  .strict();
export type PromotePhaseInput = z.infer<typeof promotePhaseSchema>;

export const pausePhaseSchema = z.object({ reason: z.string().trim().max(1000).optional() }).strict();
export type PausePhaseInput = z.infer<typeof pausePhaseSchema>;

export const resumePhaseSchema = z.object({}).strict();
export type ResumePhaseInput = z.infer<typeof resumePhaseSchema>;

export const abortRolloutSchema = z.object({ reason: z.string().trim().min(1, "is required: say why").max(1000) }).strict();
export type AbortRolloutInput = z.infer<typeof abortRolloutSchema>;
