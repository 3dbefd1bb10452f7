import { describeEvent } from "@/lib/domain/describe-event";
import type { EventEnvelope } from "@/lib/schemas/events";
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./signature";
import type { Severity, Topic } from "./topics";

// What each kind of channel is sent, built from the outbox rows and their events. Pure, so the shapes are
// tested without a network: Slack Block Kit (incoming webhook), CloudEvents 1.0 structured mode (generic
// webhook, signed), PagerDuty Events API v2 (alert events and change events).

export type NotificationItem = {
  seq: number;
  topic: Topic;
  severity: Severity;
  event: Pick<EventEnvelope, "type" | "data" | "at" | "actor" | "seq">;
  rollout: { id: string; name: string; service: string; isRehearsal: boolean };
  /** The war room's URL (the public URL + /rollouts/:id). */
  url: string;
};

export type OutboundMessage = { url: string; headers: Record<string, string>; body: string };

export const SLACK_MAX_BLOCKS = 50;
export const SLACK_SECTION_MAX = 3000;
const SLACK_HEADER_MAX = 150;
/** Header + one actions block, and two blocks (section, context) per event. */
export const SLACK_MAX_ITEMS_PER_MESSAGE = Math.floor((SLACK_MAX_BLOCKS - 2) / 2);

const SEVERITY_EMOJI: Record<Severity, string> = { critical: ":red_circle:", error: ":large_orange_circle:", warning: ":large_yellow_circle:", info: ":white_circle:" };

export function summaryOf(item: Pick<NotificationItem, "event" | "rollout">): string {
  const rehearsal = item.rollout.isRehearsal ? "[REHEARSAL] " : "";
  return `${rehearsal}${item.rollout.name}: ${describeEvent(item.event)}`;
}

/** Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
const escapeMrkdwn = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** One Slack message for up to SLACK_MAX_ITEMS_PER_MESSAGE events of one rollout (the worker batches them). */
export function slackMessage(webhookUrl: string, items: NotificationItem[]): OutboundMessage {
  if (items.length === 0 || items.length > SLACK_MAX_ITEMS_PER_MESSAGE) throw new Error(`A Slack message holds 1 to ${SLACK_MAX_ITEMS_PER_MESSAGE} events`);
  const first = items[0]!;
  const rehearsal = first.rollout.isRehearsal ? "REHEARSAL · " : "";
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: clip(`${rehearsal}${first.rollout.name} (${first.rollout.service})`, SLACK_HEADER_MAX), emoji: true } },
  ];
  for (const item of items) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`${SEVERITY_EMOJI[item.severity]} *${escapeMrkdwn(describeEvent(item.event))}*`, SLACK_SECTION_MAX) } });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: clip(`${item.severity} · ${item.topic} · #${item.seq} · ${escapeMrkdwn(item.event.actor.name)} · <!date^${Math.floor(Date.parse(item.event.at) / 1000)}^{date_short_pretty} {time}|${item.event.at}>`, SLACK_SECTION_MAX) }],
    });
  }
  blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the war room" }, url: first.url, action_id: "open_war_room" }] });
  const text = clip(items.map((item) => summaryOf(item)).join("\n"), SLACK_SECTION_MAX);
  return { url: webhookUrl, headers: { "content-type": "application/json" }, body: JSON.stringify({ text, blocks }) };
}

/** The CloudEvent id: stable for one event on one channel, so a receiver can drop a resend it already has. */
export const cloudEventId = (channelId: string, rolloutId: string, seq: number) => `${channelId}:${rolloutId}:${seq}`;

/** CloudEvents 1.0, structured mode, signed over timestamp + body. One event per request. */
export function cloudEventMessage(
  target: { url: string; signingKey: string; channelId: string; publicUrl: string },
  item: NotificationItem,
  nowSeconds: number,
): OutboundMessage {
  const subjectId = (item.event.data.criterion as { id?: string } | undefined)?.id ?? (item.event.data.phaseId as string | undefined) ?? undefined;
  const event = {
    specversion: "1.0",
    id: cloudEventId(target.channelId, item.rollout.id, item.seq),
    source: `${target.publicUrl.replace(/\/$/, "")}/rollouts/${item.rollout.id}`,
    type: `io.warroom.${item.topic}`,
    time: item.event.at,
    subject: subjectId ?? item.rollout.id,
    datacontenttype: "application/json",
    data: {
      rollout: item.rollout,
      seq: item.seq,
      topic: item.topic,
      severity: item.severity,
      summary: summaryOf(item),
      url: item.url,
      event: { type: item.event.type, actor: item.event.actor, data: item.event.data },
    },
  };
  const body = JSON.stringify(event);
  return {
    url: target.url,
    headers: { "content-type": "application/cloudevents+json", [TIMESTAMP_HEADER]: String(nowSeconds), [SIGNATURE_HEADER]: signPayload(target.signingKey, nowSeconds, body) },
    body,
  };
}

const CHANGE_TOPICS: ReadonlySet<Topic> = new Set(["rollout.started", "rollout.completed", "rollout.rolled_back", "rollout.aborted", "phase.promoted"]);

/** PagerDuty: a trigger fires → trigger, resolves → resolve (same dedup_key); phase changes → change events. */
export function pagerDutyMessage(target: { apiUrl: string; routingKey: string }, item: NotificationItem): OutboundMessage {
  const base = target.apiUrl.replace(/\/$/, "");
  const links = [{ href: item.url, text: "Open the war room" }];
  const summary = clip(summaryOf(item), 1024);
  const headers = { "content-type": "application/json" };
  if (CHANGE_TOPICS.has(item.topic)) {
    const body = { routing_key: target.routingKey, payload: { summary, timestamp: item.event.at, source: item.rollout.service, custom_details: { rollout: item.rollout.name, topic: item.topic, seq: item.seq } }, links };
    return { url: `${base}/v2/change/enqueue`, headers, body: JSON.stringify(body) };
  }
  const criterionId = (item.event.data.criterion as { id?: string } | undefined)?.id;
  // A trigger's firing and its resolution share one key; anything else is its own incident.
  const dedupKey = criterionId ? `${item.rollout.id}:${criterionId}` : `${item.rollout.id}:${item.topic}:${item.seq}`;
  if (item.topic === "trigger.resolved") {
    return { url: `${base}/v2/enqueue`, headers, body: JSON.stringify({ routing_key: target.routingKey, event_action: "resolve", dedup_key: dedupKey }) };
  }
  const body = {
    routing_key: target.routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary,
      source: item.rollout.service,
      severity: item.severity,
      timestamp: item.event.at,
      component: item.rollout.name,
      group: "war-room",
      class: item.topic,
      custom_details: { rollout: item.rollout.name, seq: item.seq, actor: item.event.actor.name },
    },
    links,
  };
  return { url: `${base}/v2/enqueue`, headers, body: JSON.stringify(body) };
}
