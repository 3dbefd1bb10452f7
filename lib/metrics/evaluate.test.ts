import { describe, expect, it } from "vitest";
import type { Comparator, TriggerState } from "./enums";
import {
  compare,
  evaluatePhase,
  INITIAL_TRIGGER_STATUS,
  isStale,
  latestReading,
  phaseVerdict,
  stepTrigger,
  type PhaseCriterion,
  type TriggerCondition,
  type TriggerStatus,
  type TriggerTransition,
} from "./evaluate";

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

// One observation per entry: [seconds since start, value | null (no data) | "error" (source error)].
type Step = [number, number | null | "error"];

function run(criterion: TriggerCondition, steps: Step[], start: TriggerStatus = INITIAL_TRIGGER_STATUS) {
  let status = start;
  const states: TriggerState[] = [];
  const transitions: Array<TriggerTransition | null> = [];
  const sinces: Array<number | null> = [];
  for (const [seconds, value] of steps) {
    const next = stepTrigger(
      status,
      { at: seconds * 1000, value: value === "error" ? null : value, sourceError: value === "error" },
      criterion,
    );
    status = { state: next.state, since: next.since };
    states.push(next.state);
    transitions.push(next.transition);
    sinces.push(next.since === null ? null : next.since / 1000);
  }
  return { states, transitions, sinces };
}

const errorRateAbove1 = (pendingSeconds: number): TriggerCondition => ({ comparator: "GT", threshold: 1, pendingSeconds });

describe("stepTrigger", () => {
  it.each<{ name: string; criterion: TriggerCondition; steps: Step[]; states: TriggerState[] }>([
    { name: "pendingSeconds 0 fires at once", criterion: errorRateAbove1(0), steps: [[0, 5]], states: ["FIRING"] },
    { name: "exactly at the threshold with GT does not fire", criterion: errorRateAbove1(0), steps: [[0, 1]], states: ["NORMAL"] },
    { name: "exactly at the threshold with GTE fires", criterion: { comparator: "GTE", threshold: 1, pendingSeconds: 0 }, steps: [[0, 1]], states: ["FIRING"] },
    {
      name: "fires when the pending period is exactly reached",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [30, 5], [60, 5]],
      states: ["PENDING", "PENDING", "FIRING"],
    },
    {
      name: "does not fire one second short of the pending period",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [59, 5]],
      states: ["PENDING", "PENDING"],
    },
    {
      name: "flapping never reaches the pending period and never fires",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [30, 0], [45, 5], [75, 5], [90, 0.5], [100, 5], [150, 5], [155, 1]],
      states: ["PENDING", "NORMAL", "PENDING", "PENDING", "NORMAL", "PENDING", "PENDING", "NORMAL"],
    },
    {
      name: "a gap in data keeps PENDING and never completes it; the next breach after the period fires",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [30, null], [70, null], [80, 5]],
      states: ["PENDING", "PENDING", "PENDING", "FIRING"],
    },
    {
      name: "a gap in data does not clear PENDING: recovery needs a real observation",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [30, null], [40, 0]],
      states: ["PENDING", "PENDING", "NORMAL"],
    },
    {
      name: "a source error never fires, even past the pending period",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [90, "error"], [120, "error"], [130, 5]],
      states: ["PENDING", "PENDING", "PENDING", "FIRING"],
    },
    { name: "no data in NORMAL stays NORMAL", criterion: errorRateAbove1(0), steps: [[0, null], [10, "error"]], states: ["NORMAL", "NORMAL"] },
    {
      name: "no data or a source error while FIRING keeps FIRING",
      criterion: errorRateAbove1(0),
      steps: [[0, 5], [10, null], [20, "error"], [30, Number.NaN]],
      states: ["FIRING", "FIRING", "FIRING", "FIRING"],
    },
    {
      name: "recovers from FIRING as soon as the condition is false",
      criterion: errorRateAbove1(60),
      steps: [[0, 5], [60, 5], [90, 5], [100, 0.2], [110, 5]],
      states: ["PENDING", "FIRING", "FIRING", "NORMAL", "PENDING"],
    },
    {
      name: "LT trigger (throughput dropped below 10 rps)",
      criterion: { comparator: "LT", threshold: 10, pendingSeconds: 30 },
      steps: [[0, 50], [10, 9], [40, 10], [50, 3], [80, 2]],
      states: ["NORMAL", "PENDING", "NORMAL", "PENDING", "FIRING"],
    },
  ])("$name", ({ criterion, steps, states }) => {
    expect(run(criterion, steps).states).toEqual(states);
  });

  it("reports transitions and keeps `since` at the start of the current state", () => {
    const result = run(errorRateAbove1(60), [[0, 0], [10, 5], [40, 5], [70, 5], [80, 5], [90, 0]]);
    expect(result.transitions).toEqual([
      null,
      { from: "NORMAL", to: "PENDING" },
      null,
      { from: "PENDING", to: "FIRING" },
      null,
      { from: "FIRING", to: "NORMAL" },
    ]);
    expect(result.sinces).toEqual([null, 10, 10, 70, 70, 90]);
  });

  it("ignores an observation older than the current state", () => {
    const firing: TriggerStatus = { state: "FIRING", since: 100_000 };
    expect(stepTrigger(firing, { at: 50_000, value: 0 }, errorRateAbove1(0))).toEqual({ ...firing, transition: null });
  });

  it("restarts a PENDING status that has no start time instead of firing", () => {
    expect(stepTrigger({ state: "PENDING", since: null }, { at: 5_000, value: 5 }, errorRateAbove1(60))).toEqual({
      state: "PENDING",
      since: 5_000,
      transition: null,
    });
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

describe("phaseVerdict", () => {
  const fresh = (value: number) => ({ value, at: 1_000, stale: false });
  const success = (comparator: Comparator, threshold: number, latest: PhaseCriterion["latest"]): PhaseCriterion => ({ kind: "SUCCESS", comparator, threshold, latest });
  const trigger = (state: TriggerState, latest: PhaseCriterion["latest"]): PhaseCriterion => ({ kind: "ROLLBACK_TRIGGER", comparator: "GT", threshold: 5, state, latest });
  const noData = { value: null, at: null, stale: true };
  const stale = { value: 0.2, at: 1_000, stale: true };
  const errored = { value: 0.2, at: 1_000, stale: false, sourceError: true };

  it.each<{ name: string; criteria: PhaseCriterion[]; verdict: "PASS" | "FAIL" | "INCONCLUSIVE"; reasons: string[] }>([
    { name: "all met on fresh data", criteria: [success("LT", 1, fresh(0.3)), success("GTE", 99, fresh(99.5)), trigger("NORMAL", fresh(0.3))], verdict: "PASS", reasons: ["met", "met", "normal"] },
    { name: "exactly at the threshold with LTE passes", criteria: [success("LTE", 1, fresh(1))], verdict: "PASS", reasons: ["met"] },
    { name: "exactly at the threshold with LT fails", criteria: [success("LT", 1, fresh(1))], verdict: "FAIL", reasons: ["not-met"] },
    { name: "a success criterion failing on fresh data", criteria: [success("LT", 1, fresh(3)), success("LT", 800, fresh(200))], verdict: "FAIL", reasons: ["not-met", "met"] },
    { name: "a firing trigger", criteria: [success("LT", 1, fresh(0.1)), trigger("FIRING", fresh(9))], verdict: "FAIL", reasons: ["met", "firing"] },
    { name: "a firing trigger whose source went quiet still fails", criteria: [trigger("FIRING", stale)], verdict: "FAIL", reasons: ["firing"] },
    { name: "failure beats missing data", criteria: [success("LT", 1, noData), success("LT", 1, fresh(2))], verdict: "FAIL", reasons: ["no-data", "not-met"] },
    { name: "no data", criteria: [success("LT", 1, fresh(0.1)), success("LT", 800, noData)], verdict: "INCONCLUSIVE", reasons: ["met", "no-data"] },
    { name: "stale data, even if it looked fine", criteria: [success("LT", 1, stale)], verdict: "INCONCLUSIVE", reasons: ["stale"] },
    { name: "a source error", criteria: [success("LT", 1, errored)], verdict: "INCONCLUSIVE", reasons: ["source-error"] },
    { name: "a pending trigger", criteria: [success("LT", 1, fresh(0.1)), trigger("PENDING", fresh(6))], verdict: "INCONCLUSIVE", reasons: ["met", "pending"] },
    { name: "a normal trigger without fresh data", criteria: [trigger("NORMAL", noData)], verdict: "INCONCLUSIVE", reasons: ["no-data"] },
    { name: "a trigger without a state is treated as NORMAL", criteria: [{ kind: "ROLLBACK_TRIGGER", comparator: "GT", threshold: 5, latest: fresh(1) }], verdict: "PASS", reasons: ["normal"] },
    { name: "NaN value is no data", criteria: [success("LT", 1, fresh(Number.NaN))], verdict: "INCONCLUSIVE", reasons: ["no-data"] },
    { name: "no criteria: nothing was checked", criteria: [], verdict: "INCONCLUSIVE", reasons: [] },
  ])("$name → $verdict", ({ criteria, verdict, reasons }) => {
    const result = evaluatePhase(criteria);
    expect(result.verdict).toBe(verdict);
    expect(phaseVerdict(criteria)).toBe(verdict);
    expect(result.results.map((r) => r.reason)).toEqual(reasons);
  });

  it("returns per-criterion results for display", () => {
    const { results } = evaluatePhase([
      { id: "c1", ...success("LT", 1, fresh(3)) },
      { id: "c2", ...trigger("PENDING", fresh(6)) },
      { id: "c3", ...success("LT", 1, noData) },
    ]);
    expect(results).toEqual([
      { id: "c1", kind: "SUCCESS", verdict: "FAIL", reason: "not-met", value: 3, conditionHolds: false },
      { id: "c2", kind: "ROLLBACK_TRIGGER", verdict: "INCONCLUSIVE", reason: "pending", value: 6, conditionHolds: true },
      { id: "c3", kind: "SUCCESS", verdict: "INCONCLUSIVE", reason: "no-data", value: null, conditionHolds: null },
    ]);
  });
});
