import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runWhileLeader, type Leadership } from "./leader";

// Two (or three) "processes" competing for the workers lock on one real database.

const started: Leadership[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((l) => l.stop()));
});

function contender(name: string, log: string[], lockKey: bigint) {
  const leadership = runWhileLeader({
    databaseUrl: process.env.DATABASE_URL!,
    retryMs: 50,
    lockKey,
    log: () => undefined,
    onLead: () => {
      log.push(`${name} started`);
      return { stop: async () => void log.push(`${name} stopped`) };
    },
  });
  started.push(leadership);
  return leadership;
}

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

describe("runWhileLeader", () => {
  it("runs the workers in one process at a time, and hands over when the leader stops", async () => {
    const log: string[] = [];
    const a = contender("a", log, 101n);
    const b = contender("b", log, 101n);
    await waitFor(() => expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1));
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
    const leaderName = leader === a ? "a" : "b";
    const followerName = leader === a ? "b" : "a";
    expect(log).toEqual([`${leaderName} started`]);

    await leader.stop();
    await waitFor(() => expect(follower.isLeader()).toBe(true));
    // Never both: the follower started only after the leader had stopped.
    expect(log).toEqual([`${leaderName} started`, `${leaderName} stopped`, `${followerName} started`]);
  });

  it("stops the workers at once when its lock connection dies, and someone leads again", async () => {
    const log: string[] = [];
    const a = contender("a", log, 202n);
    await waitFor(() => expect(a.isLeader()).toBe(true));
    const b = contender("b", log, 202n);

    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = 202",
      );
      expect(rows).toHaveLength(1);
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    await waitFor(() => expect(log).toContain("a stopped"));
    await waitFor(() => expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1));
    expect(log.filter((line) => line.endsWith("started"))).toHaveLength(2);
  });

  it("uses independent locks for independent keys", async () => {
    const log: string[] = [];
    const a = contender("a", log, 303n);
    const b = contender("b", log, 304n);
    await waitFor(() => expect([a.isLeader(), b.isLeader()]).toEqual([true, true]));
  });
});
