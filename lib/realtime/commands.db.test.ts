import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createAction } from "@/lib/domain/action-configs";
import { requestActionRun } from "@/lib/domain/action-runs";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createShareToken } from "@/lib/domain/tokens";
import { createActionSchema } from "@/lib/schemas/actions";
import type { CommandAck } from "@/lib/schemas/commands";
import type { EventEnvelope } from "@/lib/schemas/events";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "./contract";
import { startRealtimeTestServer } from "@/test/realtime-server";

// Phase control, sign-offs and actions over the socket: the same rules as HTTP (403 for viewers, engineers and
// share links on every command), and everyone in the room sees the result.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type User = Awaited<ReturnType<typeof makeUser>>;

const TOKEN = "socket-target-token";
let server: Awaited<ReturnType<typeof startRealtimeTestServer>>;
let url: string;
let target: DemoTarget;
const clients: Client[] = [];
let admin: User, commander: User, deputy: User, engineer: User, viewer: User;

beforeAll(async () => {
  server = await startRealtimeTestServer();
  url = server.url;
  target = await startDemoTarget({ token: TOKEN, badBuildAbovePercent: 100 });
  [admin, commander, deputy, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER", "Cole"), makeUser("COMMANDER"), makeUser("ENGINEER"), makeUser("VIEWER")]);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  await target.close();
});

async function open(auth: { token?: string; cookie?: string }): Promise<Client> {
  const client: Client = connect(url, {
    transports: ["websocket"],
    auth: auth.token ? { token: auth.token } : undefined,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : undefined,
    reconnection: false,
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("connect_error", reject);
  });
  return client;
}

const command = (client: Client, request: unknown) => new Promise<CommandAck>((resolve) => client.emit("command", request, resolve));

async function rolloutWithRollback() {
  const rollout = await makeRollout({
    name: `Socket ${Math.random().toString(36).slice(2, 8)}`,
    service: "checkout",
    sections: [{ title: "Pre-deployment", items: [{ text: "Backups verified" }] }],
    phases: [
      { name: "Canary", trafficPercent: 10 },
      { name: "Half", trafficPercent: 50 },
    ],
    gates: [{ kind: "GO_LIVE", name: "Go-live authorization", requiredRoles: ["COMMANDER"] }],
  });
  const action = await createAction(
    admin.principal,
    rollout.id,
    createActionSchema.parse({
      kind: "ROLLBACK",
      name: "Rollback",
      url: `${target.url}/api/admin/rollback`,
      headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }],
      bodyTemplate: '{"reason": "{{reason}}"}',
      allowedRoles: ["COMMANDER"],
    }),
  );
  const twoPerson = await createAction(
    admin.principal,
    rollout.id,
    createActionSchema.parse({ kind: "KILL_SWITCH", name: "Kill switch", url: `${target.url}/api/admin/feature-flags`, headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }], bodyTemplate: '{"killSwitch": true}', allowedRoles: ["COMMANDER"], requiresSecondApprover: true }),
  );
  const state = await getRolloutState(rollout.id);
  return { id: rollout.id, action, twoPerson, gate: state.gates[0]!, phases: state.phases };
}

describe("command", () => {
  it("answers 403 to viewers, engineers and share links for every command, and changes nothing", async () => {
    const r = await rolloutWithRollback();
    const { run } = await requestActionRun(commander.principal, r.twoPerson.id, { reason: "needs two", params: {} });
    const commands = [
      { type: "rollout.start", rolloutId: r.id, input: {} },
      { type: "rollout.promote", rolloutId: r.id, input: {} },
      { type: "rollout.pause", rolloutId: r.id, input: {} },
      { type: "rollout.resume", rolloutId: r.id, input: {} },
      { type: "rollout.abort", rolloutId: r.id, input: { reason: "x" } },
      { type: "gate.sign", gateId: r.gate.id, input: { decision: "GO" } },
      { type: "action.run", actionId: r.action.id, input: { reason: "x" } },
      { type: "action.dryRun", actionId: r.action.id, input: {} },
      { type: "actionRun.approve", runId: run.id, input: {} },
      { type: "actionRun.reject", runId: run.id, input: {} },
    ];
    const share = await createShareToken(commander.principal, r.id);
    const before = (await getRolloutState(r.id)).lastSeq;
    const calls = target.adminCalls().length;
    for (const [who, auth] of [
      ["viewer", { cookie: viewer.cookie }],
      ["engineer", { token: engineer.apiToken }],
      ["share link", { token: share.token }],
    ] as const) {
      const client = await open(auth);
      for (const request of commands) {
        const ack = await command(client, request);
        expect([who, request.type, ack]).toEqual([who, request.type, { ok: false, error: expect.objectContaining({ status: 403, code: "forbidden" }) }]);
      }
    }
    expect((await getRolloutState(r.id)).lastSeq).toBe(before);
    expect(target.adminCalls()).toHaveLength(calls);
  });

  it("answers bad commands with 400 naming the field, and unknown ids with 404", async () => {
    const client = await open({ token: commander.apiToken });
    expect(await command(client, null)).toMatchObject({ ok: false, error: { status: 400 } });
    const unknownType = await command(client, { type: "rollout.explode", rolloutId: "x", input: {} });
    expect(unknownType).toMatchObject({ ok: false, error: { status: 400, fields: { type: expect.any(Array) } } });
    const noReason = await command(client, { type: "rollout.abort", rolloutId: "x", input: {} });
    expect(noReason).toMatchObject({ ok: false, error: { status: 400, fields: { "input.reason": expect.any(Array) } } });
    expect(await command(client, { type: "rollout.start", rolloutId: "no-such-rollout", input: {} })).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("lets a commander sign, start, promote and roll back over the socket while a viewer watches live", async () => {
    const r = await rolloutWithRollback();
    const watcher = await open({ cookie: viewer.cookie });
    const seen: EventEnvelope[] = [];
    onCommittedEvents(watcher, (batch) => seen.push(...batch));
    await new Promise((resolve) => watcher.emit("join", { rolloutId: r.id }, resolve));

    const cole = await open({ cookie: commander.cookie });
    expect(await command(cole, { type: "gate.sign", gateId: r.gate.id, input: { decision: "GO", trafficPercent: 10 } })).toMatchObject({ ok: true });
    expect(await command(cole, { type: "rollout.start", rolloutId: r.id, input: {} })).toMatchObject({ ok: true, result: { rollout: { status: "ACTIVE" } } });
    expect(await command(cole, { type: "rollout.promote", rolloutId: r.id, input: { toPhaseId: r.phases[1]!.id, override: { reason: "socket test: promoting before a verdict" } } })).toMatchObject({ ok: true });
    const rolledBack = await command(cole, { type: "action.run", actionId: r.action.id, input: { reason: "socket rollback", idempotencyKey: "sock-1" } });
    expect(rolledBack).toMatchObject({ ok: true, result: { run: { status: "SUCCEEDED" }, replayed: false } });
    expect(await command(cole, { type: "action.run", actionId: r.action.id, input: { reason: "socket rollback", idempotencyKey: "sock-1" } })).toMatchObject({ ok: true, result: { replayed: true } });
    expect(target.adminCalls().filter((c) => c.idempotencyKey === "sock-1")).toHaveLength(1);

    // Two-person rule over the socket: the requester cannot approve, a second commander can.
    const pending = await command(cole, { type: "action.run", actionId: r.twoPerson.id, input: { reason: "two" } });
    const runId = ((pending as { result: { run: { id: string } } }).result.run.id);
    expect(await command(cole, { type: "actionRun.approve", runId, input: {} })).toMatchObject({ ok: false, error: { status: 403 } });
    const dee = await open({ token: deputy.apiToken });
    expect(await command(dee, { type: "actionRun.approve", runId, input: {} })).toMatchObject({ ok: true, result: { run: { status: "SUCCEEDED" } } });

    const finished = await new Promise<EventEnvelope>((resolve) => {
      const check = () => {
        const last = seen.find((e) => e.type === "action.run.finished" && (e.data.run as { action: { kind: string } }).action.kind === "KILL_SWITCH");
        if (last) resolve(last);
        else {
          const stop = onCommittedEvents(watcher, () => (stop(), check()));
        }
      };
      check();
    });
    expect(finished.actor.id).toBe(deputy.id);
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(["signoff.recorded", "rollout.started", "phase.promoted", "action.run.started", "action.run.finished", "action.run.requested", "action.run.approved"]),
    );
    expect(seen.find((e) => e.type === "action.run.finished")!.data.rollout).toMatchObject({ status: "ROLLED_BACK" });
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });
});
