import { describe, expect, it } from "vitest";
import { deliverLive, deliverResync, subscribeLive } from "./live-channels";

describe("live channels", () => {
  it("delivers each message to the rollout's subscribers of that channel only, until they unsubscribe", () => {
    const got: string[] = [];
    const stop = subscribeLive("r1", { channel: "metrics", onMessage: (p) => got.push(`metrics:${String(p)}`), onResync: () => got.push("resync") });
    subscribeLive("r2", { channel: "metrics", onMessage: (p) => got.push(`other:${String(p)}`) });
    deliverLive({ rolloutId: "r1", channel: "metrics", payload: 1 });
    deliverLive({ rolloutId: "r1", channel: "presence", payload: 2 });
    deliverResync("r1");
    stop();
    deliverLive({ rolloutId: "r1", channel: "metrics", payload: 3 });
    expect(got).toEqual(["metrics:1", "resync"]);
  });
});
