import { describe, expect, it } from "vitest";
import type { TriggerState } from "@/lib/metrics/enums";
import {
  attentionOf,
  clockEnd,
  formatValue,
  holdWhileAlertFires,
  INITIAL_TRIGGER_STATUS,
  rolloutPosition,
  stakeholderStatus,
  type TileLevel,
  judgeCriterion,
  judgePhase,
  planPhaseEvaluation,
  readInPhase,
  stepTrigger,
  tileKeepsTriggerFiring,
  type CriterionToEvaluate,
  type Judgement,
  type JudgedCriterion,
  type PhaseReading,
  type TriggerStatus,
} from "./status";

const S = 1000;
const MIN = 60 * S;

describe("readInPhase: only fresh readings taken inside the phase count", () => {
  const startedAt = 100 * S;
  const now = 200 * S;
  const tile = (t: Partial<{ lastValue: number | null; lastSampleAt: number | null; lastErrorAt: number | null }>) => ({
    lastValue: 2,
    lastSampleAt: 190 * S,
    lastErrorAt: null,
    pollIntervalSeconds: 15,
    ...t,
  });
  it.each<[string, ReturnType<typeof tile> | undefined, number | null, PhaseReading["quality"]]>([
    ["a fresh reading in the phase", tile({}), startedAt, "fresh"],
    ["a reading taken exactly when the phase started", tile({}), 190 * S, "fresh"],
    ["a fresh reading from before the phase", tile({ lastSampleAt: 99 * S }), startedAt, "before-phase"],
    ["a reading 3 poll intervals old (still fresh)", tile({ lastSampleAt: now - 45 * S }), startedAt, "fresh"],
    ["a reading just over 3 poll intervals old", tile({ lastSampleAt: now - 45 * S - 1 }), startedAt, "stale"],
    ["a source that failed after its last sample", tile({ lastErrorAt: 195 * S }), startedAt, "source-error"],
    ["an old error, then a good sample", tile({ lastErrorAt: 150 * S }), startedAt, "fresh"],
    ["never read", tile({ lastSampleAt: null, lastValue: null }), startedAt, "no-data"],
    ["read, but nothing to measure", tile({ lastValue: null }), startedAt, "no-data"],
    ["no tile for the metric", undefined, startedAt, "no-tile"],
    ["a phase without a start time (not started)", tile({ lastSampleAt: 10 * S }), null, "stale"],
  ])("%s", (_what, t, phaseStart, quality) => {
    const reading = readInPhase(t, phaseStart, now);
    expect(reading.quality).toBe(quality);
    expect(reading.value === null).toBe(quality !== "fresh");
  });

  it.each<[string, number | null, Judgement]>([
    ["under the limit", 0.2, "MET"],
    ["at the limit of a strict comparator", 0.5, "NOT_MET"],
    ["over", 4.45, "NOT_MET"],
    ["no fresh reading", null, "NO_DATA"],
  ])("judgeCriterion: %s", (_what, value, judgement) => {
    const reading: PhaseReading = value === null ? { value: null, at: 1, quality: "before-phase" } : { value, at: 1, quality: "fresh" };
    expect(judgeCriterion({ comparator: "LT", threshold: 0.5 }, reading)).toBe(judgement);
  });
});

// [seconds, judgement] per reading; the expected state after each.
type Step = [number, Judgement, TriggerState];

function runTrigger(pendingSeconds: number, steps: Step[], start: TriggerStatus = INITIAL_TRIGGER_STATUS) {
  let status = start;
  const seen: TriggerState[] = [];
  const transitions: string[] = [];
  for (const [seconds, judgement] of steps) {
    const { transition, ...next } = stepTrigger(status, seconds * S, judgement, pendingSeconds);
    status = next;
    seen.push(next.state);
    if (transition) transitions.push(`${transition.from}→${transition.to}@${seconds}`);
  }
  return { seen, transitions, status };
}

describe("stepTrigger: Normal → Pending → Firing → Resolved", () => {
  it.each<[string, number, Step[]]>([
    ["clear stays Normal", 60, [[0, "NOT_MET", "NORMAL"], [10, "NOT_MET", "NORMAL"]]],
    ["breach goes Pending, then Firing once held for the pending period", 60, [[0, "MET", "PENDING"], [59, "MET", "PENDING"], [60, "MET", "FIRING"]]],
    ["breach that clears while Pending goes back to Normal", 60, [[0, "MET", "PENDING"], [30, "NOT_MET", "NORMAL"], [40, "MET", "PENDING"], [99, "MET", "PENDING"], [100, "MET", "FIRING"]]],
    ["no pending period fires at once", 0, [[0, "MET", "FIRING"]]],
    ["Firing resolves once clear for the pending period", 60, [[0, "MET", "PENDING"], [60, "MET", "FIRING"], [70, "NOT_MET", "FIRING"], [129, "NOT_MET", "FIRING"], [130, "NOT_MET", "RESOLVED"]]],
    ["a breach while clearing restarts the clear period", 60, [[0, "MET", "PENDING"], [60, "MET", "FIRING"], [70, "NOT_MET", "FIRING"], [110, "MET", "FIRING"], [120, "NOT_MET", "FIRING"], [179, "NOT_MET", "FIRING"], [180, "NOT_MET", "RESOLVED"]]],
    ["no pending period resolves on the first clear reading", 0, [[0, "MET", "FIRING"], [5, "NOT_MET", "RESOLVED"]]],
    ["a new breach after Resolved is a new episode: Pending again", 30, [[0, "MET", "PENDING"], [30, "MET", "FIRING"], [40, "NOT_MET", "FIRING"], [70, "NOT_MET", "RESOLVED"], [80, "MET", "PENDING"], [110, "MET", "FIRING"]]],
    ["no data never fires a Pending trigger", 60, [[0, "MET", "PENDING"], [120, "NO_DATA", "PENDING"], [121, "MET", "FIRING"]]],
    ["no data never clears or resolves a Firing trigger", 0, [[0, "MET", "FIRING"], [10, "NO_DATA", "FIRING"], [500, "NO_DATA", "FIRING"]]],
  ])("%s", (_what, pending, steps) => {
    expect(runTrigger(pending, steps).seen).toEqual(steps.map(([, , state]) => state));
  });

  it("reports each transition once, at the reading that caused it", () => {
    const { transitions } = runTrigger(30, [
      [0, "MET", "PENDING"],
      [15, "MET", "PENDING"],
      [30, "MET", "FIRING"],
      [40, "NOT_MET", "FIRING"],
      [70, "NOT_MET", "RESOLVED"],
      [80, "NOT_MET", "RESOLVED"],
    ]);
    expect(transitions).toEqual(["NORMAL→PENDING@0", "PENDING→FIRING@30", "FIRING→RESOLVED@70"]);
  });

  it("ignores a reading older than the current state", () => {
    const status: TriggerStatus = { state: "FIRING", since: 100 * S, clearSince: null };
    expect(stepTrigger(status, 50 * S, "NOT_MET", 0)).toEqual({ ...status, transition: null });
  });

  it("restarts a Pending status that has no start time instead of firing", () => {
    const step = stepTrigger({ state: "PENDING", since: null, clearSince: null }, 500 * S, "MET", 60);
    expect(step).toEqual({ state: "PENDING", since: 500 * S, clearSince: null, transition: null });
  });
});

describe("a trigger with two sources (its tile and bound alerts) fires while either does", () => {
  const firing: TriggerStatus = { state: "FIRING", since: 0, clearSince: 10 * S };
  it("holdWhileAlertFires: the tile's clear readings cannot resolve it while an alert fires, but keep their clear period", () => {
    const step = stepTrigger(firing, 50 * S, "NOT_MET", 30);
    expect(step.transition).toEqual({ from: "FIRING", to: "RESOLVED" });
    expect(holdWhileAlertFires(firing, step, true, 50 * S)).toEqual({ ...firing, transition: null });
    expect(holdWhileAlertFires(firing, step, false, 50 * S)).toBe(step);
    const fresh: TriggerStatus = { ...firing, clearSince: null };
    expect(holdWhileAlertFires(fresh, stepTrigger(fresh, 50 * S, "NOT_MET", 0), true, 50 * S)).toMatchObject({ state: "FIRING", clearSince: 50 * S, transition: null });
  });

  it.each([
    ["a breaching tile", "MET", { value: 5, at: 60 * S, quality: "fresh" }, firing, 30, true],
    ["a tile clear for less than the pending period", "NOT_MET", { value: 0.1, at: 30 * S, quality: "fresh" }, firing, 30, true],
    ["a tile not yet seen clear", "NOT_MET", { value: 0.1, at: 30 * S, quality: "fresh" }, { ...firing, clearSince: null }, 30, true],
    ["a tile clear for the pending period", "NOT_MET", { value: 0.1, at: 40 * S, quality: "fresh" }, firing, 30, false],
    ["a clear tile with no pending period", "NOT_MET", { value: 0.1, at: 11 * S, quality: "fresh" }, { ...firing, clearSince: null }, 0, false],
    ["no tile or no fresh reading", "NO_DATA", { value: null, at: null, quality: "no-tile" }, firing, 30, false],
  ] as [string, Judgement, PhaseReading, TriggerStatus, number, boolean][])("tileKeepsTriggerFiring when the last alert resolves: %s (%s)", (_name, judgement, reading, status, pending, keeps) => {
    expect(tileKeepsTriggerFiring(status, reading, judgement, pending)).toBe(keeps);
  });
});

describe("judgePhase: when a verdict is PASS, FAIL or INCONCLUSIVE", () => {
  const startedAt = 0;
  const success = (judgement: Judgement): JudgedCriterion => ({ kind: "SUCCESS", judgement, state: "NORMAL" });
  const trigger = (state: TriggerState, judgement: Judgement = "NOT_MET"): JudgedCriterion => ({ kind: "ROLLBACK_TRIGGER", judgement, state });
  type Row = [string, { minutes: number; now: number; criteria: JudgedCriterion[] }, string];
  it.each<Row>([
    ["all met, no trigger active, minimum duration run", { minutes: 30, now: 30 * MIN, criteria: [success("MET"), trigger("NORMAL")] }, "PASS"],
    ["no criteria at all", { minutes: 0, now: MIN, criteria: [] }, "INCONCLUSIVE: no-criteria"],
    ["entering the phase: no in-phase reading yet", { minutes: 0, now: 0, criteria: [success("NO_DATA"), trigger("NORMAL", "NO_DATA")] }, "INCONCLUSIVE: awaiting-data"],
    ["one criterion without fresh data", { minutes: 0, now: MIN, criteria: [success("MET"), success("NO_DATA")] }, "INCONCLUSIVE: awaiting-data"],
    ["a trigger without fresh data", { minutes: 0, now: MIN, criteria: [success("MET"), trigger("NORMAL", "NO_DATA")] }, "INCONCLUSIVE: awaiting-data"],
    ["all met but the minimum duration has not run", { minutes: 30, now: 29 * MIN, criteria: [success("MET")] }, "INCONCLUSIVE: min-duration"],
    ["all met but a trigger is pending", { minutes: 0, now: MIN, criteria: [success("MET"), trigger("PENDING", "MET")] }, "INCONCLUSIVE: trigger-pending"],
    ["a success criterion not met on fresh data", { minutes: 30, now: MIN, criteria: [success("NOT_MET"), trigger("NORMAL")] }, "FAIL: criterion-not-met"],
    ["a trigger firing", { minutes: 0, now: MIN, criteria: [success("MET"), trigger("FIRING", "MET")] }, "FAIL: trigger-fired"],
    ["a trigger that fired and resolved: the phase still failed", { minutes: 0, now: MIN, criteria: [success("MET"), trigger("RESOLVED")] }, "FAIL: trigger-fired"],
    ["a trigger firing with its source now silent", { minutes: 0, now: MIN, criteria: [trigger("FIRING", "NO_DATA")] }, "FAIL: trigger-fired"],
    ["both failures", { minutes: 0, now: MIN, criteria: [success("NOT_MET"), trigger("FIRING", "MET")] }, "FAIL: trigger-fired, criterion-not-met"],
    ["several open reasons", { minutes: 10, now: MIN, criteria: [success("NO_DATA"), trigger("PENDING", "MET")] }, "INCONCLUSIVE: min-duration, awaiting-data, trigger-pending"],
  ])("%s", (_what, { minutes, now, criteria }, expected) => {
    const { verdict, reasons } = judgePhase({ startedAt, minDurationMinutes: minutes, criteria, now });
    expect(reasons.length ? `${verdict}: ${reasons.join(", ")}` : verdict).toBe(expected);
  });
});

describe("planPhaseEvaluation: one evaluator tick", () => {
  const criterion = (c: Partial<CriterionToEvaluate>): CriterionToEvaluate => ({
    id: "t1",
    kind: "ROLLBACK_TRIGGER",
    metricKey: "error_rate",
    comparator: "GT",
    threshold: 1,
    unit: "%",
    pendingSeconds: 10,
    autoRollback: false,
    description: "Error rate > 1% for 10 s",
    state: "NORMAL",
    stateSince: null,
    clearSince: null,
    ...c,
  });
  const tile = (value: number, at: number) => ({ key: "error_rate", lastValue: value, lastSampleAt: at, lastErrorAt: null, pollIntervalSeconds: 5 });
  const phase = { startedAt: 100 * S, minDurationMinutes: 0, verdict: null };

  it("does not judge a reading from before the phase: the trigger does not move and the verdict waits", () => {
    const plan = planPhaseEvaluation({ phase, criteria: [criterion({})], tiles: [tile(4, 99 * S)], now: 101 * S });
    expect(plan.criteria[0]).toMatchObject({ judgement: "NO_DATA", transition: null, statusChanged: false });
    expect(plan).toMatchObject({ verdict: "INCONCLUSIVE", reasons: ["awaiting-data"], verdictChanged: true });
  });

  it("moves a trigger on an in-phase reading and asks for an automatic rollback once, when it fires", () => {
    const pending = planPhaseEvaluation({ phase, criteria: [criterion({ autoRollback: true })], tiles: [tile(4, 101 * S)], now: 102 * S });
    expect(pending.criteria[0]!.transition).toEqual({ from: "NORMAL", to: "PENDING" });
    expect(pending.autoRollbackIds).toEqual([]);
    const firing = planPhaseEvaluation({ phase, criteria: [criterion({ autoRollback: true, state: "PENDING", stateSince: 101 * S })], tiles: [tile(4, 111 * S)], now: 112 * S });
    expect(firing.criteria[0]!.transition).toEqual({ from: "PENDING", to: "FIRING" });
    expect(firing).toMatchObject({ verdict: "FAIL", reasons: ["trigger-fired"], autoRollbackIds: ["t1"] });
    const still = planPhaseEvaluation({ phase, criteria: [criterion({ autoRollback: true, state: "FIRING", stateSince: 111 * S })], tiles: [tile(4, 116 * S)], now: 117 * S });
    expect(still.autoRollbackIds).toEqual([]);
  });

  it("records the start of a clear period as a status change without a transition", () => {
    const plan = planPhaseEvaluation({ phase, criteria: [criterion({ state: "FIRING", stateSince: 111 * S })], tiles: [tile(0.1, 120 * S)], now: 121 * S });
    expect(plan.criteria[0]).toMatchObject({ transition: null, statusChanged: true, status: { state: "FIRING", clearSince: 120 * S } });
  });

  it("reports a verdict change only when the verdict differs from the stored one", () => {
    const plan = planPhaseEvaluation({ phase: { ...phase, verdict: "INCONCLUSIVE" }, criteria: [], tiles: [], now: 200 * S });
    expect(plan).toMatchObject({ verdict: "INCONCLUSIVE", reasons: ["no-criteria"], verdictChanged: false });
  });
});

describe("the end of a rollout", () => {
  const phases = [
    { name: "Canary", position: 0, trafficPercent: 10, status: "PASSED" as const, startedAt: "2026-12-01T10:00:00Z" },
    { name: "Half", position: 1, trafficPercent: 50, status: "ROLLED_BACK" as const, startedAt: "2026-12-01T11:00:00Z" },
    { name: "Full", position: 2, trafficPercent: 100, status: "PENDING" as const, startedAt: null },
  ];
  it.each([
    ["DRAFT", "Not started"],
    ["ROLLED_BACK", "Rolled back in Half (50% traffic)"],
    ["ABORTED", "Aborted in Half (50% traffic)"],
    ["COMPLETED", "Completed after Half (50% traffic)"],
  ] as const)("%s reads %s, never 'Not started' after the end", (status, text) => {
    expect(rolloutPosition({ status }, phases)).toBe(text);
  });
  it("says where a running rollout is", () => {
    expect(rolloutPosition({ status: "PAUSED" }, [{ ...phases[0]!, status: "PAUSED" }])).toBe("Canary · 10% traffic · paused");
  });
  it("stops clocks at endedAt", () => {
    expect(clockEnd({ status: "ROLLED_BACK", endedAt: "2026-12-01T12:00:00.000Z" }, Date.UTC(2026, 11, 1, 13))).toBe(Date.UTC(2026, 11, 1, 12));
    expect(clockEnd({ status: "ACTIVE", endedAt: null }, 42)).toBe(42);
  });
  it.each([
    [4.451038575667656, "%", "4.45 %"],
    [241.3, "ms", "241 ms"],
    [0.0421, null, "0.0421"],
    [null, "%", "—"],
  ])("formatValue(%s, %s) = %s", (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });
});

describe("stakeholderStatus: Statuspage's words and the incident state", () => {
  const NOW = 1_000_000_000;
  const base = { rollingBack: false, healthySince: null as number | null, now: NOW, recoveryMs: 5 * MIN };
  type Row = [string, Partial<Parameters<typeof stakeholderStatus>[0]> & { rolloutStatus: Parameters<typeof stakeholderStatus>[0]["rolloutStatus"] }, string];
  const ok: TileLevel[] = ["ok", "ok"];
  it.each<Row>([
    ["running and healthy", { rolloutStatus: "ACTIVE", phase: { verdict: "PASS", triggers: ["NORMAL"] }, tiles: ok }, "Operational"],
    ["running with no metrics at all", { rolloutStatus: "ACTIVE", phase: { verdict: null, triggers: [] }, tiles: [] }, "No live metrics"],
    ["running with only stale or failing tiles", { rolloutStatus: "ACTIVE", phase: { verdict: null, triggers: [] }, tiles: ["unknown", "unknown"] }, "No live metrics"],
    ["not started, no metrics", { rolloutStatus: "DRAFT", phase: null, tiles: [] }, "No live metrics"],
    ["a trigger pending", { rolloutStatus: "ACTIVE", phase: { verdict: "INCONCLUSIVE", triggers: ["PENDING"] }, tiles: ok }, "Degraded Performance / Investigating"],
    ["a tile in breach", { rolloutStatus: "ACTIVE", phase: { verdict: "INCONCLUSIVE", triggers: ["NORMAL"] }, tiles: ["breach", "ok"] }, "Partial Outage / Investigating"],
    ["a trigger firing", { rolloutStatus: "ACTIVE", phase: { verdict: "FAIL", triggers: ["FIRING"] }, tiles: ["breach"] }, "Major Outage / Identified"],
    ["a FAIL verdict", { rolloutStatus: "ACTIVE", phase: { verdict: "FAIL", triggers: ["NORMAL"] }, tiles: ok }, "Partial Outage / Identified"],
    ["rolling back", { rolloutStatus: "ACTIVE", phase: { verdict: "FAIL", triggers: ["FIRING"] }, tiles: ["breach"], rollingBack: true }, "Partial Outage / Identified"],
    ["paused, healthy", { rolloutStatus: "PAUSED", phase: { verdict: "PASS", triggers: ["NORMAL"] }, tiles: ok }, "Under Maintenance"],
    ["rolled back, still recovering", { rolloutStatus: "ROLLED_BACK", phase: { verdict: "FAIL", triggers: ["FIRING"] }, tiles: ["warn", "ok"] }, "Degraded Performance / Monitoring"],
    ["rolled back, healthy but not for long", { rolloutStatus: "ROLLED_BACK", phase: { verdict: "FAIL", triggers: ["FIRING"] }, tiles: ok, healthySince: NOW - MIN }, "Operational / Monitoring"],
    ["rolled back, healthy for the recovery period", { rolloutStatus: "ROLLED_BACK", phase: { verdict: "FAIL", triggers: ["FIRING"] }, tiles: ok, healthySince: NOW - 5 * MIN }, "Operational / Resolved"],
    ["rolled back, with no metrics to recover", { rolloutStatus: "ROLLED_BACK", phase: { verdict: "FAIL", triggers: ["FIRING"] }, tiles: [] }, "No live metrics / Monitoring"],
    ["aborted after a trigger fired", { rolloutStatus: "ABORTED", phase: { verdict: "FAIL", triggers: ["RESOLVED"] }, tiles: ok, healthySince: NOW - 10 * MIN }, "Operational / Resolved"],
    ["completed", { rolloutStatus: "COMPLETED", phase: { verdict: "PASS", triggers: ["NORMAL"] }, tiles: ok }, "Operational"],
  ])("%s → %s", (_what, input, expected) => {
    const status = stakeholderStatus({ phase: null, tiles: [], ...base, ...input });
    expect(status.incident ? `${status.overall} / ${status.incident}` : status.overall).toBe(expected);
  });

  it("says so during and after a rollback", () => {
    expect(stakeholderStatus({ ...base, rolloutStatus: "ACTIVE", phase: null, tiles: ok, rollingBack: true }).summary).toBe("Rolling back to the previous version");
    expect(stakeholderStatus({ ...base, rolloutStatus: "ROLLED_BACK", phase: null, tiles: ok, healthySince: 0 }).summary).toBe("Rolled back to the previous version; service healthy");
  });
});

describe("attentionOf: when the war room shows 'Do this now'", () => {
  const trigger = (id: string, state: TriggerState) => ({ id, kind: "ROLLBACK_TRIGGER" as const, description: id, state, stateSince: null, lastValue: 4.2, unit: "%", comparator: "GT" as const, threshold: 1 });
  const phase = (status: "ACTIVE" | "PASSED" | "PAUSED", verdict: "PASS" | "FAIL" | null, criteria: ReturnType<typeof trigger>[]) => ({ id: "p", name: "Canary", status, verdict, criteria });
  it.each([
    ["all quiet", [phase("ACTIVE", "PASS", [trigger("a", "NORMAL")])], null],
    ["a trigger pending", [phase("ACTIVE", null, [trigger("a", "PENDING")])], "a"],
    ["firing first", [phase("ACTIVE", "FAIL", [trigger("a", "PENDING"), trigger("b", "FIRING")])], "b,a"],
    ["a FAIL verdict alone", [phase("PAUSED", "FAIL", [trigger("a", "NORMAL")])], ""],
    ["a resolved trigger is not an alarm", [phase("ACTIVE", "PASS", [trigger("a", "RESOLVED")])], null],
    ["an ended phase is frozen, not an alarm", [phase("PASSED", "FAIL", [trigger("a", "FIRING")])], null],
  ] as const)("%s", (_what, phases, expected) => {
    const attention = attentionOf(phases);
    expect(attention === null ? null : attention.triggers.map((t) => t.id).join(",")).toBe(expected);
  });
});
