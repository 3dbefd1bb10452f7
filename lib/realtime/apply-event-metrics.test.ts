import { describe, expect, it } from "vitest";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { CriterionView, TileView } from "@/lib/domain/selects";
import { EVALUATION_CHANNEL, type EventEnvelope } from "@/lib/schemas/events";
import { applyLiveMessage, applyRolloutEvent } from "./apply-event";

// How the war room's cache follows the metrics and gates events (tile.*, criterion.*, phase.verdict).

const criterion: CriterionView = {
  id: "c1",
  phaseId: "p1",
  kind: "ROLLBACK_TRIGGER",
  metricKey: "error_rate",
  comparator: "GT",
  threshold: 1,
  unit: "%",
  pendingSeconds: 3,
  autoRollback: true,
  description: "Error rate > 1% for 3 s",
  state: "NORMAL",
  stateSince: null,
  lastValue: null,
  lastEvaluatedAt: null,
};
const tile = (id: string, position: number): TileView => ({
  id,
  key: id,
  label: id,
  unit: null,
  sourceKind: "PUSH",
  pollIntervalSeconds: 15,
  direction: "HIGHER_IS_WORSE",
  warnThreshold: null,
  breachThreshold: null,
  position,
  lastValue: null,
  lastSampleAt: null,
  lastError: null,
  lastErrorAt: null,
});

const state = {
  lastSeq: 10,
  rollout: { lastSeq: 10 },
  phases: [
    { id: "p1", verdict: null, verdictAt: null, criteria: [criterion] },
    { id: "p2", verdict: null, verdictAt: null, criteria: [] },
  ],
  tiles: [tile("a", 0), tile("c", 2)],
} as unknown as RolloutState;

const event = (type: string, data: Record<string, unknown>, seq = 11): EventEnvelope => ({ rolloutId: "r", seq, type, at: "2026-11-25T21:00:00.000Z", actor: { id: null, name: "War Room" }, data });

describe("applyRolloutEvent for metrics and gates", () => {
  it("applies a trigger's state change to its phase", () => {
    const firing = { ...criterion, state: "FIRING" as const, stateSince: "2026-11-25T21:00:00.000Z" };
    const next = applyRolloutEvent(state, event("criterion.state_changed", { phaseId: "p1", criterion: firing, from: "PENDING", to: "FIRING", value: 4, publicSummary: "firing" }))!;
    expect(next.lastSeq).toBe(11);
    expect(next.phases[0]!.criteria[0]).toEqual(firing);
    expect(next.phases[1]).toBe(state.phases[1]);
  });

  it("applies an auto-rollback opt-in", () => {
    const next = applyRolloutEvent(state, event("criterion.updated", { phaseId: "p1", criterion: { ...criterion, autoRollback: false }, publicSummary: "off" }))!;
    expect(next.phases[0]!.criteria[0]!.autoRollback).toBe(false);
  });

  it("applies a verdict", () => {
    const next = applyRolloutEvent(state, event("phase.verdict", { phaseId: "p1", phaseName: "Canary", verdict: "FAIL", previous: null, verdictAt: "2026-11-25T21:00:01.000Z", reasons: ["trigger-fired"], results: [], publicSummary: "FAIL" }))!;
    expect(next.phases[0]).toMatchObject({ verdict: "FAIL", verdictAt: "2026-11-25T21:00:01.000Z" });
  });

  it("keeps tiles in position order as they are added, changed and removed", () => {
    const added = applyRolloutEvent(state, event("tile.created", { tile: tile("b", 1), publicSummary: "added" }))!;
    expect(added.tiles.map((t) => t.id)).toEqual(["a", "b", "c"]);
    const moved = applyRolloutEvent(added, event("tile.updated", { tile: { ...tile("a", 5), label: "A" }, changed: ["label"], publicSummary: "changed" }, 12))!;
    expect(moved.tiles.map((t) => `${t.id}:${t.label}`)).toEqual(["b:b", "c:c", "a:A"]);
    const removed = applyRolloutEvent(moved, event("tile.deleted", { tileId: "c", key: "c", publicSummary: "removed" }, 13))!;
    expect(removed.tiles.map((t) => t.id)).toEqual(["b", "a"]);
  });

  it("applies the evaluator's live measurements, so nothing on screen ages between events", () => {
    const next = applyLiveMessage(state, {
      channel: EVALUATION_CHANNEL,
      payload: { phaseId: "p1", evaluatedAt: "2026-11-25T21:00:05.000Z", verdict: "INCONCLUSIVE", reasons: [], criteria: [{ id: "c1", lastValue: 0.4, lastEvaluatedAt: "2026-11-25T21:00:05.000Z", judgement: "NOT_MET" }] },
    });
    expect(next.phases[0]!.criteria[0]).toMatchObject({ lastValue: 0.4, lastEvaluatedAt: "2026-11-25T21:00:05.000Z" });
    expect(applyLiveMessage(state, { channel: "presence", payload: {} })).toBe(state);
  });

  it("records an auto-rollback decision without changing state, and refetches what it cannot apply", () => {
    const next = applyRolloutEvent(state, event("trigger.auto_rollback", { phaseId: "p1", phaseName: "Canary", criterionId: "c1", description: "d", value: 4, reason: "x", willRun: true, publicSummary: "x" }))!;
    expect(next).toMatchObject({ lastSeq: 11, phases: state.phases, tiles: state.tiles });
    expect(applyRolloutEvent(state, event("criterion.state_changed", {}))).toBeNull();
    expect(applyRolloutEvent(state, event("phase.verdict", { phaseId: "p1" }))).toBeNull();
  });
});
