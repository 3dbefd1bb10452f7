import { describe, expect, it } from "vitest";
import type { Comparator } from "./enums";
import { compare, isStale, latestReading } from "./evaluate";

describe("compare", () => {
  it.each<[number, Comparator, number, boolean]>([
    [1, "GT", 1, false], // exactly at the threshold: GT is strict
    [1, "GTE", 1, true],
    [1, "LT", 1, false],
    [1, "LTE", 1, true],
    [1, "EQ", 1, true],
    [1.001, "GT", 1, true],
    [0.999, "LT", 1, true],
    [0.999, "GT", 1, false],
    [2, "LT", 1, false],
    [2, "EQ", 1, false],
    // Float noise from computing 7 / 100 × 100 is "at the threshold", not above it.
    [(7 / 100) * 100, "GT", 7, false],
    [(7 / 100) * 100, "GTE", 7, true],
    [0.1 + 0.2, "EQ", 0.3, true],
    [0.1 + 0.2, "LTE", 0.3, true],
    [-5, "LT", 0, true],
    [Number.NaN, "GT", 0, false],
    [Number.NaN, "LT", 0, false],
    [Number.NaN, "EQ", Number.NaN, false],
    [Number.POSITIVE_INFINITY, "GT", 800, true],
  ])("%d %s %d → %s", (value, comparator, threshold, expected) => {
    expect(compare(value, comparator, threshold)).toBe(expected);
  });
});

describe("freshness", () => {
  it.each([
    { at: null, now: 0, poll: 15, stale: true },
    { at: 0, now: 45_000, poll: 15, stale: false }, // exactly 3 intervals old: still fresh
    { at: 0, now: 45_001, poll: 15, stale: true },
    { at: 10_000, now: 5_000, poll: 15, stale: false }, // clock skew: a reading from the future is not stale
  ])("at=$at now=$now poll=$poll → stale=$stale", ({ at, now, poll, stale }) => {
    expect(isStale(at, now, poll)).toBe(stale);
  });

  it.each([
    { name: "fresh", tile: { lastValue: 2, lastSampleAt: 100_000, lastErrorAt: 90_000 }, expected: { value: 2, at: 100_000, stale: false, sourceError: false } },
    { name: "errored after its last sample", tile: { lastValue: 2, lastSampleAt: 100_000, lastErrorAt: 110_000 }, expected: { value: 2, at: 100_000, stale: false, sourceError: true } },
    { name: "never sampled, erroring", tile: { lastValue: null, lastSampleAt: null, lastErrorAt: 110_000 }, expected: { value: null, at: null, stale: true, sourceError: true } },
    { name: "old", tile: { lastValue: 2, lastSampleAt: 10_000 }, expected: { value: 2, at: 10_000, stale: true, sourceError: false } },
  ])("latestReading: $name", ({ tile, expected }) => {
    expect(latestReading({ ...tile, pollIntervalSeconds: 15 }, 120_000)).toEqual(expected);
  });
});
