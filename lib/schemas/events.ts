import { z } from "zod";
import { idSchema, seqSchema } from "./common";

/** What every client receives for every change: `event` on the socket, and GET …/events. */
export const eventEnvelopeSchema = z.object({
  rolloutId: z.string(),
  seq: z.number().int(),
  type: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export const joinRequestSchema = z.object({ rolloutId: idSchema, afterSeq: seqSchema.optional() }).strict();
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export type JoinAck =
  | { ok: true; lastSeq: number; events: EventEnvelope[]; truncated: boolean }
  | { ok: false; error: { code: string; message: string; status: number; fields?: Record<string, string[]> } };

export const eventsQuerySchema = z.object({
  after: seqSchema.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
