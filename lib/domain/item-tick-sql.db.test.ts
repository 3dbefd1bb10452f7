import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import type { EventEnvelope } from "@/lib/schemas/events";
import { updateItem } from "./checklists";
import { registerEventHook } from "./event-hooks";
import { listEventsAfter } from "./events";
import { itemTickSql, type ItemTickParams, type ItemTickRow } from "./item-tick-sql";
import { getRolloutState } from "./rollouts";

// The tick statement under writers the in-process queue does not serialise (other processes): each on its own
// connection, all at once. The rollout's lock and the locked item row must keep versions, seqs and previous
// states exact.

let pool: pg.Pool;
let engineer: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 12 });
  engineer = await makeUser("ENGINEER", "Erin");
});
afterAll(() => pool.end());

async function tickOnOwnConnection(params: ItemTickParams): Promise<ItemTickRow> {
  const sql = itemTickSql(params);
  const { rows } = await pool.query<ItemTickRow>(sql.text, sql.values as unknown[]);
  return rows[0]!;
}

describe("the tick statement with writers on separate connections", () => {
  it("lets exactly one of twelve writers with the same expected version win", async () => {
    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const base = { rolloutId: rollout.id, itemId: item.id, setNote: false, note: null, userId: engineer.id, actorId: engineer.id, actorName: "Erin" };
    const rows = await Promise.all(Array.from({ length: 12 }, () => tickOnOwnConnection({ ...base, state: "DONE", expectedVersion: 1 })));
    expect(rows.filter((r) => r.item !== null)).toHaveLength(1);
    expect(rows.filter((r) => r.item === null).map((r) => r.currentVersion)).toEqual(Array(11).fill(2));
    expect((await getRolloutState(rollout.id)).items[0]).toMatchObject({ version: 2, state: "DONE" });
  });

  it("numbers twelve unconditional writers' versions and seqs gap-free, each event naming the state it replaced", async () => {
    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const { lastSeq } = await listEventsAfter(rollout.id, 0);
    const states = ["DONE", "OPEN", "BLOCKED", "SKIPPED"] as const;
    const base = { rolloutId: rollout.id, itemId: item.id, expectedVersion: null, setNote: true, userId: engineer.id, actorId: engineer.id, actorName: "Erin" };
    await Promise.all(Array.from({ length: 12 }, (_, n) => tickOnOwnConnection({ ...base, note: `n${n}`, state: states[n % 4]! })));
    const { events } = await listEventsAfter(rollout.id, lastSeq);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, n) => lastSeq + n + 1));
    const views = events.map((e) => e.data.item as { version: number; state: string });
    expect(views.map((v) => v.version)).toEqual(Array.from({ length: 12 }, (_, n) => n + 2));
    // Each event's previousState is the state the event before it left.
    expect(events.map((e) => e.data.previousState)).toEqual(["OPEN", ...views.slice(0, -1).map((v) => v.state)]);
  });
});

describe("event hooks on a tick", () => {
  it("runs a hook that wants item events in the tick's transaction, and a failing hook undoes the tick", async () => {
    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const seen: { events: EventEnvelope[]; inTransaction: boolean }[] = [];
    let fail = false;
    const unregister = registerEventHook({
      name: "test-outbox",
      wants: (rolloutId, types) => rolloutId === rollout.id && types.includes("item.updated"),
      run: async (tx, events) => {
        // A transaction id is assigned once a transaction has written: here, the tick's own write.
        const [row] = await tx.$queryRaw<{ wrote: boolean }[]>`SELECT txid_current_if_assigned() IS NOT NULL AS wrote`;
        seen.push({ events, inTransaction: row?.wrote === true });
        if (fail) throw new Error("outbox refused");
      },
    });
    try {
      const ticked = await updateItem(engineer.principal, item.id, { state: "DONE" });
      // The hook ran in the transaction that had written the tick (it has a transaction id already).
      expect(seen).toEqual([{ events: [expect.objectContaining({ type: "item.updated", data: { item: ticked, previousState: "OPEN" } })], inTransaction: true }]);
      fail = true;
      await expect(updateItem(engineer.principal, item.id, { state: "OPEN" })).rejects.toThrow("outbox refused");
      expect((await getRolloutState(rollout.id)).items[0]).toMatchObject({ state: "DONE", version: 2 });
    } finally {
      unregister();
    }
    // Without the hook the tick takes its one-statement path again, and still records its event.
    const { lastSeq } = await listEventsAfter(rollout.id, 0);
    await updateItem(engineer.principal, item.id, { state: "OPEN" });
    expect((await listEventsAfter(rollout.id, lastSeq)).events).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });
});
