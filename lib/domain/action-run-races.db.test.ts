import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { createActionSchema } from "@/lib/schemas/actions";
import { makeRollout, makeUser } from "@/test/factories";
import { startReceiver, type Receiver } from "@/test/receivers";
import { createAction } from "./action-configs";
import { approveActionRun, requestActionRun } from "./action-runs";
import type * as Events from "./events";

// Two races of a run against the database, each forced to happen rather than hoped for:
//   - an action deleted between the approval's first look at it and the approval's transaction;
//   - the commit recording a run's outcome succeeds but its reply is lost, so the outcome is recorded again.

// A lost commit reply, injected at the boundary between the domain and the database: when `loseNextReplyOf` is
// set, the next change that records that event type commits for real and then fails as if the connection had
// dropped before the reply arrived.
let loseNextReplyOf: string | null = null;
vi.mock("./events", async (importOriginal) => {
  const real = await importOriginal<typeof Events>();
  const changeRollout: typeof real.changeRollout = async (ref, actor, change) => {
    const committed = await real.changeRollout(ref, actor, change);
    if (loseNextReplyOf && committed.events.some((e) => e.type === loseNextReplyOf)) {
      loseNextReplyOf = null;
      throw new Error("Connection terminated unexpectedly (the commit's reply was lost)");
    }
    return committed;
  };
  return { ...real, changeRollout };
});

let target: Receiver;
const calls = () => target.all.length;

beforeAll(async () => {
  target = await startReceiver();
  target.answer(() => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' }));
});
afterAll(() => target.stop());

async function rollback(extra: Record<string, unknown> = {}) {
  const admin = await makeUser("ADMIN");
  const rollout = await makeRollout();
  const action = await createAction(
    admin.principal,
    rollout.id,
    createActionSchema.parse({ kind: "ROLLBACK", name: "Rollback", url: `${target.url}/rollback`, allowedRoles: ["COMMANDER"], ...extra }),
  );
  return { rollout, action };
}

const eventTypes = async (rolloutId: string) =>
  (await getDb().rolloutEvent.findMany({ where: { rolloutId }, orderBy: { seq: "asc" }, select: { type: true } })).map((e) => e.type);

/** Resolves once some other backend is waiting for a lock that backend `pid` holds. */
async function someoneWaitsOn(pid: number) {
  for (;;) {
    const [row] = await getDb().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`;
    if (row!.n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("an action deleted while its run waits for approval", () => {
  it("does not run when the delete commits after the approval first read the action", async () => {
    const { rollout, action } = await rollback({ requiresSecondApprover: true });
    const [commander, deputy] = await Promise.all([makeUser("COMMANDER"), makeUser("COMMANDER")]);
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "needs two", params: {} });
    expect(run.status).toBe("PENDING_APPROVAL");
    const callsBefore = calls();

    // A second connection deletes the action under the rollout's lock and holds the transaction open: the
    // approval reads the action as not deleted (the delete is not committed), then waits for the lock. Only
    // once it waits does the delete commit, so the approval's transaction starts after the delete.
    let commitDelete!: () => void;
    const deleteMayCommit = new Promise<void>((resolve) => (commitDelete = resolve));
    let deleterPid!: (pid: number) => void;
    const deleterStarted = new Promise<number>((resolve) => (deleterPid = resolve));
    const deleting = getDb().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Rollout" WHERE id = ${rollout.id} FOR UPDATE`;
        await tx.action.update({ where: { id: action.id }, data: { deletedAt: new Date() } });
        const [{ pid }] = await tx.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
        deleterPid(pid);
        await deleteMayCommit;
      },
      { timeout: 30_000 },
    );
    const pid = await deleterStarted;
    const approving = approveActionRun(deputy.principal, run.id).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await someoneWaitsOn(pid);
    commitDelete();
    await deleting;

    const outcome = await approving;
    expect(outcome).toMatchObject({ ok: false, error: { status: 409, message: expect.stringContaining("deleted") } });
    expect(calls()).toBe(callsBefore);
    expect(await getDb().actionRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, approvedById: true } })).toEqual({
      status: "PENDING_APPROVAL",
      approvedById: null,
    });
    expect(await eventTypes(rollout.id)).not.toContain("action.run.approved");
  });
});

describe("recording a run's outcome when the commit's reply is lost", () => {
  it("records action.run.finished once: the retry finds the run finished and appends nothing", async () => {
    const { rollout, action } = await rollback();
    const commander = await makeUser("COMMANDER");
    const callsBefore = calls();
    loseNextReplyOf = "action.run.finished";
    const { run } = await requestActionRun(commander.principal, action.id, { reason: "reply lost", params: {} });
    expect(loseNextReplyOf).toBeNull(); // the reply was lost once, so recording the outcome was retried
    expect(run).toMatchObject({ status: "SUCCEEDED", responseStatus: 200 });
    expect(calls() - callsBefore).toBe(1);
    const types = await eventTypes(rollout.id);
    expect(types.filter((t) => t === "action.run.finished")).toHaveLength(1);
    expect(types.filter((t) => t.startsWith("action.run."))).toEqual(["action.run.started", "action.run.finished"]);
    expect((await getDb().rollout.findUniqueOrThrow({ where: { id: rollout.id }, select: { status: true } })).status).toBe("DRAFT");
  });
});
