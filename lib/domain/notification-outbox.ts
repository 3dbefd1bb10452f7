import "server-only";
import { getDb, type DbTx } from "@/lib/db/client";
import type { EventEnvelope } from "@/lib/schemas/events";
import { DEFAULT_RULES, NOTIFIABLE_EVENT_TYPES, PAGERDUTY_DEFAULT_RULES, TICK_EVENT_TYPE, topicOf } from "@/lib/notifications/topics";
import type { EventHook } from "./event-hooks";

// The transactional outbox: an event hook (event-hooks.ts) that changeRollout runs in the same transaction
// that appends the events, so a delivery row exists exactly when its event committed; the delivery worker
// (notification-delivery.ts) sends the rows later. The unique (channel, rollout, seq) makes a second enqueue
// of the same event a no-op.

const DEFAULTS_BY_KIND = JSON.stringify({ SLACK: DEFAULT_RULES, WEBHOOK: DEFAULT_RULES, PAGERDUTY: PAGERDUTY_DEFAULT_RULES });

/**
 * One delivery row per (event, channel) whose rules want the event's topic: the rollout's own channels and
 * the default ones, enabled, and for a rehearsal only those marked for rehearsals. Events no rule could want
 * cost nothing; the rest cost one statement, whatever the number of events and channels.
 */
export async function enqueueDeliveries(tx: DbTx, events: readonly EventEnvelope[]): Promise<number> {
  const rolloutIds: string[] = [];
  const seqs: number[] = [];
  const topics: string[] = [];
  for (const event of events) {
    const topic = topicOf(event);
    if (!topic) continue;
    rolloutIds.push(event.rolloutId);
    seqs.push(event.seq);
    topics.push(topic);
  }
  if (topics.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "NotificationDelivery" ("channelId", "rolloutId", seq, topic, severity)
    SELECT c.id, e."rolloutId", e.seq, e.topic, COALESCE(c.rules, ${DEFAULTS_BY_KIND}::jsonb -> c.kind::text) ->> e.topic
    FROM unnest(${rolloutIds}::text[], ${seqs}::int[], ${topics}::text[]) AS e("rolloutId", seq, topic)
    JOIN "Rollout" r ON r.id = e."rolloutId"
    JOIN "NotificationChannel" c
      ON (c."rolloutId" = e."rolloutId" OR c."rolloutId" IS NULL)
     AND c.enabled AND c."deletedAt" IS NULL AND (NOT r."isRehearsal" OR c."forRehearsals")
    WHERE COALESCE(c.rules, ${DEFAULTS_BY_KIND}::jsonb -> c.kind::text) ->> e.topic IS NOT NULL
    ON CONFLICT ("channelId", "rolloutId", seq) DO NOTHING`;
}

// Ticks take a one-statement path unless a hook wants them, and the hook must answer without a query. So
// which rollouts have a channel whose rules name ticks ("*": a default channel does) is kept here, reloaded
// in the background when older than TICK_CACHE_MS and dropped whenever this process changes a channel.
// While it is unknown the answer is yes (the slower path, still exact: enqueueDeliveries decides). A channel
// another process created is seen here within TICK_CACHE_MS.
const TICK_CACHE_MS = 5000;
type TickCache = { loadedAt: number; rollouts: Set<string> };
type CacheGlobal = typeof globalThis & { __warroomTickSubscribers?: { cache?: TickCache; loading?: Promise<void> } };

function tickState() {
  const g = globalThis as CacheGlobal;
  g.__warroomTickSubscribers ??= {};
  return g.__warroomTickSubscribers;
}

function reloadTickSubscribers() {
  const state = tickState();
  if (state.loading) return;
  state.loading = getDb()
    .$queryRaw<{ rolloutId: string }[]>`
      SELECT DISTINCT COALESCE("rolloutId", '*') AS "rolloutId" FROM "NotificationChannel"
      WHERE enabled AND "deletedAt" IS NULL AND rules IS NOT NULL AND jsonb_exists(rules, ${TICK_EVENT_TYPE})`
    .then(
      (rows) => void (state.cache = { loadedAt: Date.now(), rollouts: new Set(rows.map((r) => r.rolloutId)) }),
      () => undefined,
    )
    .finally(() => void (state.loading = undefined));
}

/** After a channel changed here: the next tick asks the database again. */
export function forgetTickSubscribers() {
  tickState().cache = undefined;
}

function wantsTicks(rolloutId: string): boolean {
  const { cache } = tickState();
  if (!cache || Date.now() - cache.loadedAt > TICK_CACHE_MS) {
    reloadTickSubscribers();
    return true;
  }
  return cache.rollouts.has("*") || cache.rollouts.has(rolloutId);
}

export const notificationOutbox: EventHook = {
  name: "notification-outbox",
  wants: (rolloutId, eventTypes) => eventTypes.some((type) => (type === TICK_EVENT_TYPE ? wantsTicks(rolloutId) : NOTIFIABLE_EVENT_TYPES.has(type))),
  run: async (tx, events) => void (await enqueueDeliveries(tx, events)),
};
