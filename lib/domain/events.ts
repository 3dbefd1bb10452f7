import "server-only";
import { getDb, type DbTx } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/principal";
import { publishEvents } from "@/lib/realtime/publisher";
import type { EventEnvelope, EventInput, EventType } from "@/lib/schemas/events";
import { notFound } from "./errors";
import { hooksWanting, registerEventHook, runEventHooks } from "./event-hooks";
import { notificationOutbox } from "./notification-outbox";
import { enqueueChange } from "./write-queue";

/** Records one event of the catalogue (lib/schemas/events.ts) with its payload. */
export type RecordEvent = <T extends EventType>(type: T, data: EventInput<T>) => Promise<EventEnvelope>;

// The notification outbox writes its rows in every change's transaction (notification-outbox.ts).
registerEventHook(notificationOutbox);

/** A rollout, named directly or through a row that belongs to it (one query finds and locks it). */
export type RolloutRef = string | { via: "ChecklistItem" | "SignoffGate" | "Phase" | "Action" | "ActionRun" | "ShareToken" | "MetricTile"; id: string };

const REF_LABEL: Record<Exclude<RolloutRef, string>["via"], string> = {
  ChecklistItem: "Checklist item",
  SignoffGate: "Sign-off gate",
  Phase: "Phase",
  Action: "Action",
  ActionRun: "Action run",
  ShareToken: "Share link",
  MetricTile: "Metric tile",
};

// No row of these tables ever moves to another rollout, so the answer can be kept: a tick then costs no lookup
// before its statement. A row deleted since is still refused (its change finds no row, or the rollout's lock
// does). On globalThis, as both module graphs ask; bounded, cleared when full.
type RefGlobal = typeof globalThis & { __warroomRolloutOfRow?: Map<string, string> };
const MAX_KNOWN_REFS = 50_000;

function knownRollouts(): Map<string, string> {
  const g = globalThis as RefGlobal;
  g.__warroomRolloutOfRow ??= new Map();
  return g.__warroomRolloutOfRow;
}

/** The rollout a ref names; 404 when the row does not exist. */
export async function rolloutIdOf(ref: RolloutRef): Promise<string> {
  if (typeof ref === "string") return ref;
  const key = `${ref.via}:${ref.id}`;
  const known = knownRollouts().get(key);
  if (known) return known;
  // Concurrent changes of one row (a burst of ticks on one item) share one lookup.
  let pending = lookups.get(key);
  if (!pending) {
    pending = lookUpRollout(ref, key).finally(() => lookups.delete(key));
    lookups.set(key, pending);
  }
  return pending;
}

const lookups = new Map<string, Promise<string>>();

async function lookUpRollout(ref: Exclude<RolloutRef, string>, key: string): Promise<string> {
  // `via` is one of the fixed table names above, never user input.
  const rows = await getDb().$queryRawUnsafe<{ rolloutId: string }[]>(`SELECT "rolloutId" FROM "${ref.via}" WHERE id = $1`, ref.id);
  if (!rows[0]) throw notFound(REF_LABEL[ref.via]);
  if (knownRollouts().size >= MAX_KNOWN_REFS) knownRollouts().clear();
  knownRollouts().set(key, rows[0].rolloutId);
  return rows[0].rolloutId;
}

/**
 * The one way to change a rollout: `change` runs in a transaction together with the events it records, and
 * the events are published only after commit. The transaction locks the rollout's row first, so writes to one
 * rollout are serialised and a change reads what it checks (versions, gate state) with no other writer in
 * between; each event bumps Rollout.lastSeq in the same transaction, so seq is gap-free and events commit in
 * seq order. Changes to one rollout that arrive while a commit is in flight share the next transaction
 * (write-queue.ts): each in its own savepoint, so one failing does not undo the others, and one fsync serves
 * them all. A change must not call changeRollout for its own rollout (it would wait for itself).
 */
export async function changeRollout<T>(
  ref: RolloutRef,
  actor: Actor,
  change: (tx: DbTx, record: RecordEvent, rolloutId: string) => Promise<T>,
): Promise<{ result: T; events: EventEnvelope[] }> {
  const rolloutId = await rolloutIdOf(ref);
  return enqueueChange(rolloutId, {
    run: async (tx) => {
      const events: EventEnvelope[] = [];
      const result = await change(
        tx,
        async (type, data) => {
          const envelope = await appendEvent(tx, rolloutId, actor, type, data);
          events.push(envelope);
          return envelope;
        },
        rolloutId,
      );
      await runEventHooks(tx, rolloutId, events);
      return { result, events };
    },
  });
}

/**
 * changeRollout for a change that is one SQL statement locking the rollout and appending its own events (a tick:
 * item-tick-sql.ts). Alone in its batch and with no event hook wanting `eventTypes`, it runs by itself: one round
 * trip, its own transaction, no interactive transaction around it. Otherwise it runs inside the batch's
 * transaction like any change, followed by the hooks. Either way the events are published after commit.
 * The statement's contract: when it throws a DomainError (not found, stale version), its statement succeeded and
 * wrote nothing, so a batch of them shares one transaction without a savepoint each (write-queue.ts).
 */
export async function changeRolloutInOneStatement<T>(
  ref: RolloutRef,
  eventTypes: readonly string[],
  statement: (db: DbTx, rolloutId: string) => Promise<{ result: T; events: EventEnvelope[] }>,
): Promise<{ result: T; events: EventEnvelope[] }> {
  const rolloutId = await rolloutIdOf(ref);
  return enqueueChange(rolloutId, {
    run: async (tx) => {
      const value = await statement(tx, rolloutId);
      await runEventHooks(tx, rolloutId, value.events);
      return value;
    },
    ...(hooksWanting(rolloutId, eventTypes).length ? {} : { standalone: () => statement(getDb(), rolloutId), needsNoSavepoint: true }),
  });
}

/** changeRollout for a change that creates the rollout it records on (import, demo seed). */
export async function transactWithEvents<T>(
  actor: Actor,
  change: (tx: DbTx, recordFor: <E extends EventType>(rolloutId: string, type: E, data: EventInput<E>) => Promise<EventEnvelope>) => Promise<T>,
): Promise<{ result: T; events: EventEnvelope[] }> {
  const events: EventEnvelope[] = [];
  const result = await getDb().$transaction(
    async (tx) =>
      change(tx, async (rolloutId, type, data) => {
        const envelope = await appendEvent(tx, rolloutId, actor, type, data);
        events.push(envelope);
        return envelope;
      }),
    { timeout: 30_000 },
  );
  publishEvents(events);
  return { result, events };
}

/** Bumps lastSeq and inserts the event in one statement (one round trip per event). */
export async function appendEvent(tx: DbTx, rolloutId: string, actor: Actor, type: EventType, data: object) {
  const json = toJson(data);
  const rows = await tx.$queryRaw<{ seq: number; at: Date }[]>`
    WITH bumped AS (UPDATE "Rollout" SET "lastSeq" = "lastSeq" + 1 WHERE id = ${rolloutId} RETURNING "lastSeq")
    INSERT INTO "RolloutEvent" ("rolloutId", seq, type, "actorId", "actorName", data, at)
    SELECT ${rolloutId}, "lastSeq", ${type}, ${actor.id}, ${actor.name}, ${JSON.stringify(json)}::jsonb, now()
    FROM bumped
    RETURNING seq, at`;
  const row = rows[0];
  if (!row) throw notFound("Rollout");
  return envelopeOf(rolloutId, row, actor, type, json);
}

/** The envelope of an event as stored: `at` as the database returned it. */
export function envelopeOf(rolloutId: string, row: { seq: number; at: Date | string }, actor: Actor, type: string, data: Record<string, unknown>): EventEnvelope {
  return { rolloutId, seq: row.seq, type, at: new Date(row.at).toISOString(), actor, data };
}

/** Dates become ISO strings, undefined disappears: what the client will see, stored the same way. */
function toJson(data: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
}

export function toEnvelope(row: {
  rolloutId: string;
  seq: number;
  type: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  data: unknown;
}): EventEnvelope {
  return {
    rolloutId: row.rolloutId,
    seq: row.seq,
    type: row.type,
    at: row.at.toISOString(),
    actor: { id: row.actorId, name: row.actorName },
    data: (row.data ?? {}) as Record<string, unknown>,
  };
}

/** Events after `afterSeq`, oldest first, at most `limit`; `truncated` tells the client to load full state. */
export async function listEventsAfter(rolloutId: string, afterSeq: number, limit = 500) {
  const db = getDb();
  const [rollout, rows] = await Promise.all([
    db.rollout.findUnique({ where: { id: rolloutId }, select: { lastSeq: true } }),
    db.rolloutEvent.findMany({
      where: { rolloutId, seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take: limit + 1,
      select: { rolloutId: true, seq: true, type: true, at: true, actorId: true, actorName: true, data: true },
    }),
  ]);
  if (!rollout) throw notFound("Rollout");
  const truncated = rows.length > limit;
  return { lastSeq: rollout.lastSeq, events: rows.slice(0, limit).map(toEnvelope), truncated };
}

export async function currentSeq(rolloutId: string): Promise<number> {
  const rollout = await getDb().rollout.findUnique({ where: { id: rolloutId }, select: { lastSeq: true } });
  if (!rollout) throw notFound("Rollout");
  return rollout.lastSeq;
}
