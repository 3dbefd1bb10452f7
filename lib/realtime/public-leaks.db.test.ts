import { io as connect, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { changeRollout } from "@/lib/domain/events";
import { createShareToken } from "@/lib/domain/tokens";
import { withRealtimeTestServer } from "@/test/realtime-server";
import { EVALUATION_CHANNEL, type EventEnvelope } from "@/lib/schemas/events";
import { METRICS_CHANNEL } from "@/lib/schemas/metrics";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "./contract";
import { publishVolatile } from "./publisher";

// What a share-token socket receives, against the real socket.io server: a metric source's error text and an
// action's name and outcome stay inside; the stakeholder reads "source unavailable" and "Rolled back to the
// previous version". A member's socket, in the same rollout, still gets the details.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const server = withRealtimeTestServer();
const open: Client[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
});

async function joined(token: string, rolloutId: string): Promise<{ socket: Client; live: { channel: string; payload: unknown }[]; events: EventEnvelope[] }> {
  const socket: Client = connect(server.url, { auth: { token }, transports: ["websocket"] });
  open.push(socket);
  const live: { channel: string; payload: unknown }[] = [];
  const events: EventEnvelope[] = [];
  socket.on("live", (message) => live.push(message));
  onCommittedEvents(socket, (batch) => events.push(...batch));
  const ack = await socket.emitWithAck("join", { rolloutId });
  expect(ack).toMatchObject({ ok: true });
  return { socket, live, events };
}

async function until(check: () => boolean) {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

describe("the stakeholder's socket", () => {
  it("gets 'source unavailable' for a failing source, never its error text, and no evaluator or presence details", async () => {
    const commander = await makeUser("COMMANDER");
    const rollout = await makeRollout();
    const share = await createShareToken(commander.principal, rollout.id, {});
    const stakeholder = await joined(share.token, rollout.id);
    const member = await joined(commander.apiToken, rollout.id);

    const error = "ECONNREFUSED 127.0.0.1:3999 <html><title>Internal admin</title>";
    publishVolatile(rollout.id, EVALUATION_CHANNEL, { phaseId: "p", evaluatedAt: new Date().toISOString(), verdict: "FAIL", reasons: [], criteria: [] });
    // Volatile messages are dropped while a socket's previous one is still being written: one at a time.
    await until(() => member.live.some((m) => m.channel === EVALUATION_CHANNEL));
    publishVolatile(rollout.id, METRICS_CHANNEL, { updates: [{ tileId: "t1", key: "error_rate", at: Date.now(), error }, { tileId: "t2", key: "latency_p95", at: Date.now(), value: 241 }] });

    await until(() => member.live.some((m) => m.channel === METRICS_CHANNEL) && stakeholder.live.some((m) => m.channel === METRICS_CHANNEL));
    expect(JSON.stringify(member.live)).toContain("ECONNREFUSED");
    expect(JSON.stringify(stakeholder.live)).not.toContain("ECONNREFUSED");
    expect(JSON.stringify(stakeholder.live)).not.toContain("Internal admin");
    expect(stakeholder.live.map((m) => m.channel)).toEqual([METRICS_CHANNEL]);
    expect(stakeholder.live[0]!.payload).toMatchObject({ updates: [{ tileId: "t1", error: "source unavailable" }, { tileId: "t2", value: 241 }] });
  });

  it("gets no action name or outcome in events: only that the rollout was rolled back", async () => {
    const commander = await makeUser("COMMANDER");
    const rollout = await makeRollout();
    const share = await createShareToken(commander.principal, rollout.id, {});
    const stakeholder = await joined(share.token, rollout.id);
    const run = { id: "run1", status: "FAILED", responseStatus: 503, params: null, action: { id: "a1", name: "Payments-internal rollback hook", kind: "ROLLBACK" } };
    await changeRollout(rollout.id, SYSTEM_ACTOR, async (_tx, record) => {
      await record("action.run.finished", { run: run as never });
      await record("action.run.finished", { run: { ...run, status: "SUCCEEDED", responseStatus: 200 } as never, rollout: { id: rollout.id, status: "ROLLED_BACK" } as never, phases: [] });
    });
    await until(() => stakeholder.events.length === 2);
    expect(JSON.stringify(stakeholder.events)).not.toContain("Payments-internal");
    expect(JSON.stringify(stakeholder.events)).not.toContain("503");
    expect(stakeholder.events.map((e) => e.data.summary)).toEqual([null, "Rolled back to the previous version"]);
  });
});
