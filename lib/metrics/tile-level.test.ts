import { describe, expect, it } from "vitest";
import { metricLevel, type TileReading } from "./tile-level";

const now = Date.parse("2026-12-01T12:00:00Z");
const tile = (over: Partial<TileReading>): TileReading => ({
  lastValue: 0.2,
  lastSampleAt: "2026-12-01T11:59:50Z",
  pollIntervalSeconds: 15,
  direction: "HIGHER_IS_WORSE",
  warnThreshold: 0.5,
  breachThreshold: 1,
  ...over,
});

describe("metricLevel", () => {
  it.each([
    ["below warn", { lastValue: 0.2 }, "ok"],
    ["at warn", { lastValue: 0.5 }, "warn"],
    ["between warn and breach", { lastValue: 0.9 }, "warn"],
    ["at breach", { lastValue: 1 }, "breach"],
    ["far beyond breach", { lastValue: 40 }, "breach"],
    ["lower is worse, healthy", { direction: "LOWER_IS_WORSE", lastValue: 99.95, warnThreshold: 99.9, breachThreshold: 99 }, "ok"],
    ["lower is worse, at warn", { direction: "LOWER_IS_WORSE", lastValue: 99.9, warnThreshold: 99.9, breachThreshold: 99 }, "warn"],
    ["lower is worse, breached", { direction: "LOWER_IS_WORSE", lastValue: 98, warnThreshold: 99.9, breachThreshold: 99 }, "breach"],
    ["only a breach threshold, under it", { warnThreshold: null, lastValue: 0.7 }, "ok"],
    ["no thresholds", { warnThreshold: null, breachThreshold: null }, "none"],
    ["never sampled", { lastValue: null, lastSampleAt: null }, "unknown"],
    // 3 poll intervals of 15 s: a sample 46 s old says nothing about now, whatever its value.
    ["stale", { lastValue: 40, lastSampleAt: "2026-12-01T11:59:14Z" }, "unknown"],
    ["source failing since the last sample", { lastErrorAt: "2026-12-01T11:59:55Z" }, "unknown"],
    ["an old error, sampled since", { lastErrorAt: "2026-12-01T11:00:00Z" }, "ok"],
  ] as const)("%s → %s", (_what, over, level) => {
    expect(metricLevel(tile(over as Partial<TileReading>), now).level).toBe(level);
  });

  it("says when a value is stale", () => {
    expect(metricLevel(tile({ lastSampleAt: "2026-12-01T11:00:00Z" }), now)).toEqual({ level: "unknown", stale: true });
    expect(metricLevel(tile({}), now)).toEqual({ level: "ok", stale: false });
  });
});
