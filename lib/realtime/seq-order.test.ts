import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventEnvelope } from "@/lib/schemas/events";
import { createSeqOrderer } from "./seq-order";

// Events from other processes arrive in any order: the orderer emits each rollout's in seq order, waits a
// bounded time for a missing seq, and drops what is older than what it has emitted.

const event = (rolloutId: string, seq: number): EventEnvelope => ({ rolloutId, seq, type: "test", at: "", actor: { id: null, name: "" }, data: {} });

afterEach(() => vi.useRealTimers());

describe("createSeqOrderer", () => {
  it("holds an event past a gap until the missing ones arrive, per rollout", () => {
    const out: string[] = [];
    const orderer = createSeqOrderer((e) => out.push(`${e.rolloutId}:${e.seq}`));
    for (const [rollout, seq] of [["a", 1], ["a", 3], ["b", 7], ["a", 4], ["a", 2], ["b", 8]] as const) orderer.accept(event(rollout, seq));
    expect(out).toEqual(["a:1", "b:7", "a:2", "a:3", "a:4", "b:8"]);
    orderer.close();
  });

  it("lets the held events go after holdMs when the gap stays open, then drops the late one", () => {
    vi.useFakeTimers();
    const out: number[] = [];
    const orderer = createSeqOrderer((e) => out.push(e.seq), { holdMs: 250 });
    orderer.accept(event("a", 1));
    orderer.accept(event("a", 4));
    orderer.accept(event("a", 3));
    expect(out).toEqual([1]);
    vi.advanceTimersByTime(250);
    expect(out).toEqual([1, 3, 4]);
    orderer.accept(event("a", 2));
    orderer.accept(event("a", 5));
    expect(out).toEqual([1, 3, 4, 5]);
    orderer.close();
  });
});
