import { describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { updateItem } from "@/lib/domain/checklists";
import { getRolloutState } from "@/lib/domain/rollouts";
import { replaceItem } from "@/lib/realtime/apply-event";
import { optimisticChange } from "./optimistic-change";

// What the war room does on two quick changes of one item (tick, then a note, before the first answer): each
// request is built from the item as shown, which after the first change is its optimistic copy.

describe("optimistic item changes", () => {
  it("lets a second quick change of the same item through (no 409), each request naming the version before it", async () => {
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    const shown = (await getRolloutState(rollout.id)).items[0]!;
    const first = optimisticChange(shown, { state: "DONE" });
    const second = optimisticChange(first.shown, { note: "verified on the replica" });
    // Sent in order, as the war room's mutations (one scope per rollout) send them.
    const afterFirst = await updateItem(engineer.principal, shown.id, first.body);
    const afterSecond = await updateItem(engineer.principal, shown.id, second.body);
    expect(afterSecond).toMatchObject({ state: "DONE", note: "verified on the replica", version: shown.version + 2 });
    // The optimistic copies carry the versions the server gave, so its answers and events replace them in place.
    expect([first.shown.version, second.shown.version]).toEqual([afterFirst.version, afterSecond.version]);
    expect(replaceItem([second.shown], afterFirst)).toEqual([second.shown]);
    expect(replaceItem([second.shown], afterSecond)).toEqual([afterSecond]);
  });
});
