import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createActionSchema } from "@/lib/schemas/actions";
import { makeRollout, makeUser } from "@/test/factories";
import { reapActionRuns, runDeadlineMs } from "./action-reaper";
import { createAction } from "./action-configs";
import { requestActionRun, runAutomaticRollback } from "./action-runs";

// A fault test: a real process runs an automatic rollback and is killed (SIGKILL) while the target holds the
// request. The run stays RUNNING; the reaper resolves it, and the same rollback may then run again.

let target: Server;
let targetUrl: string;
const received: { idempotencyKey: string | undefined }[] = [];
let answer: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
const held: ServerResponse[] = [];
let onRequest: (() => void) | null = null;

beforeAll(async () => {
  target = createServer((req, res) => {
    received.push({ idempotencyKey: req.headers["idempotency-key"] as string | undefined });
    req.resume();
    onRequest?.();
    if (answer) answer(req, res);
    else held.push(res); // hangs until the test lets go
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

async function rolloutWithRollback(extra: Record<string, unknown> = {}) {
  const admin = await makeUser("ADMIN");
  const rollout = await makeRollout();
  const action = await createAction(
    admin.principal,
    rollout.id,
    createActionSchema.parse({ kind: "ROLLBACK", name: "Rollback", url: `${targetUrl}/rollback`, allowedRoles: ["COMMANDER"], timeoutMs: 60_000, ...extra }),
  );
  return { rollout, action };
}

const eventsOf = (rolloutId: string, type: string) => getDb().rolloutEvent.count({ where: { rolloutId, type } });

describe("the action run reaper", () => {
  it("resolves a run whose process was killed mid-call, and lets the automatic rollback run again", async () => {
    const { rollout } = await rolloutWithRollback();
    const reason = "error_rate > 1% (fault test)";
    const arrived = new Promise<void>((resolve) => (onRequest = resolve));
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/run-automatic-rollback.ts", rollout.id, reason], { env: process.env, stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await arrived;
    child.kill("SIGKILL");
    await exited;
    onRequest = null;
    for (const res of held.splice(0)) res.destroy();

    const [left] = await getDb().actionRun.findMany({ where: { rolloutId: rollout.id } });
    expect(left).toMatchObject({ status: "RUNNING", finishedAt: null });
    // Before its deadline a run may still be in flight in a live process: left alone.
    expect(await reapActionRuns(new Date())).toMatchObject({ interrupted: 0 });
    const later = new Date(left!.startedAt!.getTime() + runDeadlineMs(60_000) + 1000);
    expect(await reapActionRuns(later)).toMatchObject({ interrupted: 1 });
    expect(await getDb().actionRun.findUniqueOrThrow({ where: { id: left!.id } })).toMatchObject({ status: "INTERRUPTED", finishedAt: later });
    expect(await eventsOf(rollout.id, "action.run.interrupted")).toBe(1);
    expect(await reapActionRuns(later)).toMatchObject({ interrupted: 0 });

    // The same automatic rollback runs again, with the same Idempotency-Key, and succeeds this time.
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    const again = await runAutomaticRollback(rollout.id, reason);
    answer = null;
    expect(again).toMatchObject({ status: "SUCCEEDED" });
    expect(again!.id).not.toBe(left!.id);
    expect(received.slice(-2).map((r) => r.idempotencyKey)).toEqual([left!.idempotencyKey, left!.idempotencyKey]);
    expect(await getDb().actionRun.findUniqueOrThrow({ where: { id: left!.id } })).toMatchObject({ status: "INTERRUPTED" });
  }, 60_000);

  it("records nothing more when the interrupted call finishes after all (action.run.finished at most once)", async () => {
    const { rollout, action } = await rolloutWithRollback();
    const commander = await makeUser("COMMANDER");
    const arrived = new Promise<void>((resolve) => (onRequest = resolve));
    const running = requestActionRun(commander.principal, action.id, { reason: "slow target", params: {} });
    await arrived;
    onRequest = null;
    const [run] = await getDb().actionRun.findMany({ where: { rolloutId: rollout.id } });
    await reapActionRuns(new Date(run!.startedAt!.getTime() + runDeadlineMs(60_000) + 1000));
    for (const res of held.splice(0)) res.writeHead(200).end("done late");
    expect((await running).run).toMatchObject({ status: "INTERRUPTED" });
    expect(await eventsOf(rollout.id, "action.run.finished")).toBe(0);
    expect(await eventsOf(rollout.id, "action.run.interrupted")).toBe(1);
  });

  it("expires a pending approval past its window, with an event", async () => {
    const { rollout, action } = await rolloutWithRollback({ requiresSecondApprover: true, approvalWindowMinutes: 5 });
    const commander = await makeUser("COMMANDER");
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "needs two", params: {} });
    expect(run.status).toBe("PENDING_APPROVAL");
    expect(await reapActionRuns(new Date(Date.now() + 60_000))).toMatchObject({ expired: 0 });
    expect(await reapActionRuns(new Date(Date.now() + 6 * 60_000))).toMatchObject({ expired: 1 });
    expect(await getDb().actionRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "EXPIRED" });
    expect(await eventsOf(rollout.id, "action.run.expired")).toBe(1);
  });
});
