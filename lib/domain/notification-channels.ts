import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { encryptSecret } from "@/lib/actions/secret-box";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { changeRollout } from "./events";
import { notFound } from "./errors";
import type { ChannelSecrets, CreateChannelInput, UpdateChannelInput } from "@/lib/schemas/notifications";
import { forgetTickSubscribers } from "./notification-outbox";
import { channelSecretPurpose, publicUrlOf, readChannelSecrets, secretValues } from "./notification-delivery";
import { cloudEventMessage, pagerDutyMessage, slackMessage, type NotificationItem } from "@/lib/notifications/formats";
import { sendMessage, type SendOutcome } from "@/lib/notifications/send";
import { rulesOf } from "@/lib/notifications/topics";

// Notification channels: a rollout's own (changed through changeRollout, so the room sees it in the log), or
// defaults for every rollout (rolloutId null). Secrets are encrypted on the way in and never come out: views
// carry the target's host only.

const channelViewSelect = {
  id: true,
  rolloutId: true,
  kind: true,
  name: true,
  targetHint: true,
  rules: true,
  forRehearsals: true,
  enabled: true,
  lastSentAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type ChannelView = {
  id: string;
  rolloutId: string | null;
  kind: "SLACK" | "WEBHOOK" | "PAGERDUTY";
  name: string;
  targetHint: string;
  /** The rules in force (the defaults when none were set) and whether they are the defaults. */
  rules: Record<string, string>;
  defaultRules: boolean;
  forRehearsals: boolean;
  enabled: boolean;
  lastSentAt: string | null;
  createdAt: string;
  updatedAt: string;
};

type ChannelRow = { id: string; rolloutId: string | null; kind: ChannelView["kind"]; name: string; targetHint: string; rules: unknown; forRehearsals: boolean; enabled: boolean; lastSentAt: Date | null; createdAt: Date; updatedAt: Date };

function viewOf(row: ChannelRow): ChannelView {
  return {
    ...row,
    rules: rulesOf(row.kind, row.rules) as Record<string, string>,
    defaultRules: row.rules === null,
    lastSentAt: row.lastSentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function secretsOf(input: CreateChannelInput): { secrets: ChannelSecrets; shownOnce: { signingKey?: string } } {
  switch (input.kind) {
    case "SLACK":
      return { secrets: { kind: "SLACK", webhookUrl: input.webhookUrl }, shownOnce: {} };
    case "WEBHOOK": {
      const signingKey = input.signingKey ?? `whsec_${randomBytes(24).toString("base64url")}`;
      return { secrets: { kind: "WEBHOOK", url: input.url, signingKey }, shownOnce: input.signingKey ? {} : { signingKey } };
    }
    case "PAGERDUTY":
      return { secrets: { kind: "PAGERDUTY", routingKey: input.routingKey, apiUrl: input.apiUrl }, shownOnce: {} };
  }
}

const hostOf = (secrets: ChannelSecrets) => new URL(secrets.kind === "SLACK" ? secrets.webhookUrl : secrets.kind === "WEBHOOK" ? secrets.url : secrets.apiUrl).host;

/** A new channel; a generated signing key is in the answer, once. rolloutId null: a default for every rollout. */
export async function createChannel(principal: UserPrincipal, rolloutId: string | null, input: CreateChannelInput): Promise<{ channel: ChannelView; signingKey?: string }> {
  const { secrets, shownOnce } = secretsOf(input);
  const id = `nc_${randomUUID().replace(/-/g, "")}`;
  const data = {
    id,
    rolloutId,
    kind: input.kind,
    name: input.name,
    secretConfig: encryptSecret(JSON.stringify(secrets), channelSecretPurpose(id)),
    targetHint: hostOf(secrets),
    rules: input.rules ?? undefined,
    forRehearsals: input.forRehearsals,
    enabled: input.enabled,
  };
  if (rolloutId === null) {
    const row = await getDb().notificationChannel.create({ data, select: channelViewSelect });
    forgetTickSubscribers();
    return { channel: viewOf(row), ...shownOnce };
  }
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const row = await tx.notificationChannel.create({ data, select: channelViewSelect });
    const channel = viewOf(row);
    await record("notification.channel_created", { channel });
    return channel;
  });
  forgetTickSubscribers();
  return { channel: result, ...shownOnce };
}

async function findChannel(channelId: string) {
  const found = await getDb().notificationChannel.findFirst({ where: { id: channelId, deletedAt: null }, select: { id: true, rolloutId: true } });
  if (!found) throw notFound("Notification channel");
  return found;
}

export async function updateChannel(principal: UserPrincipal, channelId: string, input: UpdateChannelInput): Promise<ChannelView> {
  const found = await findChannel(channelId);
  const data = { name: input.name, forRehearsals: input.forRehearsals, enabled: input.enabled, ...(input.rules === undefined ? {} : { rules: input.rules ?? Prisma.DbNull }) };
  forgetTickSubscribers();
  if (found.rolloutId === null) return viewOf(await getDb().notificationChannel.update({ where: { id: channelId }, data, select: channelViewSelect }));
  const { result } = await changeRollout(found.rolloutId, actorOf(principal), async (tx, record) => {
    const channel = viewOf(await tx.notificationChannel.update({ where: { id: channelId }, data, select: channelViewSelect }));
    await record("notification.channel_updated", { channel });
    return channel;
  });
  forgetTickSubscribers();
  return result;
}

/** Hides the channel (its deliveries stay in the log); pending deliveries fail with the reason. */
export async function deleteChannel(principal: UserPrincipal, channelId: string): Promise<void> {
  const found = await findChannel(channelId);
  const hide = { deletedAt: new Date(), enabled: false };
  forgetTickSubscribers();
  if (found.rolloutId === null) {
    await getDb().notificationChannel.update({ where: { id: channelId }, data: hide });
    return;
  }
  await changeRollout(found.rolloutId, actorOf(principal), async (tx, record) => {
    const row = await tx.notificationChannel.update({ where: { id: channelId }, data: hide, select: { name: true } });
    await record("notification.channel_deleted", { channelId, name: row.name });
  });
}

/** The rollout's channels and the defaults that apply to it. */
export async function listChannels(rolloutId: string | null): Promise<ChannelView[]> {
  const rows = await getDb().notificationChannel.findMany({
    where: { deletedAt: null, OR: rolloutId === null ? [{ rolloutId: null }] : [{ rolloutId }, { rolloutId: null }] },
    orderBy: [{ createdAt: "asc" }],
    select: channelViewSelect,
  });
  return rows.map(viewOf);
}

export type DeliveryView = {
  id: string;
  rolloutId: string;
  seq: number;
  topic: string;
  severity: string;
  state: "sent" | "failed" | "retrying" | "pending";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
};

/** The channel's delivery log, newest first (for one rollout when given: a default channel serves many). */
export async function listDeliveries(channelId: string, opts: { rolloutId?: string; limit?: number } = {}): Promise<DeliveryView[]> {
  await findChannel(channelId);
  const rows = await getDb().notificationDelivery.findMany({
    where: { channelId, ...(opts.rolloutId ? { rolloutId: opts.rolloutId } : {}) },
    orderBy: { id: "desc" },
    take: opts.limit ?? 100,
  });
  return rows.map((row) => ({
    id: row.id.toString(),
    rolloutId: row.rolloutId,
    seq: row.seq,
    topic: row.topic,
    severity: row.severity,
    state: row.status === "SENT" ? "sent" : row.status === "FAILED" ? "failed" : row.attempts > 0 ? "retrying" : "pending",
    attempts: row.attempts,
    nextAttemptAt: row.status === "PENDING" ? row.nextAttemptAt.toISOString() : null,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  }));
}

/** Sends a test message now (not through the outbox, not logged as an event) and says what the channel answered. */
export async function sendTestMessage(channelId: string, rolloutId: string, opts: { publicUrl?: string; fetchImpl?: typeof fetch } = {}): Promise<SendOutcome> {
  const channel = await getDb().notificationChannel.findFirst({ where: { id: channelId, deletedAt: null, OR: [{ rolloutId }, { rolloutId: null }] } });
  if (!channel) throw notFound("Notification channel");
  const rollout = await getDb().rollout.findUnique({ where: { id: rolloutId }, select: { id: true, name: true, service: true, isRehearsal: true } });
  if (!rollout) throw notFound("Rollout");
  const secrets = readChannelSecrets(channel);
  const publicUrl = publicUrlOf(opts);
  const item: NotificationItem = {
    seq: 0,
    topic: "test",
    severity: "info",
    rollout,
    url: `${publicUrl}/rollouts/${rollout.id}`,
    event: { seq: 0, type: "test", at: new Date().toISOString(), actor: { id: null, name: "War Room" }, data: { publicSummary: "Test message: this channel is connected" } },
  };
  const message =
    secrets.kind === "SLACK"
      ? slackMessage(secrets.webhookUrl, [item])
      : secrets.kind === "WEBHOOK"
        ? cloudEventMessage({ url: secrets.url, signingKey: secrets.signingKey, channelId, publicUrl }, { ...item, seq: 0 }, Math.floor(Date.now() / 1000))
        : pagerDutyMessage(secrets, item);
  return sendMessage(message, { timeoutMs: 10_000, secrets: secretValues(secrets), fetchImpl: opts.fetchImpl });
}
