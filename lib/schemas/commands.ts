import { z } from "zod";
import { dryRunActionSchema, rejectActionRunSchema, runActionSchema } from "./actions";
import { idSchema } from "./common";
import { planEditSchema } from "./plan";
import { abortRolloutSchema, pausePhaseSchema, promotePhaseSchema, resumePhaseSchema, startRolloutSchema } from "./phases";
import { recordSignOffSchema } from "./signoff";

// Commands over the socket (`command` with an ack): the same operations as the HTTP API, with the same input
// schemas as the HTTP bodies (in `input`), the same domain functions and the same errors.

const rolloutCommand = <T extends string, S extends z.ZodType>(type: T, input: S) =>
  z.object({ type: z.literal(type), rolloutId: idSchema, input }).strict();

export const commandSchema = z.discriminatedUnion("type", [
  rolloutCommand("rollout.start", startRolloutSchema),
  rolloutCommand("rollout.promote", promotePhaseSchema),
  rolloutCommand("rollout.pause", pausePhaseSchema),
  rolloutCommand("rollout.resume", resumePhaseSchema),
  rolloutCommand("rollout.abort", abortRolloutSchema),
  rolloutCommand("plan.edit", planEditSchema),
  z.object({ type: z.literal("gate.sign"), gateId: idSchema, input: recordSignOffSchema }).strict(),
  z.object({ type: z.literal("action.run"), actionId: idSchema, input: runActionSchema }).strict(),
  z.object({ type: z.literal("action.dryRun"), actionId: idSchema, input: dryRunActionSchema }).strict(),
  z.object({ type: z.literal("actionRun.approve"), runId: idSchema, input: z.object({}).strict().default({}) }).strict(),
  z.object({ type: z.literal("actionRun.reject"), runId: idSchema, input: rejectActionRunSchema.default({}) }).strict(),
]);
export type Command = z.infer<typeof commandSchema>;

export type CommandAck =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; status: number; fields?: Record<string, string[]> } & Record<string, unknown> };
