import { describe, expect, it, vi } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb, type DbTx } from "@/lib/db/client";
import { makeRollout, makeUser } from "@/test/factories";
import { updateItem } from "./checklists";
import { hooksWanting } from "./event-hooks";
import { changeRollout, listEventsAfter } from "./events";
import { getRolloutState } from "./rollouts";

// Group commit: concurrent changes to one rollout share transactions, yet each succeeds or fails alone.

describe("changes batched into one transaction", () => {
  it("keeps the others when one change in the batch fails, and numbers events gap-free in arrival order", async () => {
    const rollout = await makeRollout();
    const items = (await getRolloutState(rollout.id)).items;
    const { lastSeq } = await listEventsAfter(rollout.id, 0);
    const note = (n: number) =>
      changeRollout(rollout.id, SYSTEM_ACTOR, async (tx, record) => {
        await tx.checklistItem.update({ where: { id: items[0]!.id }, data: { note: `n${n}` } });
        if (n % 4 === 3) throw new Error(`change ${n} refused`);
        await record("share.revoked", { shareTokenId: `n${n}` });
        return n;
      });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, n) => note(n)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, n) => (n % 4 === 3 ? "rejected" : "fulfilled")));
    const { events } = await listEventsAfter(rollout.id, lastSeq);
    expect(events.map((e) => e.data.shareTokenId)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10].map((n) => `n${n}`));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 9 }, (_, i) => lastSeq + i + 1));
    // The refused change's write was undone: the last note is from the last successful change.
    expect((await getRolloutState(rollout.id)).items[0]!.note).toBe("n10");
  });

  it("refuses a change that waits for its own rollout instead of deadlocking", async () => {
    const rollout = await makeRollout();
    await expect(
      changeRollout(rollout.id, SYSTEM_ACTOR, async () => changeRollout(rollout.id, SYSTEM_ACTOR, async () => "inner")),
    ).rejects.toThrow(/inside a change of the same rollout/);
  });

  it("refuses it too when the inner change comes from another copy of the module (Next's second module graph)", async () => {
    const rollout = await makeRollout();
    vi.resetModules();
    // A fresh import is a second instance of events.ts and write-queue.ts, as server.ts's graph has beside Next's.
    const other: { changeRollout: typeof changeRollout } = await import("./events");
    expect(other.changeRollout).not.toBe(changeRollout);
    await expect(
      changeRollout(rollout.id, SYSTEM_ACTOR, async () => other.changeRollout(rollout.id, SYSTEM_ACTOR, async () => "inner")),
    ).rejects.toThrow(/inside a change of the same rollout/);
  });

  it("answers 404 for a ref whose row does not exist", async () => {
    await expect(changeRollout({ via: "ChecklistItem", id: "missing" }, SYSTEM_ACTOR, async () => 1)).rejects.toMatchObject({ status: 404 });
    await expect(changeRollout("missing-rollout", SYSTEM_ACTOR, async () => 1)).rejects.toMatchObject({ status: 404 });
  });
});

describe("a batch of one-statement changes (ticks under load)", () => {
  /** Every SAVEPOINT the write queue's transactions send, while `during` runs. */
  async function savepointsDuring<T>(during: () => Promise<T>): Promise<{ value: T; savepoints: number }> {
    const db = getDb();
    const transaction = db.$transaction.bind(db) as (fn: (tx: DbTx) => Promise<unknown>, opts?: object) => Promise<unknown>;
    let savepoints = 0;
    const spy = vi.spyOn(db, "$transaction").mockImplementation(((fn: (tx: DbTx) => Promise<unknown>, opts?: object) =>
      transaction((tx) => {
        const execute = tx.$executeRawUnsafe.bind(tx);
        const counted = new Proxy(tx, {
          get: (target, key) => (key === "$executeRawUnsafe" ? (query: string, ...values: unknown[]) => (/^SAVEPOINT/.test(query) && savepoints++, execute(query, ...values)) : Reflect.get(target, key)),
        });
        return fn(counted);
      }, opts)) as never);
    try {
      return { value: await during(), savepoints };
    } finally {
      spy.mockRestore();
    }
  }

  async function setup() {
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    const items = (await getRolloutState(rollout.id)).items;
    // Ticks take the one-statement path once the notification hook knows no channel wants them (it asks in the background).
    hooksWanting(rollout.id, ["item.updated"]);
    await expect.poll(() => hooksWanting(rollout.id, ["item.updated"]).length).toBe(0);
    return { engineer, rollout, items, lastSeq: (await listEventsAfter(rollout.id, 0)).lastSeq };
  }

  it("shares one transaction without a savepoint per tick, and keeps a 409 and a 404 to their own callers", async () => {
    const { engineer, rollout, items, lastSeq } = await setup();
    const { value: results, savepoints } = await savepointsDuring(() =>
      Promise.allSettled(
        Array.from({ length: 20 }, (_, n) =>
          n === 7
            ? updateItem(engineer.principal, items[0]!.id, { note: "stale", expectedVersion: 999 })
            : n === 11
              ? updateItem(engineer.principal, "no-such-item", { note: "missing" })
              : updateItem(engineer.principal, items[n % items.length]!.id, { note: `t${n}` }),
        ),
      ),
    );
    expect(savepoints).toBe(0);
    expect(results.map((r, n) => (r.status === "fulfilled" ? "ok" : n))).toEqual(Array.from({ length: 20 }, (_, n) => (n === 7 || n === 11 ? n : "ok")));
    expect((results[7] as PromiseRejectedResult).reason).toMatchObject({ status: 409 });
    expect((results[11] as PromiseRejectedResult).reason).toMatchObject({ status: 404 });
    const { events } = await listEventsAfter(rollout.id, lastSeq);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 18 }, (_, i) => lastSeq + i + 1));
    // In the order their rollout was looked up, not necessarily the order of the calls.
    const stored = events.map((e) => (e.data.item as { note: string }).note);
    expect(stored.sort()).toEqual(Array.from({ length: 20 }, (_, n) => n).filter((n) => n !== 7 && n !== 11).map((n) => `t${n}`).sort());
  });

  it("runs the batch again with savepoints when a tick fails in the database, so only that tick fails", async () => {
    const { engineer, rollout, items, lastSeq } = await setup();
    const { value: results, savepoints } = await savepointsDuring(() =>
      Promise.allSettled(
        // A NUL byte is refused by Postgres itself (not a domain error): the transaction it ran in is aborted.
        Array.from({ length: 12 }, (_, n) => updateItem(engineer.principal, items[n % items.length]!.id, { note: n === 5 ? "bad \u0000 note" : `u${n}` })),
      ),
    );
    expect(savepoints).toBeGreaterThan(0);
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, n) => (n === 5 ? "rejected" : "fulfilled")));
    const { events } = await listEventsAfter(rollout.id, lastSeq);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => lastSeq + i + 1));
    expect(events.map((e) => (e.data.item as { note: string }).note).sort()).toEqual(Array.from({ length: 12 }, (_, n) => n).filter((n) => n !== 5).map((n) => `u${n}`).sort());
  });
});
