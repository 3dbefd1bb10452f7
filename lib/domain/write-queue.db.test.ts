import { describe, expect, it, vi } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { makeRollout } from "@/test/factories";
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
