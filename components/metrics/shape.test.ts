import { describe, expect, it } from "vitest";
import type { MetricSeries, TileSeries } from "@/lib/domain/metric-samples";
import type { CriterionView, TileView } from "@/lib/domain/selects";
import {
  applyMetricUpdates,
  criterionLimit,
  describeCriterion,
  describeTile,
  formatDuration,
  readingOf,
  sparklineShape,
  thresholdStatus,
  type Reading,
} from "./shape";

const NOW = Date.UTC(2026, 10, 25, 21, 0, 0);
const ago = (seconds: number) => NOW - seconds * 1000;

const tile: TileView = {
  id: "t1",
  key: "error_rate",
  label: "Error rate",
  unit: "%",
  sourceKind: "SCRAPE",
  pollIntervalSeconds: 5,
  direction: "HIGHER_IS_WORSE",
  warnThreshold: 0.5,
  breachThreshold: 1,
  position: 0,
  lastValue: null,
  lastSampleAt: null,
  lastError: null,
  lastErrorAt: null,
};
const reading = (r: Partial<Reading>): Reading => ({ lastValue: null, lastSampleAt: null, lastError: null, lastErrorAt: null, ...r });

describe("thresholdStatus", () => {
  it.each<[number | null, "HIGHER_IS_WORSE" | "LOWER_IS_WORSE", string]>([
    [0.2, "HIGHER_IS_WORSE", "ok"],
    [0.5, "HIGHER_IS_WORSE", "warn"], // at the warn threshold
    [0.9, "HIGHER_IS_WORSE", "warn"],
    [1, "HIGHER_IS_WORSE", "breach"], // at the breach threshold
    [7, "HIGHER_IS_WORSE", "breach"],
    [null, "HIGHER_IS_WORSE", "none"],
    [Number.NaN, "HIGHER_IS_WORSE", "none"],
  ])("%d (%s) → %s", (value, direction, expected) => {
    expect(thresholdStatus(value, { ...tile, direction })).toBe(expected);
  });

  it("reads LOWER_IS_WORSE thresholds downwards (availability 99.9 warn, 99 breach)", () => {
    const availability = { direction: "LOWER_IS_WORSE" as const, warnThreshold: 99.9, breachThreshold: 99 };
    expect([99.99, 99.9, 99.5, 99, 97].map((v) => thresholdStatus(v, availability))).toEqual(["ok", "warn", "warn", "breach", "breach"]);
  });

  it("has nothing to judge without thresholds", () => {
    expect(thresholdStatus(1e6, { ...tile, warnThreshold: null, breachThreshold: null })).toBe("ok");
  });
});

describe("describeTile", () => {
  it.each<{ name: string; reading: Reading; expected: Partial<ReturnType<typeof describeTile>> }>([
    { name: "a fresh value", reading: reading({ lastValue: 0.7312, lastSampleAt: ago(4) }), expected: { kind: "value", text: "0.731 %", status: "warn", freshness: "updated 4s ago" } },
    { name: "a breaching value", reading: reading({ lastValue: 4.2, lastSampleAt: ago(1) }), expected: { kind: "value", text: "4.2 %", status: "breach" } },
    { name: "no data (source answered, nothing to measure)", reading: reading({ lastValue: null, lastSampleAt: ago(2) }), expected: { kind: "no-data", text: "no data", status: "none", freshness: "updated 2s ago" } },
    { name: "never read", reading: reading({}), expected: { kind: "waiting", text: "—", status: "none" } },
    // 3 poll intervals of 5 s: 15 s is still fresh, 16 s is stale; a stale tile shows no number.
    { name: "exactly at the staleness limit", reading: reading({ lastValue: 0.1, lastSampleAt: ago(15) }), expected: { kind: "value", text: "0.1 %" } },
    { name: "stale", reading: reading({ lastValue: 0.1, lastSampleAt: ago(16) }), expected: { kind: "stale", text: "—", status: "none", freshness: "stale · last reading 16s ago" } },
    {
      name: "a failing source, even with a recent good value",
      reading: reading({ lastValue: 0.1, lastSampleAt: ago(3), lastError: "HTTP 503 from /metrics", lastErrorAt: ago(1) }),
      expected: { kind: "error", text: "—", status: "none", error: "HTTP 503 from /metrics", freshness: "source error · last good reading 3s ago" },
    },
    {
      name: "a source that never worked",
      reading: reading({ lastError: "cannot connect: connect ECONNREFUSED 127.0.0.1:9", lastErrorAt: ago(20) }),
      expected: { kind: "error", text: "—", freshness: "failing since 20s ago" },
    },
    { name: "an old error after which readings resumed", reading: reading({ lastValue: 0.1, lastSampleAt: ago(1), lastError: "x", lastErrorAt: ago(30) }), expected: { kind: "value", error: null } },
  ])("$name", ({ reading: r, expected }) => {
    expect(describeTile(tile, r, NOW)).toMatchObject(expected);
  });
});

describe("readingOf", () => {
  it("prefers the live cache, else the rollout state's fields", () => {
    const live: TileSeries = { id: "t1", key: "error_rate", pollIntervalSeconds: 5, lastValue: 2, lastSampleAt: ago(1), lastError: null, lastErrorAt: null, points: [] };
    expect(readingOf({ ...tile, lastValue: 1 }, live).lastValue).toBe(2);
    expect(readingOf({ ...tile, lastValue: 1, lastSampleAt: new Date(ago(5)).toISOString() }, undefined)).toEqual({ lastValue: 1, lastSampleAt: ago(5), lastError: null, lastErrorAt: null });
  });
});

describe("applyMetricUpdates", () => {
  const series: MetricSeries = {
    now: NOW,
    since: NOW - 60_000,
    bucketSeconds: 0,
    tiles: [
      { id: "t1", key: "error_rate", pollIntervalSeconds: 5, lastValue: 0.1, lastSampleAt: ago(5), lastError: null, lastErrorAt: null, points: [{ at: ago(50), value: 0.3 }, { at: ago(5), value: 0.1 }] },
      { id: "t2", key: "cpu", pollIntervalSeconds: 5, lastValue: 40, lastSampleAt: ago(5), lastError: null, lastErrorAt: null, points: [] },
    ],
  };

  it("moves the tile to a newer value and appends it, trimming the window", () => {
    const next = applyMetricUpdates(series, [{ tileId: "t1", key: "error_rate", at: NOW + 15_000, value: 4 }]);
    expect(next.tiles[0]).toMatchObject({ lastValue: 4, lastSampleAt: NOW + 15_000, points: [{ at: ago(5), value: 0.1 }, { at: NOW + 15_000, value: 4 }] });
    expect(next.tiles[1]).toBe(series.tiles[1]);
  });

  it("records no-data without a point, and an error without touching the value", () => {
    const next = applyMetricUpdates(series, [
      { tileId: "t1", key: "error_rate", at: NOW, value: null },
      { tileId: "t2", key: "cpu", at: NOW, error: "timed out after 5000 ms" },
    ]);
    expect(next.tiles[0]).toMatchObject({ lastValue: null, lastSampleAt: NOW, points: series.tiles[0]!.points });
    expect(next.tiles[1]).toMatchObject({ lastValue: 40, lastSampleAt: ago(5), lastError: "timed out after 5000 ms", lastErrorAt: NOW });
  });

  it("ignores late readings for the latest value, unknown tiles, and returns the same object when nothing changed", () => {
    const late = applyMetricUpdates(series, [{ tileId: "t1", key: "error_rate", at: ago(30), value: 9 }]);
    expect(late.tiles[0]!.lastValue).toBe(0.1);
    expect(applyMetricUpdates(series, [{ tileId: "gone", key: "x", at: NOW, value: 1 }])).toBe(series);
  });
});

describe("sparklineShape", () => {
  it("pads the range, and never collapses a flat series", () => {
    expect(sparklineShape([]).data).toEqual([]);
    expect(sparklineShape([{ at: 1, value: 2 }, { at: 2, value: 4 }]).domain).toEqual([1.8, 4.2]);
    expect(sparklineShape([{ at: 1, value: 50 }, { at: 2, value: 50 }]).domain).toEqual([45, 55]);
    expect(sparklineShape([{ at: 1, value: 0 }]).domain).toEqual([-1, 1]);
  });
});

describe("describeCriterion", () => {
  const criterion = (c: Partial<CriterionView>): CriterionView => ({
    id: "c1",
    phaseId: "p1",
    kind: "ROLLBACK_TRIGGER",
    metricKey: "error_rate",
    comparator: "GT",
    threshold: 1,
    unit: "%",
    pendingSeconds: 300,
    autoRollback: true,
    description: "Error rate > 1% for 5 minutes",
    state: "NORMAL",
    stateSince: null,
    lastValue: null,
    lastEvaluatedAt: null,
    ...c,
  });
  const fresh = reading({ lastValue: 4.2, lastSampleAt: ago(1) });
  const phase = { startedAt: new Date(ago(10)).toISOString(), endedAt: null };

  it.each<{ name: string; c: Partial<CriterionView>; r: Reading | undefined; expected: Partial<ReturnType<typeof describeCriterion>> }>([
    { name: "a normal trigger", c: {}, r: reading({ lastValue: 0.2, lastSampleAt: ago(1) }), expected: { state: "NORMAL", label: "Normal", status: "ok", value: "0.2 %" } },
    { name: "a pending trigger", c: { state: "PENDING", stateSince: new Date(ago(42)).toISOString() }, r: fresh, expected: { state: "PENDING", status: "warn", value: "4.2 %" } },
    { name: "a firing trigger", c: { state: "FIRING", stateSince: new Date(ago(3)).toISOString() }, r: fresh, expected: { state: "FIRING", status: "breach" } },
    { name: "a success criterion met", c: { kind: "SUCCESS", comparator: "LT", threshold: 0.5 }, r: reading({ lastValue: 0.2, lastSampleAt: ago(1) }), expected: { state: "MET", label: "Met", status: "ok" } },
    { name: "a success criterion exactly at its threshold", c: { kind: "SUCCESS", comparator: "LT", threshold: 0.5 }, r: reading({ lastValue: 0.5, lastSampleAt: ago(1) }), expected: { state: "NOT_MET", label: "Not met", status: "breach" } },
    { name: "a success criterion on a failing source", c: { kind: "SUCCESS", comparator: "LT", threshold: 0.5 }, r: reading({ lastValue: 0.2, lastSampleAt: ago(2), lastError: "x", lastErrorAt: ago(1) }), expected: { state: "NO_DATA", status: "none", value: "source error" } },
    { name: "a success criterion without a tile", c: { kind: "SUCCESS", comparator: "LT", threshold: 0.5 }, r: undefined, expected: { state: "NO_DATA", value: "no tile" } },
    { name: "a success criterion read before the phase started", c: { kind: "SUCCESS", comparator: "LT", threshold: 0.5 }, r: reading({ lastValue: 0.2, lastSampleAt: ago(20) }), expected: { state: "NO_DATA", value: "no reading in this phase yet" } },
    { name: "a resolved trigger", c: { state: "RESOLVED", stateSince: new Date(ago(3)).toISOString() }, r: fresh, expected: { state: "RESOLVED", status: "warn" } },
  ])("$name", ({ c, r, expected }) => {
    expect(describeCriterion(criterion(c), phase, r ? tile : undefined, r, NOW)).toMatchObject(expected);
  });

  it("freezes a trigger's duration at the end of its phase", () => {
    const ended = { startedAt: new Date(ago(15)).toISOString(), endedAt: new Date(ago(5)).toISOString() };
    const display = describeCriterion(criterion({ state: "FIRING", stateSince: new Date(ago(10)).toISOString() }), ended, tile, fresh, NOW);
    expect(display.label).toMatch(/\(5s when the phase ended\)$/);
  });

  it("says since when a trigger has been pending", () => {
    const display = describeCriterion(criterion({ state: "PENDING", stateSince: new Date(ago(42)).toISOString() }), phase, tile, fresh, NOW);
    expect(display.label).toMatch(/^Pending since \d\d:\d\d:\d\d.* \(42s\)$/);
  });

  it("writes the limit as the runbook would", () => {
    expect(criterionLimit(criterion({}))).toBe("> 1 % for 5m");
    expect(criterionLimit(criterion({ kind: "SUCCESS", comparator: "LTE", threshold: 300, unit: "ms" }))).toBe("≤ 300 ms");
  });

  it.each([
    [3, "3s"],
    [90, "1m30s"],
    [600, "10m"],
    [3600, "1h"],
    [5400, "1h30m"],
  ])("formatDuration(%d) = %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe("gatedPhase after a rollback", () => {
  it("keeps showing the phase that was rolled back, so the room sees which trigger fired", async () => {
    const { gatedPhase } = await import("./shape");
    const p = (position: number, status: string, startedAt: string | null) => ({ id: `p${position}`, position, status, startedAt }) as unknown as Parameters<typeof gatedPhase>[0][number];
    expect(gatedPhase([p(0, "PASSED", "t"), p(1, "ACTIVE", "t"), p(2, "PENDING", null)])?.id).toBe("p1");
    expect(gatedPhase([p(0, "PASSED", "t"), p(1, "ROLLED_BACK", "t"), p(2, "PENDING", null)])?.id).toBe("p1");
    expect(gatedPhase([p(0, "PENDING", null), p(1, "PENDING", null)])).toBeUndefined();
  });
});
