import { getDb, type DbTx } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/principal";
import { publishEvents } from "@/lib/realtime/publisher";
import type { EventEnvelope } from "@/lib/schemas/events";
import { notFound, rethrowIfMissing } from "./errors";

export type RecordEvent = (type: string, data: Record<string, unknown>) => Promise<EventEnvelope>;

/**
 * The one way to change a rollout: `change` runs in a transaction together with the events it records, and
 * the events are published only after commit. It starts by locking the rollout's row, so writes to one rollout
 * are serialised; each event bumps Rollout.lastSeq in the same transaction, so seq is gap-free (a rolled-back
 * transaction gives its number back) and events commit in seq order.
 */
export async function changeRollout<T>(
  rolloutId: string,
  actor: Actor,
  change: (tx: DbTx, record: RecordEvent) => Promise<T>,
): Promise<{ result: T; events: EventEnvelope[] }> {
  return transactWithEvents(actor, async (tx, recordFor) => {
    // Lock the rollout row first: the change then reads what it checks (versions, gate state) with no other
    // writer of this rollout in between.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Rollout" WHERE id = ${rolloutId} FOR UPDATE`;
    if (locked.length === 0) throw notFound("Rollout");
    return change(tx, (type, data) => recordFor(rolloutId, type, data));
  });
}

/** changeRollout for a change that creates the rollout it records on (import, demo seed). */
export async function transactWithEvents<T>(
  actor: Actor,
  change: (tx: DbTx, recordFor: (rolloutId: string, type: string, data: Record<string, unknown>) => Promise<EventEnvelope>) => Promise<T>,
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

async function appendEvent(tx: DbTx, rolloutId: string, actor: Actor, type: string, data: Record<string, unknown>) {
  const { lastSeq } = await tx.rollout
    .update({ where: { id: rolloutId }, data: { lastSeq: { increment: 1 } }, select: { lastSeq: true } })
    .catch(rethrowIfMissing("Rollout"));
  const json = toJson(data);
  const row = await tx.rolloutEvent.create({
    data: { rolloutId, seq: lastSeq, type, actorId: actor.id, actorName: actor.name, data: json as object },
    select: { seq: true, at: true },
  });
  const envelope: EventEnvelope = { rolloutId, seq: row.seq, type, at: row.at.toISOString(), actor, data: json };
  return envelope;
}

/** Dates become ISO strings, undefined disappears: what the client will see, stored the same way. */
function toJson(data: Record<string, unknown>): Record<string, unknown> {
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
