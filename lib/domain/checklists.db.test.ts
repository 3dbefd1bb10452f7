import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { updateItem } from "./checklists";
import { DomainError } from "./errors";
import { listEventsAfter } from "./events";
import { getRolloutState } from "./rollouts";

let engineer: Awaited<ReturnType<typeof makeUser>>;
let viewer: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  engineer = await makeUser("ENGINEER", "Erin");
  viewer = await makeUser("VIEWER");
});

async function freshItems() {
  const rollout = await makeRollout();
  const state = await getRolloutState(rollout.id);
  return { rolloutId: rollout.id, items: state.items };
}

describe("updateItem", () => {
  it("ticks with who and when, reopens clearing both, and bumps the version each time", async () => {
    const { items } = await freshItems();
    const item = items.find((i) => i.text === "Backups verified")!;
    const ticked = await updateItem(engineer.principal, item.id, { state: "DONE", expectedVersion: 1 });
    expect(ticked).toMatchObject({ state: "DONE", version: 2, checkedBy: { id: engineer.id, name: "Erin" } });
    expect(ticked.checkedAt).not.toBeNull();
    const reopened = await updateItem(engineer.principal, item.id, { state: "OPEN" });
    expect(reopened).toMatchObject({ state: "OPEN", version: 3, checkedBy: null, checkedAt: null });
  });

  it("keeps who ticked it when only the note changes", async () => {
    const { items } = await freshItems();
    const item = items[0]!;
    await updateItem(engineer.principal, item.id, { state: "DONE" });
    const noted = await updateItem(engineer.principal, item.id, { note: "restored to staging in 4 min" });
    expect(noted).toMatchObject({ state: "DONE", note: "restored to staging in 4 min", checkedBy: { id: engineer.id } });
  });

  it("answers a stale version with 409 carrying the current item, and changes nothing", async () => {
    const { items, rolloutId } = await freshItems();
    const item = items[0]!;
    await updateItem(engineer.principal, item.id, { state: "DONE", expectedVersion: 1 });
    const before = await listEventsAfter(rolloutId, 0);
    const error = await updateItem(engineer.principal, item.id, { state: "BLOCKED", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).status).toBe(409);
    expect((error as DomainError).details?.current).toMatchObject({ id: item.id, state: "DONE", version: 2 });
    const after = await listEventsAfter(rolloutId, 0);
    expect(after.lastSeq).toBe(before.lastSeq);
    expect((await getDb().checklistItem.findUniqueOrThrow({ where: { id: item.id } })).state).toBe("DONE");
  });

  it("refuses a viewer (403) and an unknown item (404)", async () => {
    const { items } = await freshItems();
    await expect(updateItem(viewer.principal, items[0]!.id, { state: "DONE" })).rejects.toMatchObject({ status: 403 });
    await expect(updateItem(engineer.principal, "no-such-item", { state: "DONE" })).rejects.toMatchObject({ status: 404 });
  });

  it("records an item.updated event carrying the item, in the same transaction", async () => {
    const { items, rolloutId } = await freshItems();
    const { lastSeq } = await listEventsAfter(rolloutId, 0);
    const item = await updateItem(engineer.principal, items[0]!.id, { state: "SKIPPED" });
    const { events } = await listEventsAfter(rolloutId, lastSeq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ seq: lastSeq + 1, type: "item.updated", actor: { id: engineer.id, name: "Erin" }, data: { item, previousState: "OPEN" } });
  });
});

describe("concurrency", () => {
  it("gives concurrent writes to one rollout gap-free, unique seqs", async () => {
    const { items, rolloutId } = await freshItems();
    const { lastSeq } = await listEventsAfter(rolloutId, 0);
    const writes = Array.from({ length: 24 }, (_, n) => updateItem(engineer.principal, items[n % items.length]!.id, { note: `note ${n}` }));
    await Promise.all(writes);
    const { events } = await listEventsAfter(rolloutId, lastSeq);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 24 }, (_, n) => lastSeq + n + 1));
  });

  it("lets exactly one of several writers with the same expected version win", async () => {
    const { items } = await freshItems();
    const item = items[0]!;
    const results = await Promise.allSettled(
      ["DONE", "SKIPPED", "BLOCKED", "DONE", "SKIPPED"].map((state) =>
        updateItem(engineer.principal, item.id, { state: state as "DONE", expectedVersion: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as DomainError).status)).toEqual([409, 409, 409, 409]);
    expect((await getDb().checklistItem.findUniqueOrThrow({ where: { id: item.id } })).version).toBe(2);
  });
});
