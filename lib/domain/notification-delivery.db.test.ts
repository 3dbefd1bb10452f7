import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { startReceiver, type Receiver } from "@/test/receivers";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import type { EventType } from "@/lib/schemas/events";
import { getDb } from "@/lib/db/client";
import { updateItem } from "@/lib/domain/checklists";
import { changeRollout } from "@/lib/domain/events";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createChannel, listDeliveries, sendTestMessage } from "./notification-channels";
import { deliverDueNotifications } from "./notification-delivery";
import { verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@/lib/notifications/signature";

// The outbox and its worker against real HTTP receivers: rows written in the event's transaction, the three
// payload shapes, retries (network error, 429 + Retry-After, 5xx) and no retry on other 4xx, Slack batching
// and pacing, and exactly one accepted delivery per event and channel when a receiver is down and comes back.

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User;
let receiver: Receiver;

beforeAll(async () => {
  admin = await makeUser("ADMIN");
  receiver = await startReceiver();
});
afterAll(() => receiver.stop());
beforeEach(async () => {
  // Each pass sends for every channel in the database: start each test with nothing left over from the others.
  await getDb().notificationDelivery.deleteMany({ where: { status: "PENDING" } });
  receiver.accepted.length = 0;
  receiver.all.length = 0;
  receiver.answer(() => ({ status: 200, body: "ok" }));
});

async function record(rolloutId: string, events: [string, Record<string, unknown>][]) {
  const { events: envelopes } = await changeRollout(rolloutId, SYSTEM_ACTOR, async (_tx, rec) => {
    // Payloads shaped like the evaluator's, trimmed to what the notifications read.
    for (const [type, data] of events) await rec(type as EventType, data as never);
  });
  return envelopes;
}

const firing = (criterionId: string) => ["criterion.state_changed", { phaseId: "p", criterion: { id: criterionId, description: "Error rate > 1%" }, from: "PENDING", to: "FIRING", value: 4.2, publicSummary: `Rollback trigger "Error rate > 1%" is FIRING: 4.2%` }] as [string, Record<string, unknown>];
const resolved = (criterionId: string) => ["criterion.state_changed", { phaseId: "p", criterion: { id: criterionId, description: "Error rate > 1%" }, from: "FIRING", to: "NORMAL", value: 0.1, publicSummary: `Rollback trigger "Error rate > 1%" is back to normal` }] as [string, Record<string, unknown>];
const pending = (criterionId: string) => ["criterion.state_changed", { criterion: { id: criterionId }, from: "NORMAL", to: "PENDING" }] as [string, Record<string, unknown>];

const later = (ms: number) => new Date(Date.now() + ms);

describe("the outbox", () => {
  it("writes a row per matching event in the event's transaction, none for ticks or pending triggers by default", async () => {
    const rollout = await makeRollout();
    const { channel } = await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "room", webhookUrl: `${receiver.url}/slack`, forRehearsals: false, enabled: true });
    const [fire] = await record(rollout.id, [firing("c1"), pending("c2")]);
    const item = (await getRolloutState(rollout.id)).items[0]!;
    await updateItem(admin.principal, item.id, { state: "DONE" });
    const rows = await getDb().notificationDelivery.findMany({ where: { channelId: channel.id } });
    expect(rows.map((r) => [r.seq, r.topic, r.severity, r.status])).toEqual([[fire!.seq, "trigger.firing", "critical", "PENDING"]]);
  });

  it("a change that fails leaves no row (same transaction)", async () => {
    const rollout = await makeRollout();
    const { channel } = await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "room", webhookUrl: `${receiver.url}/slack`, forRehearsals: false, enabled: true });
    await expect(
      changeRollout(rollout.id, SYSTEM_ACTOR, async (_tx, rec) => {
        await rec("criterion.state_changed", firing("c1")[1] as never);
        throw new Error("boom after the event");
      }),
    ).rejects.toThrow("boom");
    expect(await getDb().notificationDelivery.count({ where: { channelId: channel.id } })).toBe(0);
  });

  it("follows the channel's rules, default channels serve every rollout, rehearsals only reach channels marked for them", async () => {
    const rollout = await makeRollout();
    const rehearsal = await makeRollout();
    await getDb().rollout.update({ where: { id: rehearsal.id }, data: { isRehearsal: true } });
    const ticks = await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "ticks only", webhookUrl: `${receiver.url}/s`, rules: { "item.updated": "info" }, forRehearsals: false, enabled: true });
    const everywhere = await createChannel(admin.principal, null, { kind: "SLACK", name: `default ${rollout.id}`, webhookUrl: `${receiver.url}/d`, forRehearsals: false, enabled: true });
    const rehearsals = await createChannel(admin.principal, null, { kind: "SLACK", name: `rehearsal ${rollout.id}`, webhookUrl: `${receiver.url}/r`, forRehearsals: true, enabled: true });
    try {
      const item = (await getRolloutState(rollout.id)).items[0]!;
      const tick = await updateItem(admin.principal, item.id, { state: "DONE" });
      const [fire] = await record(rollout.id, [firing("c1")]);
      const [rehearsalFire] = await record(rehearsal.id, [firing("c9")]);
      const rowsOf = async (channelId: string) =>
        (await getDb().notificationDelivery.findMany({ where: { channelId, rolloutId: { in: [rollout.id, rehearsal.id] } }, orderBy: { id: "asc" } })).map((r) => [r.rolloutId, r.seq, r.topic]);
      expect(tick.state).toBe("DONE");
      expect(await rowsOf(ticks.channel.id)).toEqual([[rollout.id, fire!.seq - 1, "item.updated"]]);
      expect(await rowsOf(everywhere.channel.id)).toEqual([[rollout.id, fire!.seq, "trigger.firing"]]);
      expect(await rowsOf(rehearsals.channel.id)).toEqual([
        [rollout.id, fire!.seq, "trigger.firing"],
        [rehearsal.id, rehearsalFire!.seq, "trigger.firing"],
      ]);
    } finally {
      // Default channels would otherwise catch the other tests' events.
      await getDb().notificationChannel.deleteMany({ where: { id: { in: [everywhere.channel.id, rehearsals.channel.id] } } });
    }
  });
});

describe("payloads", () => {
  it("Slack: header, mrkdwn section, context and a button to the war room; many events batch into messages of at most 50 blocks, one a second", async () => {
    const rollout = await makeRollout();
    const { channel } = await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "room", webhookUrl: `${receiver.url}/services/T/B/secret`, rules: { "trigger.firing": "critical" }, forRehearsals: false, enabled: true });
    await record(rollout.id, Array.from({ length: 30 }, (_, i) => firing(`c${i}`)));
    const t0 = later(0);
    expect(await deliverDueNotifications({ now: t0, publicUrl: "https://warroom.example" })).toEqual({ sent: 24, retrying: 0, failed: 0 });
    // Within a second of the last message: nothing, whatever is waiting.
    expect(await deliverDueNotifications({ now: new Date(t0.getTime() + 999) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(await deliverDueNotifications({ now: new Date(t0.getTime() + 1000), publicUrl: "https://warroom.example" })).toEqual({ sent: 6, retrying: 0, failed: 0 });

    const messages = receiver.accepted.filter((r) => r.path === "/services/T/B/secret").map((r) => r.json as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { type: string; url?: string; text?: unknown }[] }[] });
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m.blocks.length).toBeLessThanOrEqual(50);
    const [first] = messages;
    expect(first!.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
    expect(first!.blocks[1]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    expect(first!.blocks[1]!.text!.text).toContain("is FIRING");
    expect(first!.blocks[2]).toMatchObject({ type: "context" });
    expect(first!.blocks.at(-1)).toMatchObject({ type: "actions", elements: [{ type: "button", url: `https://warroom.example/rollouts/${rollout.id}` }] });
    expect(first!.blocks.filter((b) => b.type === "section")).toHaveLength(24);
    expect(messages[1]!.blocks.filter((b) => b.type === "section")).toHaveLength(6);
    const log = await listDeliveries(channel.id);
    expect(log).toHaveLength(30);
    expect(log.every((d) => d.state === "sent")).toBe(true);
  });

  it("Slack sections stay within 3,000 characters", async () => {
    const rollout = await makeRollout();
    await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "room", webhookUrl: `${receiver.url}/long`, forRehearsals: false, enabled: true });
    await record(rollout.id, [["criterion.state_changed", { phaseId: "p", criterion: { id: "x" }, from: "PENDING", to: "FIRING", value: null, publicSummary: "x".repeat(5000) }]]);
    await deliverDueNotifications({ now: later(0) });
    const message = receiver.accepted.find((r) => r.path === "/long")!.json as { blocks: { type: string; text?: { text: string } }[] };
    const section = message.blocks.find((b) => b.type === "section")!;
    expect(section.text!.text.length).toBe(3000);
  });

  it("generic webhook: CloudEvents 1.0 structured mode, signed over timestamp and body; a receiver verifies it and refuses a replay", async () => {
    const rollout = await makeRollout();
    const created = await createChannel(admin.principal, rollout.id, { kind: "WEBHOOK", name: "hooks", url: `${receiver.url}/ce`, forRehearsals: false, enabled: true });
    const key = created.signingKey!;
    expect(key).toMatch(/^whsec_/);
    const seen = new Set<string>();
    receiver.answer((req) => {
      const check = verifySignature(key, { signature: req.headers[SIGNATURE_HEADER] as string, timestamp: req.headers[TIMESTAMP_HEADER] as string }, req.body);
      if (!check.ok) return { status: 401, body: check.reason };
      const id = (req.json as { id: string }).id;
      if (seen.has(id)) return { status: 409, body: "replay" };
      seen.add(id);
      return { status: 202 };
    });
    const [fire] = await record(rollout.id, [firing("crit-1")]);
    expect(await deliverDueNotifications({ now: later(0), publicUrl: "https://warroom.example" })).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const [req] = receiver.accepted;
    expect(req!.headers["content-type"]).toBe("application/cloudevents+json");
    expect(req!.json).toMatchObject({
      specversion: "1.0",
      id: `${created.channel.id}:${rollout.id}:${fire!.seq}`,
      source: `https://warroom.example/rollouts/${rollout.id}`,
      type: "io.warroom.trigger.firing",
      time: fire!.at,
      subject: "crit-1",
      data: { topic: "trigger.firing", severity: "critical", seq: fire!.seq, rollout: { id: rollout.id } },
    });
    // The same request again (a replay) is refused by the receiver; a tampered body fails the signature.
    const replay = await fetch(`${receiver.url}/ce`, { method: "POST", headers: { ...(req!.headers as Record<string, string>) }, body: req!.body });
    expect(replay.status).toBe(409);
    const tampered = await fetch(`${receiver.url}/ce`, { method: "POST", headers: { ...(req!.headers as Record<string, string>) }, body: req!.body.replace("FIRING", "NORMAL") });
    expect(tampered.status).toBe(401);
    expect(verifySignature(key, { signature: req!.headers[SIGNATURE_HEADER] as string, timestamp: req!.headers[TIMESTAMP_HEADER] as string }, req!.body, { nowSeconds: Math.floor(Date.now() / 1000) + 3600 })).toEqual({ ok: false, reason: "stale-timestamp" });
  });

  it("PagerDuty: trigger with dedup_key rollout + criterion, resolve with the same key, phase changes as change events", async () => {
    const rollout = await makeRollout();
    await createChannel(admin.principal, rollout.id, { kind: "PAGERDUTY", name: "pd", routingKey: "R0UTINGKEY0000000000000000000000", apiUrl: `${receiver.url}/pd`, forRehearsals: false, enabled: true });
    await record(rollout.id, [firing("crit-7"), resolved("crit-7"), ["rollout.started", { phase: { id: "p1", name: "Canary", trafficPercent: 10 } }]]);
    expect(await deliverDueNotifications({ now: later(0), publicUrl: "https://warroom.example" })).toEqual({ sent: 3, retrying: 0, failed: 0 });
    const [trigger, resolve, change] = receiver.accepted;
    expect(trigger!.path).toBe("/pd/v2/enqueue");
    expect(trigger!.json).toMatchObject({
      routing_key: "R0UTINGKEY0000000000000000000000",
      event_action: "trigger",
      dedup_key: `${rollout.id}:crit-7`,
      payload: { source: "checkout", severity: "critical" },
      links: [{ href: `https://warroom.example/rollouts/${rollout.id}` }],
    });
    expect((trigger!.json as { payload: { summary: string } }).payload.summary).toContain("is FIRING");
    expect(resolve!.path).toBe("/pd/v2/enqueue");
    expect(resolve!.json).toEqual({ routing_key: "R0UTINGKEY0000000000000000000000", event_action: "resolve", dedup_key: `${rollout.id}:crit-7` });
    expect(change!.path).toBe("/pd/v2/change/enqueue");
    expect(change!.json).toMatchObject({ routing_key: "R0UTINGKEY0000000000000000000000", payload: { source: "checkout" } });
  });
});

describe("retries", () => {
  it("retries 5xx and 429 (after Retry-After), never another 4xx; the log says why", async () => {
    const rollout = await makeRollout();
    const { channel } = await createChannel(admin.principal, rollout.id, { kind: "PAGERDUTY", name: "pd", routingKey: "k", apiUrl: `${receiver.url}/retry`, forRehearsals: false, enabled: true });
    const answers = [{ status: 503 }, { status: 429, headers: { "retry-after": "30" } }, { status: 202 }, { status: 400, body: "Event object is invalid" }];
    receiver.answer(() => answers.shift() ?? { status: 500 });
    await record(rollout.id, [firing("a")]);
    await record(rollout.id, [firing("b")]);
    const t0 = later(0);
    expect(await deliverDueNotifications({ now: t0, backoffMs: 1000 })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    let [, oldest] = await listDeliveries(channel.id);
    expect(oldest).toMatchObject({ state: "retrying", attempts: 1, lastStatus: 503 });
    expect(Date.parse(oldest!.nextAttemptAt!)).toBe(t0.getTime() + 1000);
    // Not due yet: nothing is sent, and the later row waits behind the oldest.
    expect(await deliverDueNotifications({ now: new Date(t0.getTime() + 999) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const t1 = new Date(t0.getTime() + 1000);
    expect(await deliverDueNotifications({ now: t1 })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    [, oldest] = await listDeliveries(channel.id);
    expect(oldest).toMatchObject({ state: "retrying", attempts: 2, lastStatus: 429 });
    expect(Date.parse(oldest!.nextAttemptAt!)).toBe(t1.getTime() + 30_000);
    expect(await deliverDueNotifications({ now: new Date(t1.getTime() + 30_000) })).toEqual({ sent: 1, retrying: 0, failed: 1 });
    const [newest, first] = await listDeliveries(channel.id);
    expect(first).toMatchObject({ state: "sent", attempts: 3, lastStatus: 202 });
    expect(newest).toMatchObject({ state: "failed", attempts: 1, lastStatus: 400, lastError: "HTTP 400: Event object is invalid" });
    expect(receiver.all).toHaveLength(4);
  });

  it("a receiver that is down and then back up gets every notification exactly once, in order", async () => {
    const rollout = await makeRollout();
    const down = await startReceiver();
    const port = down.port;
    const { channel } = await createChannel(admin.principal, rollout.id, { kind: "WEBHOOK", name: "down", url: `${down.url}/ce`, signingKey: "k".repeat(32), forRehearsals: false, enabled: true });
    await down.stop();
    const envelopes = [...(await record(rollout.id, [firing("a"), resolved("a")])), ...(await record(rollout.id, [firing("a")]))];
    let now = later(0);
    for (let i = 0; i < 3; i++) {
      expect(await deliverDueNotifications({ now, backoffMs: 1000 })).toEqual({ sent: 0, retrying: 1, failed: 0 });
      now = new Date(now.getTime() + 60_000);
    }
    const [, , oldest] = await listDeliveries(channel.id);
    expect(oldest).toMatchObject({ state: "retrying", attempts: 3, lastStatus: null });
    expect(oldest!.lastError).toContain("connection refused");
    expect(oldest!.lastError).not.toContain(String(port));

    const up = await startReceiver(port);
    try {
      for (let i = 0; i < 3; i++) await deliverDueNotifications({ now });
      const ids = up.accepted.map((r) => (r.json as { id: string }).id);
      expect(ids).toEqual(envelopes.map((e) => `${channel.id}:${rollout.id}:${e.seq}`));
      expect(new Set(ids).size).toBe(3);
      expect((await listDeliveries(channel.id)).map((d) => d.state)).toEqual(["sent", "sent", "sent"]);
    } finally {
      await up.stop();
    }
  });
});

describe("send test", () => {
  it("sends one message now and reports the channel's answer", async () => {
    const rollout = await makeRollout();
    const { channel } = await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "room", webhookUrl: `${receiver.url}/test-slack`, forRehearsals: false, enabled: true });
    expect(await sendTestMessage(channel.id, rollout.id)).toEqual({ kind: "sent", status: 200 });
    receiver.answer(() => ({ status: 404, body: "no_service" }));
    expect(await sendTestMessage(channel.id, rollout.id)).toEqual({ kind: "failed", status: 404, error: "HTTP 404: no_service" });
    expect(await getDb().notificationDelivery.count({ where: { channelId: channel.id } })).toBe(0);
  });
});
