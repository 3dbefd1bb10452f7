import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createActionSchema, type CreateActionInput } from "@/lib/schemas/actions";
import { createAction, listActionConfigs, updateAction } from "./action-configs";
import { approveActionRun, automaticRollbackKey, dryRunAction, failedRunError, rejectActionRun, requestActionRun, runAutomaticRollback } from "./action-runs";
import { listEventsAfter } from "./events";
import { startRollout } from "./phases";

// Actions against the demo target (a real HTTP server), a port with nothing listening, and real Postgres.

type User = Awaited<ReturnType<typeof makeUser>>;
const TOKEN = "demo-target-token-f00d";
let target: DemoTarget;
let admin: User, commander: User, deputy: User, engineer: User, viewer: User;
const extraServers: Server[] = [];

beforeAll(async () => {
  target = await startDemoTarget({ token: TOKEN });
  [admin, commander, deputy, engineer, viewer] = await Promise.all([
    makeUser("ADMIN", "Ada"),
    makeUser("COMMANDER", "Cole"),
    makeUser("COMMANDER", "Dee"),
    makeUser("ENGINEER"),
    makeUser("VIEWER"),
  ]);
});

afterAll(async () => {
  await target.close();
  for (const server of extraServers) await new Promise((resolve) => server.close(resolve));
});

const rollbackInput = (url = target.url, extra: Partial<CreateActionInput> = {}): CreateActionInput => ({
  kind: "ROLLBACK",
  name: "Rollback",
  url: `${url}/api/admin/rollback`,
  headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }],
  bodyTemplate: '{"reason": "{{reason}}"}',
  allowedRoles: ["COMMANDER"],
  ...extra,
});

const trafficInput = (extra: Partial<CreateActionInput> = {}): CreateActionInput => ({
  kind: "SET_TRAFFIC",
  name: "Set traffic",
  url: `${target.url}/api/admin/feature-flags`,
  headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }],
  bodyTemplate: '{"percentage": {{percentage}}, "reason": "{{reason}}"}',
  allowedRoles: ["COMMANDER"],
  ...extra,
});

async function newAction(input: CreateActionInput, rolloutId?: string) {
  const id = rolloutId ?? (await makeRollout()).id;
  const action = await createAction(admin.principal, id, createActionSchema.parse(input));
  return { rolloutId: id, action };
}

const callsWithKey = (key: string) => target.adminCalls().filter((c) => c.idempotencyKey === key);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("configuration", () => {
  it("stores the secret header encrypted and shows it masked; only admins configure", async () => {
    const { rolloutId, action } = await newAction(rollbackInput(target.url, { headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }, { name: "X-Env", value: "prod", secret: false }] }));
    expect(action.headers).toEqual([
      { name: "X-Env", value: "prod", secret: false },
      { name: "Authorization", value: "••••", secret: true },
    ]);
    const row = await getDb().action.findUniqueOrThrow({ where: { id: action.id } });
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    expect(JSON.stringify(await listActionConfigs(admin.principal, rolloutId))).not.toContain(TOKEN);
    await expect(listActionConfigs(commander.principal, rolloutId)).rejects.toMatchObject({ status: 403 });
    await expect(createAction(commander.principal, rolloutId, createActionSchema.parse(rollbackInput()))).rejects.toMatchObject({ status: 403 });
  });

  it("keeps a secret sent back without a value, and wants a value for a new one", async () => {
    const { rolloutId, action } = await newAction(rollbackInput());
    const renamed = await updateAction(admin.principal, action.id, { name: "Roll back now", headers: [{ name: "authorization", secret: true }] });
    expect(renamed.name).toBe("Roll back now");
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "still authorised", params: {} });
    expect(run.status).toBe("SUCCEEDED");
    await expect(updateAction(admin.principal, action.id, { headers: [{ name: "X-New-Secret", secret: true }] })).rejects.toMatchObject({
      status: 400,
      fields: { "headers.0.value": ["is required"] },
    });
    await expect(createAction(admin.principal, rolloutId, createActionSchema.parse(trafficInput({ bodyTemplate: '{"reason": "{{reason}}"}' })))).rejects.toMatchObject({
      status: 400,
      fields: { bodyTemplate: [expect.stringContaining("percentage")] },
    });
  });
});

describe("running", () => {
  it("records the run and its events, calls the target once with the key, and masks the request", async () => {
    const { rolloutId, action } = await newAction(rollbackInput());
    const { lastSeq } = await listEventsAfter(rolloutId, 0);
    const { run, replayed } = await requestActionRun(commander.principal, action.id, { reason: "error budget burnt", params: {}, idempotencyKey: "rb-1" });
    expect(replayed).toBe(false);
    expect(run).toMatchObject({ status: "SUCCEEDED", responseStatus: 200, attempts: 1, error: null, requestedBy: { id: commander.id }, action: { name: "Rollback", kind: "ROLLBACK" } });
    expect(run.request).toEqual({
      method: "POST",
      url: `${target.url}/api/admin/rollback`,
      headers: { Authorization: "••••", "Content-Type": "application/json", "Idempotency-Key": "rb-1" },
      body: '{"reason": "error budget burnt"}',
    });
    expect(callsWithKey("rb-1")).toMatchObject([{ path: "/api/admin/rollback", authorized: true, body: { reason: "error budget burnt" } }]);
    expect(target.state().rolledBack).toBe(true);

    const { events } = await listEventsAfter(rolloutId, lastSeq);
    expect(events.map((e) => e.type)).toEqual(["action.run.started", "action.run.finished"]);
    expect(events[1]!.data.run).toMatchObject({ id: run.id, status: "SUCCEEDED" });
    expect(events[1]!.data.run).not.toHaveProperty("request");
    expect(events[1]!.data.run).not.toHaveProperty("responseExcerpt");
  });

  it("answers a repeated key with the existing run and never calls the target twice, even concurrently", async () => {
    const { action } = await newAction(rollbackInput());
    const input = { reason: "retry me", params: {}, idempotencyKey: "rb-same" };
    const [a, b] = await Promise.all([requestActionRun(commander.principal, action.id, input), requestActionRun(commander.principal, action.id, input)]);
    expect(a.run.id).toBe(b.run.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    const again = await requestActionRun(commander.principal, action.id, input);
    expect(again).toMatchObject({ replayed: true, run: { id: a.run.id, status: "SUCCEEDED" } });
    expect(callsWithKey("rb-same")).toHaveLength(1);
    expect(await getDb().actionRun.count({ where: { actionId: action.id } })).toBe(1);
    await expect(requestActionRun(commander.principal, action.id, { ...input, reason: "something else" })).rejects.toMatchObject({ status: 409 });
  });

  it("records one failed run with a clear error when the target is down", async () => {
    const port = await closedPort();
    const { rolloutId, action } = await newAction(rollbackInput(`http://127.0.0.1:${port}`));
    const { lastSeq } = await listEventsAfter(rolloutId, 0);
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "down?", params: {}, idempotencyKey: "down-1" });
    expect(run).toMatchObject({ status: "FAILED", responseStatus: null, attempts: 3, error: "Could not reach the target (connection refused) after 3 attempts" });
    expect(failedRunError(run)).toMatchObject({ status: 502, code: "bad_gateway", message: "Rollback failed: Could not reach the target (connection refused) after 3 attempts" });
    expect(await getDb().actionRun.count({ where: { actionId: action.id } })).toBe(1);
    const { events } = await listEventsAfter(rolloutId, lastSeq);
    expect(events.map((e) => [e.type, (e.data.run as { status: string }).status])).toEqual([
      ["action.run.started", "RUNNING"],
      ["action.run.finished", "FAILED"],
    ]);
    // Retrying with the same key returns the failed run; it does not call again.
    expect((await requestActionRun(commander.principal, action.id, { reason: "down?", params: {}, idempotencyKey: "down-1" })).replayed).toBe(true);
  });

  it("retries a 5xx of a target declared idempotent and records the attempts", async () => {
    let calls = 0;
    const flaky = createServer((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 502 : 200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    extraServers.push(flaky);
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const { action } = await newAction({ ...rollbackInput(`http://127.0.0.1:${(flaky.address() as AddressInfo).port}`), targetIdempotent: true });
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "flaky", params: {} });
    expect(run).toMatchObject({ status: "SUCCEEDED", attempts: 2, responseStatus: 200, responseExcerpt: '{"ok":true}' });
    expect(calls).toBe(2);
  });

  it("records a target that hangs as one failed run after the action's timeout", async () => {
    let calls = 0;
    const hanging = createServer(() => {
      calls++; // never answers
    });
    extraServers.push(hanging);
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const { action } = await newAction(rollbackInput(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, { timeoutMs: 200 }));
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "hang", params: {} });
    expect(run).toMatchObject({ status: "FAILED", responseStatus: null, attempts: 1, error: expect.stringContaining("did not answer within 200 ms") });
    expect(calls).toBe(1);
    hanging.closeAllConnections();
  });

  it("needs the percentage for set-traffic (400, nothing recorded) and sends it", async () => {
    const { action } = await newAction(trafficInput());
    await expect(requestActionRun(commander.principal, action.id, { reason: "no %", params: {} })).rejects.toMatchObject({ status: 400, fields: { "params.percentage": expect.any(Array) } });
    expect(await getDb().actionRun.count({ where: { actionId: action.id } })).toBe(0);
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "custom", params: { percentage: 35 } });
    expect(run.status).toBe("SUCCEEDED");
    expect(target.state().trafficPercent).toBe(35);
  });

  it("lets only the allowed roles run (admins run anything), never engineers or viewers", async () => {
    const { action } = await newAction(rollbackInput(target.url, { allowedRoles: ["ADMIN"] }));
    await expect(requestActionRun(commander.principal, action.id, { reason: "x", params: {} })).rejects.toMatchObject({ status: 403 });
    await expect(requestActionRun(engineer.principal, action.id, { reason: "x", params: {} })).rejects.toMatchObject({ status: 403 });
    await expect(requestActionRun(viewer.principal, action.id, { reason: "x", params: {} })).rejects.toMatchObject({ status: 403 });
    const { action: open } = await newAction(rollbackInput());
    expect((await requestActionRun(admin.principal, open.id, { reason: "admin", params: {} })).run.status).toBe("SUCCEEDED");
    await expect(requestActionRun(commander.principal, "no-such-action", { reason: "x", params: {} })).rejects.toMatchObject({ status: 404 });
  });
});

describe("two-person rule", () => {
  it("waits for a second commander or admin, not the requester, then runs", async () => {
    const { action } = await newAction(rollbackInput(target.url, { requiresSecondApprover: true, approvalWindowMinutes: 5 }));
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "two keys", params: {}, idempotencyKey: "two-1" });
    expect(run.status).toBe("PENDING_APPROVAL");
    expect(new Date(run.expiresAt!).getTime() - new Date(run.createdAt).getTime()).toBe(5 * 60_000);
    expect(callsWithKey("two-1")).toHaveLength(0);

    await expect(approveActionRun(commander.principal, run.id)).rejects.toMatchObject({ status: 403 });
    await expect(approveActionRun(engineer.principal, run.id)).rejects.toMatchObject({ status: 403 });
    const approved = await approveActionRun(deputy.principal, run.id);
    expect(approved).toMatchObject({ status: "SUCCEEDED", approvedBy: { id: deputy.id }, requestedBy: { id: commander.id } });
    expect(callsWithKey("two-1")).toHaveLength(1);
    await expect(approveActionRun(admin.principal, run.id)).rejects.toMatchObject({ status: 409 });
  });

  it("expires after the window, and can be rejected", async () => {
    const { rolloutId, action } = await newAction(rollbackInput(target.url, { requiresSecondApprover: true }));
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "late", params: {} });
    await getDb().actionRun.update({ where: { id: run.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(approveActionRun(deputy.principal, run.id)).rejects.toMatchObject({ status: 409 });
    expect((await getDb().actionRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("EXPIRED");
    const { events } = await listEventsAfter(rolloutId, 0);
    expect(events.at(-1)).toMatchObject({ type: "action.run.expired", actor: { id: deputy.id } });

    const second = await requestActionRun(commander.principal, action.id, { reason: "again", params: {} });
    expect((await rejectActionRun(deputy.principal, second.run.id, { reason: "not needed" })).status).toBe("REJECTED");
    expect(target.adminCalls().filter((c) => c.body && (c.body as { reason?: string }).reason === "again")).toHaveLength(0);
  });

  it("refuses an approval when the action changed after the request", async () => {
    const { action } = await newAction(rollbackInput(target.url, { requiresSecondApprover: true }));
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "before change", params: {} });
    await updateAction(admin.principal, action.id, { url: `${target.url}/api/admin/feature-flags` });
    await expect(approveActionRun(deputy.principal, run.id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining("reconfigured") });
  });
});

describe("dry run", () => {
  it("shows the request with secrets masked and checks the connection without calling the route", async () => {
    const { action } = await newAction(trafficInput());
    const before = target.adminCalls().length;
    const result = await dryRunAction(commander.principal, action.id, { reason: "what if", params: { percentage: 50 }, idempotencyKey: "dry-1" });
    expect(result.request.headers).toEqual({ Authorization: "••••", "Content-Type": "application/json", "Idempotency-Key": "dry-1" });
    expect(JSON.parse(result.request.body!)).toEqual({ percentage: 50, reason: "what if" });
    expect(result.reachability).toMatchObject({ reachable: true });
    expect(target.adminCalls()).toHaveLength(before);
    expect(await getDb().actionRun.count({ where: { actionId: action.id } })).toBe(0);

    const port = await closedPort();
    const { action: down } = await newAction(rollbackInput(`http://127.0.0.1:${port}`));
    expect((await dryRunAction(commander.principal, down.id, { params: {} })).reachability).toEqual({ reachable: false, latencyMs: null, error: "connection refused" });
    await expect(dryRunAction(engineer.principal, down.id, { params: {} })).rejects.toMatchObject({ status: 403 });
  });
});

describe("runAutomaticRollback", () => {
  it("runs the rollback action as War Room once per reason, skipping the two-person rule, and rolls the rollout back", async () => {
    const rollout = await makeRollout({ ...smallRunbook(), gates: [] });
    await newAction(rollbackInput(target.url, { requiresSecondApprover: true }), rollout.id);
    await startRollout(commander.principal, rollout.id, {});
    const reason = "Error rate > 1% for 5 minutes (since 12:03)";
    const run = await runAutomaticRollback(rollout.id, reason);
    expect(run).toMatchObject({ status: "SUCCEEDED", requestedBy: null, idempotencyKey: automaticRollbackKey(rollout.id, reason) });
    const again = await runAutomaticRollback(rollout.id, reason);
    expect(again?.id).toBe(run?.id);
    expect(callsWithKey(automaticRollbackKey(rollout.id, reason))).toHaveLength(1);

    const { events } = await listEventsAfter(rollout.id, 0);
    const finished = events.find((e) => e.type === "action.run.finished")!;
    expect(finished.actor).toEqual({ id: null, name: "War Room" });
    expect(finished.data.rollout).toMatchObject({ status: "ROLLED_BACK" });
    expect(await getDb().rollout.findUniqueOrThrow({ where: { id: rollout.id }, select: { status: true } })).toEqual({ status: "ROLLED_BACK" });
    expect(await getDb().phase.findFirstOrThrow({ where: { rolloutId: rollout.id }, select: { status: true } })).toEqual({ status: "ROLLED_BACK" });
  });

  it("returns null when the rollout has no rollback action", async () => {
    const rollout = await makeRollout();
    expect(await runAutomaticRollback(rollout.id, "anything")).toBeNull();
  });
});
