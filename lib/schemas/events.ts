import { z } from "zod";
import type { ActionRunView, ActionSummary, CriterionView, ItemView, PhaseView, RolloutSummary, SignatureView, TileView } from "@/lib/domain/selects";
import { triggerStateSchema, verdictSchema } from "@/lib/metrics/enums";
import { idSchema, seqSchema } from "./common";
import { PLAN_EVENT_PAYLOADS, type PlanEventType } from "./plan-events";

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

// ---------------------------------------------------------------------------------------------------------------------
// The event catalogue: every event type a rollout records, with its payload. record() (lib/domain/events.ts) only
// takes these types with these payloads; apply-event, describe-event and public-view switch exhaustively on them.
// Views (PhaseView, ItemView…) are the selects' shapes, checked by the compiler where they are recorded; at parse
// time they are only required to be objects, since the select is the one definition of their fields.

const view = <T>() => z.custom<T>((value) => typeof value === "object" && value !== null);
/** A time: a Date where it is recorded, an ISO string once stored. */
const time = z.union([z.string(), z.date()]).transform((value) => (value instanceof Date ? value.toISOString() : value));

const phaseRef = z.object({ id: z.string(), name: z.string(), trafficPercent: z.number() });
const override = z.object({ reason: z.string(), waived: z.array(z.string()) });
/** Phase events carry the rollout and the phases they changed, so clients apply them without a refetch. */
const rolloutChange = { rollout: view<RolloutSummary>(), phases: view<PhaseView[]>() };
const publicSummary = z.string();
const notificationChannelRef = z.object({ id: z.string(), name: z.string(), kind: z.string() }).loose();
const runPayload = z.object({ run: view<ActionRunView>(), rollout: view<RolloutSummary>().optional(), phases: view<PhaseView[]>().optional() });

export const verdictReasonSchema = z.enum(["no-criteria", "min-duration", "awaiting-data", "trigger-pending", "trigger-fired", "criterion-not-met"]);
export const judgementSchema = z.enum(["NO_DATA", "MET", "NOT_MET"]);

export const EVENT_PAYLOADS = {
  /** `from`: how it was made (scratch, clone, template, rehearsal), `sourceId` the rollout it copies. */
  "rollout.created": z.object({
    name: z.string(),
    service: z.string(),
    from: z.enum(["scratch", "clone", "template", "rehearsal"]).optional(),
    sourceId: z.string().optional(),
    publicSummary: z.string().optional(),
  }),
  /** `reason`: why it was skipped or blocked (plan edits' item.mark). */
  "item.updated": z.object({ item: view<ItemView>(), previousState: z.string(), reason: z.string().optional() }),
  "item.assigned": z.object({ item: view<ItemView>(), assignee: z.object({ id: z.string(), name: z.string() }).nullable(), previousOwnerId: z.string().nullable() }),
  "signoff.recorded": z.object({ gateId: z.string(), gateName: z.string(), signature: view<SignatureView>(), gateState: z.string() }),
  "rollout.started": z.object({ phase: phaseRef, override: override.optional(), earlyStart: z.object({ reason: z.string(), plannedStartAt: time }).optional(), ...rolloutChange }),
  "phase.promoted": z.object({ from: phaseRef, to: phaseRef, override: override.optional(), ...rolloutChange }),
  "rollout.completed": z.object({ from: phaseRef, override: override.optional(), ...rolloutChange }),
  "phase.paused": z.object({ phase: phaseRef.nullable(), reason: z.string().optional(), ...rolloutChange }),
  "phase.resumed": z.object({ phase: phaseRef.nullable(), ...rolloutChange }),
  "rollout.aborted": z.object({ phase: phaseRef.nullable(), reason: z.string(), ...rolloutChange }),
  "action.created": z.object({ action: view<ActionSummary>() }),
  "action.updated": z.object({ action: view<ActionSummary>() }),
  "action.deleted": z.object({ actionId: z.string(), name: z.string() }),
  "action.run.requested": runPayload,
  "action.run.started": runPayload,
  "action.run.approved": runPayload,
  "action.run.finished": runPayload,
  "action.run.rejected": runPayload,
  "action.run.expired": runPayload,
  // The reaper found the run past its deadline (the server stopped mid-call): outcome unknown.
  "action.run.interrupted": runPayload,
  "tile.created": z.object({ tile: view<TileView>(), publicSummary }),
  "tile.updated": z.object({ tile: view<TileView>(), changed: z.array(z.string()), publicSummary }),
  "tile.deleted": z.object({ tileId: z.string(), key: z.string(), publicSummary }),
  /** A rollback trigger moved (Normal → Pending → Firing → Resolved, lib/domain/status.ts). */
  "criterion.state_changed": z.object({
    phaseId: z.string(),
    criterion: view<CriterionView>(),
    from: triggerStateSchema,
    to: triggerStateSchema,
    value: z.number().nullable(),
    /** Set when an alert (Alertmanager, Grafana) moved the trigger rather than a tile's reading. */
    alert: z
      .object({ source: z.enum(["alertmanager", "grafana"]), fingerprint: z.string(), labels: z.record(z.string(), z.string()), startsAt: z.string(), summary: z.string().nullable() })
      .optional(),
    publicSummary,
  }),
  "criterion.updated": z.object({ phaseId: z.string(), criterion: view<CriterionView>(), publicSummary }),
  "phase.verdict": z.object({
    phaseId: z.string(),
    phaseName: z.string(),
    verdict: verdictSchema,
    previous: verdictSchema.nullable(),
    verdictAt: time,
    /** Why the verdict is what it is (empty for PASS). */
    reasons: z.array(verdictReasonSchema).default([]),
    results: z.array(z.object({ criterionId: z.string(), judgement: judgementSchema.optional(), state: triggerStateSchema.optional(), value: z.number().nullable() })),
    publicSummary,
  }),
  "trigger.auto_rollback": z.object({
    phaseId: z.string(),
    phaseName: z.string(),
    criterionId: z.string(),
    description: z.string(),
    value: z.number().nullable(),
    reason: z.string(),
    willRun: z.boolean(),
    publicSummary,
  }),
  "share.created": z.object({ shareTokenId: z.string(), label: z.string().nullable(), expiresAt: time.nullable() }),
  "share.revoked": z.object({ shareTokenId: z.string() }),
  // Notification channels and alert tokens (lib/domain/notification-channels.ts, lib/domain/alerts.ts); never secrets.
  "notification.channel_created": z.object({ channel: notificationChannelRef }),
  "notification.channel_updated": z.object({ channel: notificationChannelRef }),
  "notification.channel_deleted": z.object({ channelId: z.string(), name: z.string() }),
  "alert_token.created": z.object({ alertTokenId: z.string(), label: z.string().nullable() }),
  /** The reminder cadence (lib/domain/reminders.ts, setNotificationSettings); null: no periodic stakeholder update. */
  "notification.settings_updated": z.object({ gateWaitMinutes: z.number(), reminderCadenceMinutes: z.number(), stakeholderUpdateMinutes: z.number().nullable() }),
  /** Reminders (lib/domain/reminders.ts): recorded so the outbox sends them, and the log shows who was reminded. */
  "reminder.item_overdue": z.object({ itemId: z.string(), text: z.string(), owner: z.string().nullable(), dueAt: time, publicSummary }),
  "reminder.gate_waiting": z.object({ gateId: z.string(), gateName: z.string(), missingRoles: z.array(z.string()), approvers: z.array(z.string()), waitingSince: time, publicSummary }),
  "stakeholder.update": z.object({ status: z.string(), phase: z.string().nullable(), trafficPercent: z.number().nullable(), progress: z.object({ done: z.number(), total: z.number() }), publicSummary }),
  ...PLAN_EVENT_PAYLOADS,
} as const satisfies Record<string, z.ZodType<Record<string, unknown>>>;

export type EventType = keyof typeof EVENT_PAYLOADS;
/** What record() takes (Dates allowed where a time is stored). */
export type EventInput<T extends EventType> = z.input<(typeof EVENT_PAYLOADS)[T]>;
/** What clients read. */
export type EventPayload<T extends EventType> = z.output<(typeof EVENT_PAYLOADS)[T]>;

/** A plan edit's event (lib/schemas/plan-events.ts), typed. */
export type PlanEventData = Extract<TypedEventData, { type: PlanEventType }>;

/** A type of the catalogue with its payload. */
export type TypedEventData = { [T in EventType]: { type: T; data: EventPayload<T> } }[EventType];
/** An envelope whose type is in the catalogue and whose data is that type's payload. */
export type TypedEvent = Omit<EventEnvelope, "type" | "data"> & TypedEventData;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_PAYLOADS, type);
}

/** The envelope, typed by the catalogue; null for a type this build does not know or a payload that does not fit. */
export function parseEvent<E extends Pick<EventEnvelope, "type" | "data">>(envelope: E): (Omit<E, "type" | "data"> & TypedEventData) | null {
  if (!isEventType(envelope.type)) return null;
  const parsed = EVENT_PAYLOADS[envelope.type].safeParse(envelope.data);
  if (!parsed.success) return null;
  return { ...envelope, data: parsed.data } as Omit<E, "type" | "data"> & TypedEventData;
}

/** For exhaustive switches over the catalogue: a new event type that one of them does not handle fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled event type: ${JSON.stringify(value)}`);
}

/** Live (not logged) channel: what the evaluator measured on each tick, one message per evaluated phase. */
export const EVALUATION_CHANNEL = "evaluation";
export type EvaluationPayload = {
  phaseId: string;
  evaluatedAt: string;
  verdict: z.infer<typeof verdictSchema>;
  reasons: z.infer<typeof verdictReasonSchema>[];
  criteria: { id: string; lastValue: number | null; lastEvaluatedAt: string; judgement: z.infer<typeof judgementSchema> }[];
};

export const joinRequestSchema = z.object({ rolloutId: idSchema, afterSeq: seqSchema.optional() }).strict();
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export type JoinAck =
  | { ok: true; lastSeq: number; events: EventEnvelope[]; truncated: boolean }
  | { ok: false; error: { code: string; message: string; status: number; fields?: Record<string, string[]> } };

export const eventsQuerySchema = z.object({
  after: seqSchema.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
