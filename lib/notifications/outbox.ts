import type { DbTx } from "@/lib/db/client";
import type { EventEnvelope } from "@/lib/schemas/events";
import { DEFAULT_RULES, PAGERDUTY_DEFAULT_RULES, topicOf } from "./topics";

// The transactional outbox. changeRollout and transactWithEvents call this in the same transaction that
// appends the events, so a delivery row exists exactly when its event committed; the delivery worker
// (deliver.ts) sends the rows later. The unique (channel, rollout, seq) makes a second enqueue of the same
// event a no-op.

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
