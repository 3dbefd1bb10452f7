import "server-only";
import { getDb } from "@/lib/db/client";
import { decryptSecret } from "@/lib/actions/secret-box";
import { channelSecretsSchema, type ChannelSecrets } from "@/lib/schemas/notifications";
import { cloudEventMessage, pagerDutyMessage, slackMessage, SLACK_MAX_ITEMS_PER_MESSAGE, type NotificationItem, type OutboundMessage } from "@/lib/notifications/formats";
import { sendMessage, type SendOutcome } from "@/lib/notifications/send";
import type { Severity, Topic } from "@/lib/notifications/topics";

// The delivery worker: sends the outbox rows (NotificationDelivery) that are due. It runs under the workers
// lock (lib/workers), so one process sends. Per channel, rows go out in the order their events were written;
// while the oldest waits for a retry the channel's later rows wait behind it (order kept, and a channel that
// is down is not hammered). A row becomes SENT only after a 2xx: a crash between the request and that update
// sends it again after the restart, with the same CloudEvent id / PagerDuty dedup_key (stable per event and
// channel), so receivers can drop the repeat; the row itself is unique per (channel, rollout, seq).

export const SLACK_MIN_INTERVAL_MS = 1000;
export const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 10 * 60_000;

export type DeliverOptions = {
  now?: Date;
  /** First retry delay; doubles with each attempt up to 10 minutes. */
  backoffMs?: number;
  timeoutMs?: number;
  publicUrl?: string;
  fetchImpl?: typeof fetch;
};

export type DeliveryPass = { sent: number; retrying: number; failed: number };

type Row = { id: bigint; channelId: string; rolloutId: string; seq: number; topic: string; severity: string; attempts: number; nextAttemptAt: Date };

export const channelSecretPurpose = (channelId: string) => `notification-channel:${channelId}`;

export function readChannelSecrets(channel: { id: string; secretConfig: string }): ChannelSecrets {
  return channelSecretsSchema.parse(JSON.parse(decryptSecret(channel.secretConfig, channelSecretPurpose(channel.id))));
}

export function secretValues(secrets: ChannelSecrets): string[] {
  switch (secrets.kind) {
    case "SLACK":
      return [secrets.webhookUrl, new URL(secrets.webhookUrl).pathname];
    case "WEBHOOK":
      return [secrets.signingKey, secrets.url];
    case "PAGERDUTY":
      return [secrets.routingKey];
  }
}

export const publicUrlOf = (opts: { publicUrl?: string }) => (opts.publicUrl ?? process.env.NEXTAUTH_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");

/** One pass: every channel with something due gets one message (Slack: one batch) or its due rows in order. */
export async function deliverDueNotifications(opts: DeliverOptions = {}): Promise<DeliveryPass> {
  const now = opts.now ?? new Date();
  const db = getDb();
  const due = await db.$queryRaw<{ channelId: string }[]>`
    SELECT DISTINCT "channelId" FROM "NotificationDelivery" WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now} LIMIT 200`;
  const pass: DeliveryPass = { sent: 0, retrying: 0, failed: 0 };
  // Channels are independent: one slow receiver must not hold up the others.
  await Promise.all(
    due.map(async ({ channelId }) => {
      try {
        const result = await deliverChannel(channelId, now, opts);
        pass.sent += result.sent;
        pass.retrying += result.retrying;
        pass.failed += result.failed;
      } catch (error) {
        console.error(`[warroom] notification channel ${channelId} failed:`, error instanceof Error ? error.message : error);
      }
    }),
  );
  return pass;
}

async function deliverChannel(channelId: string, now: Date, opts: DeliverOptions): Promise<DeliveryPass> {
  const db = getDb();
  const pass: DeliveryPass = { sent: 0, retrying: 0, failed: 0 };
  const channel = await db.notificationChannel.findUnique({ where: { id: channelId } });
  if (!channel) return pass;
  if (channel.deletedAt || !channel.enabled) {
    await db.notificationDelivery.updateMany({ where: { channelId, status: "PENDING" }, data: { status: "FAILED", lastError: "The channel was disabled or removed" } });
    return pass;
  }
  if (channel.kind === "SLACK" && channel.lastSentAt && now.getTime() - channel.lastSentAt.getTime() < SLACK_MIN_INTERVAL_MS) return pass;

  const rows = await db.notificationDelivery.findMany({
    where: { channelId, status: "PENDING" },
    orderBy: { id: "asc" },
    take: SLACK_MAX_ITEMS_PER_MESSAGE,
    select: { id: true, channelId: true, rolloutId: true, seq: true, topic: true, severity: true, attempts: true, nextAttemptAt: true },
  });
  if (rows.length === 0 || rows[0]!.nextAttemptAt > now) return pass;

  let secrets: ChannelSecrets;
  try {
    secrets = readChannelSecrets(channel);
  } catch (error) {
    await finish(rows, { kind: "failed", status: 0, error: error instanceof Error ? error.message : "Cannot read the channel's secrets" }, now, opts);
    pass.failed += rows.length;
    return pass;
  }
  const items = await loadItems(rows, publicUrlOf(opts));
  const send = (message: OutboundMessage) => sendMessage(message, { timeoutMs: opts.timeoutMs ?? 10_000, secrets: secretValues(secrets), fetchImpl: opts.fetchImpl });

  if (secrets.kind === "SLACK") {
    // One message per pass, for the oldest rows of one rollout: Slack's ~1 message/s per webhook.
    const batch: Row[] = [];
    for (const row of rows) {
      if (row.rolloutId !== rows[0]!.rolloutId || row.nextAttemptAt > now) break;
      batch.push(row);
    }
    const outcome = await send(slackMessage(secrets.webhookUrl, batch.map((row) => items.get(row.id)!)));
    await db.notificationChannel.update({ where: { id: channelId }, data: { lastSentAt: now } });
    count(pass, await finish(batch, outcome, now, opts), batch.length);
    return pass;
  }

  for (const row of rows) {
    if (row.nextAttemptAt > now) break;
    const item = items.get(row.id)!;
    const message =
      secrets.kind === "WEBHOOK"
        ? cloudEventMessage({ url: secrets.url, signingKey: secrets.signingKey, channelId, publicUrl: publicUrlOf(opts) }, item, Math.floor(Date.now() / 1000))
        : pagerDutyMessage(secrets, item);
    const outcome = await send(message);
    const state = await finish([row], outcome, now, opts);
    count(pass, state, 1);
    if (state === "retrying") break;
  }
  return pass;
}

function count(pass: DeliveryPass, state: "sent" | "retrying" | "failed", n: number) {
  if (state === "sent") pass.sent += n;
  else if (state === "retrying") pass.retrying += n;
  else pass.failed += n;
}

async function loadItems(rows: Row[], publicUrl: string): Promise<Map<bigint, NotificationItem>> {
  const db = getDb();
  const rolloutIds = [...new Set(rows.map((r) => r.rolloutId))];
  const [rollouts, events] = await Promise.all([
    db.rollout.findMany({ where: { id: { in: rolloutIds } }, select: { id: true, name: true, service: true, isRehearsal: true } }),
    db.rolloutEvent.findMany({
      where: { OR: rolloutIds.map((rolloutId) => ({ rolloutId, seq: { in: rows.filter((r) => r.rolloutId === rolloutId).map((r) => r.seq) } })) },
      select: { rolloutId: true, seq: true, type: true, data: true, at: true, actorId: true, actorName: true },
    }),
  ]);
  const items = new Map<bigint, NotificationItem>();
  for (const row of rows) {
    const rollout = rollouts.find((r) => r.id === row.rolloutId)!;
    const event = events.find((e) => e.rolloutId === row.rolloutId && e.seq === row.seq);
    items.set(row.id, {
      seq: row.seq,
      topic: row.topic as Topic,
      severity: row.severity as Severity,
      rollout,
      url: `${publicUrl}/rollouts/${row.rolloutId}`,
      event: event
        ? { seq: event.seq, type: event.type, data: (event.data ?? {}) as Record<string, unknown>, at: event.at.toISOString(), actor: { id: event.actorId, name: event.actorName } }
        : { seq: row.seq, type: row.topic, data: {}, at: new Date().toISOString(), actor: { id: null, name: "War Room" } },
    });
  }
  return items;
}

export function backoffDelay(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** Records an outcome on rows still PENDING (a row already SENT is never touched again). */
async function finish(rows: Row[], outcome: SendOutcome, now: Date, opts: DeliverOptions): Promise<"sent" | "retrying" | "failed"> {
  const db = getDb();
  const ids = rows.map((r) => r.id);
  const attempts = rows[0]!.attempts + 1;
  if (outcome.kind === "sent") {
    await db.notificationDelivery.updateMany({
      where: { id: { in: ids }, status: "PENDING" },
      data: { status: "SENT", sentAt: new Date(), lastStatus: outcome.status, lastError: null, attempts: { increment: 1 } },
    });
    return "sent";
  }
  if (outcome.kind === "retry" && attempts < MAX_ATTEMPTS) {
    const delay = outcome.retryAfterMs ?? backoffDelay(attempts, opts.backoffMs ?? 2000);
    await db.notificationDelivery.updateMany({
      where: { id: { in: ids }, status: "PENDING" },
      data: { attempts: { increment: 1 }, lastStatus: outcome.status, lastError: outcome.error, nextAttemptAt: new Date(now.getTime() + delay) },
    });
    return "retrying";
  }
  const error = outcome.kind === "retry" ? `${outcome.error} (gave up after ${attempts} attempts)` : outcome.error;
  await db.notificationDelivery.updateMany({
    where: { id: { in: ids }, status: "PENDING" },
    data: { status: "FAILED", attempts: { increment: 1 }, lastStatus: outcome.status, lastError: error },
  });
  return "failed";
}
