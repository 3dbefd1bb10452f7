import { describe, expect, it } from "vitest";
import type { TriggerState, Verdict } from "./enums";
import { describeMeasurement, formatNumber, planPhaseEvaluation, type CriterionToEvaluate, type TileReadingToEvaluate } from "./phase-evaluation";

// The evaluator's tick, pure: a phase with an error-rate tile polled every second, a success criterion "< 0.5" and a
// rollback trigger "> 1 for 3 s" (auto-rollback on), driven through sequences of readings.

const S = 1000;

const success: CriterionToEvaluate = {
  id: "success",
  kind: "SUCCESS",
  metricKey: "error_rate",
  comparator: "LT",
  threshold: 0.5,
  unit: "%",
  pendingSeconds: 0,
  autoRollback: false,
  description: "Error rate < 0.5%",
  state: "NORMAL",
  stateSince: null,
};
const trigger: CriterionToEvaluate = {
  ...success,
  id: "trigger",
  kind: "ROLLBACK_TRIGGER",
  comparator: "GT",
  threshold: 1,
  pendingSeconds: 3,
  autoRollback: true,
  description: "Error rate > 1% for 3 s",
};

/**
 * One tick: [now (s), the tile's reading]. A reading is a value sampled at `now` ("fresh"), the same value sampled
 * earlier ({ value, sampledAt }), "error" (the last poll failed after the last sample), or "none" (no tile reading yet).
 */
type Reading = number | null | { value: number; sampledAt: number } | "error" | "none";
type Tick = [number, Reading];

function tileAt(now: number, reading: Reading, previous: TileReadingToEvaluate): TileReadingToEvaluate {
  if (reading === "none") return { ...previous, lastValue: null, lastSampleAt: null };
  if (reading === "error") return { ...previous, lastErrorAt: now * S };
  if (reading === null || typeof reading === "number") return { ...previous, lastValue: reading, lastSampleAt: now * S };
  return { ...previous, lastValue: reading.value, lastSampleAt: reading.sampledAt * S };
}

function run(ticks: Tick[], criteria: CriterionToEvaluate[] = [success, trigger]) {
  let tile: TileReadingToEvaluate = { key: "error_rate", lastValue: null, lastSampleAt: null, lastErrorAt: null, pollIntervalSeconds: 1 };
  let current = criteria;
  let verdict: Verdict | null = null;
  const out = { states: [] as TriggerState[], verdicts: [] as Verdict[], verdictChanges: [] as boolean[], rollbacks: [] as number[], reasons: [] as string[] };
  for (const [now, reading] of ticks) {
    tile = tileAt(now, reading, tile);
    const plan = planPhaseEvaluation({ verdict, criteria: current, tiles: [tile], now: now * S });
    current = current.map((c, i) => ({ ...c, state: plan.criteria[i]!.state, stateSince: plan.criteria[i]!.stateSince }));
    verdict = plan.verdict;
    out.states.push(plan.criteria.find((c) => c.id === "trigger")?.state ?? "NORMAL");
    out.verdicts.push(plan.verdict);
    out.verdictChanges.push(plan.verdictChanged);
    if (plan.autoRollbacks.length) out.rollbacks.push(now);
    out.reasons.push(...plan.autoRollbacks.map((d) => d.reason));
  }
  return out;
}

describe("planPhaseEvaluation", () => {
  it.each<{ name: string; ticks: Tick[]; states: TriggerState[]; verdicts: Verdict[]; rollbacks: number[] }>([
    {
      name: "healthy: PASS, the trigger stays NORMAL",
      ticks: [[0, 0.1], [1, 0.2]],
      states: ["NORMAL", "NORMAL"],
      verdicts: ["PASS", "PASS"],
      rollbacks: [],
    },
    {
      name: "exactly at the trigger's threshold (GT 1) does not breach; the success criterion (LT 0.5) fails",
      ticks: [[0, 1], [5, 1]],
      states: ["NORMAL", "NORMAL"],
      verdicts: ["FAIL", "FAIL"],
      rollbacks: [],
    },
    {
      name: "exactly at the success threshold (LT 0.5) fails",
      ticks: [[0, 0.5]],
      states: ["NORMAL"],
      verdicts: ["FAIL"],
      rollbacks: [],
    },
    {
      name: "breach held for the whole pending period: Pending, then Firing at exactly 3 s, one rollback",
      ticks: [[0, 4], [1, 4], [2, 4], [3, 4], [4, 4], [5, 4]],
      states: ["PENDING", "PENDING", "PENDING", "FIRING", "FIRING", "FIRING"],
      verdicts: ["FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL"],
      rollbacks: [3],
    },
    {
      name: "the period is measured on sample times: a fresh but older sample cannot complete it, a newer one does",
      ticks: [[0, 4], [1, 4], [2, 4], [3.5, { value: 4, sampledAt: 2 }], [4, 4]],
      states: ["PENDING", "PENDING", "PENDING", "PENDING", "FIRING"],
      verdicts: ["FAIL", "FAIL", "FAIL", "FAIL", "FAIL"],
      rollbacks: [4],
    },
    {
      name: "a gap in data (stale tile) keeps Pending and never fires; the first fresh breach after the period does",
      ticks: [[0, 4], [1, 4], [5, { value: 4, sampledAt: 1 }], [9, { value: 4, sampledAt: 1 }], [10, 4]],
      states: ["PENDING", "PENDING", "PENDING", "PENDING", "FIRING"],
      verdicts: ["FAIL", "FAIL", "INCONCLUSIVE", "INCONCLUSIVE", "FAIL"],
      rollbacks: [10],
    },
    {
      name: "a source error is never a value: no firing, INCONCLUSIVE, whatever the last value said",
      ticks: [[0, 4], [1, "error"], [2, "error"], [5, "error"], [9, "error"]],
      states: ["PENDING", "PENDING", "PENDING", "PENDING", "PENDING"],
      verdicts: ["FAIL", "INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"],
      rollbacks: [],
    },
    {
      name: "no data at all (no series, no traffic): INCONCLUSIVE, never fires",
      ticks: [[0, null], [5, null], [10, "none"]],
      states: ["NORMAL", "NORMAL", "NORMAL"],
      verdicts: ["INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"],
      rollbacks: [],
    },
    {
      name: "flapping around the threshold never completes the pending period",
      ticks: [[0, 4], [1, 0.2], [2, 4], [3, 4], [4, 0.9], [5, 4], [6, 4], [7, 4], [8, 0.1]],
      states: ["PENDING", "NORMAL", "PENDING", "PENDING", "NORMAL", "PENDING", "PENDING", "PENDING", "NORMAL"],
      verdicts: ["FAIL", "PASS", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "PASS"],
      rollbacks: [],
    },
    {
      name: "a recovered trigger that fires again is a new episode: a second rollback",
      ticks: [[0, 4], [3, 4], [4, 4], [5, 0.1], [6, 4], [9, 4], [10, 4]],
      states: ["PENDING", "FIRING", "FIRING", "NORMAL", "PENDING", "FIRING", "FIRING"],
      verdicts: ["FAIL", "FAIL", "FAIL", "PASS", "FAIL", "FAIL", "FAIL"],
      rollbacks: [3, 9],
    },
    {
      name: "a fired trigger stays FAIL when its source goes quiet",
      ticks: [[0, 4], [3, 4], [20, { value: 4, sampledAt: 3 }], [21, "error"]],
      states: ["PENDING", "FIRING", "FIRING", "FIRING"],
      verdicts: ["FAIL", "FAIL", "FAIL", "FAIL"],
      rollbacks: [3],
    },
  ])("$name", ({ ticks, states, verdicts, rollbacks }) => {
    const result = run(ticks);
    expect(result.states).toEqual(states);
    expect(result.verdicts).toEqual(verdicts);
    expect(result.rollbacks).toEqual(rollbacks);
  });

  it("a pending trigger alone leaves the verdict INCONCLUSIVE: it may still fire", () => {
    expect(run([[0, 4], [1, 4]], [trigger]).verdicts).toEqual(["INCONCLUSIVE", "INCONCLUSIVE"]);
  });

  it("decides no rollback for a trigger without autoRollback", () => {
    expect(run([[0, 4], [3, 4]], [{ ...trigger, autoRollback: false }]).rollbacks).toEqual([]);
  });

  it("fires at once with no pending period", () => {
    expect(run([[0, 4]], [{ ...trigger, pendingSeconds: 0 }])).toMatchObject({ states: ["FIRING"], rollbacks: [0] });
  });

  it("reports a verdict change only when the verdict differs from the stored one", () => {
    expect(run([[0, 0.1], [1, 0.1], [2, 4], [3, 4]]).verdictChanges).toEqual([true, false, true, false]);
  });

  it("is INCONCLUSIVE when a criterion's metric has no tile, and with no criteria at all", () => {
    const plan = planPhaseEvaluation({ verdict: null, criteria: [{ ...success, metricKey: "latency_p95" }], tiles: [], now: 0 });
    expect(plan).toMatchObject({ verdict: "INCONCLUSIVE", criteria: [{ result: { reason: "no-data" } }] });
    expect(planPhaseEvaluation({ verdict: null, criteria: [], tiles: [], now: 0 }).verdict).toBe("INCONCLUSIVE");
  });

  it("explains the rollback with the criterion and the value that fired it", () => {
    expect(run([[0, 4.1234], [3, 4.1234]]).reasons).toEqual(['Rollback trigger "Error rate > 1% for 3 s" fired: error_rate 4.12 % (limit > 1 %) for 3 s']);
  });
});

describe("formatting", () => {
  it.each([
    [0, "0"],
    [0.0004213, "0.000421"],
    [0.5, "0.5"],
    [4.1234, "4.12"],
    [56.78, "56.8"],
    [1234.5, "1235"],
    [-2.5, "-2.5"],
  ])("formatNumber(%d) = %s", (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it("describes a measurement without data", () => {
    expect(describeMeasurement({ metricKey: "latency_p95", comparator: "LTE", threshold: 300, unit: "ms" }, null)).toBe("latency_p95 no data (limit ≤ 300 ms)");
  });
});
