import type { Comparator, CriterionKind, TriggerState, Verdict } from "./enums";
import {
  comparatorSymbol,
  evaluatePhase,
  latestReading,
  stepTrigger,
  type CriterionResult,
  type LatestReading,
  type TriggerTransition,
} from "./evaluate";

// One evaluator tick for one active phase, as a pure function: what each criterion reads, how each rollback trigger's
// state moves, the phase verdict, and which triggers call for an automatic rollback. lib/domain/evaluation.ts runs it
// inside the rollout's write transaction and stores the result; times are epoch ms.

export type CriterionToEvaluate = {
  id: string;
  kind: CriterionKind;
  metricKey: string;
  comparator: Comparator;
  threshold: number;
  unit: string | null;
  pendingSeconds: number;
  autoRollback: boolean;
  description: string;
  state: TriggerState;
  stateSince: number | null;
};

export type TileReadingToEvaluate = {
  key: string;
  lastValue: number | null;
  lastSampleAt: number | null;
  lastErrorAt: number | null;
  pollIntervalSeconds: number;
};

export type CriterionOutcome = {
  id: string;
  reading: LatestReading;
  /** The trigger state after this tick (SUCCESS criteria stay NORMAL). */
  state: TriggerState;
  stateSince: number | null;
  transition: TriggerTransition | null;
  result: CriterionResult;
};

export type AutoRollbackDecision = { criterionId: string; reason: string };

export type PhaseEvaluationPlan = {
  criteria: CriterionOutcome[];
  verdict: Verdict;
  /** The verdict differs from the stored one (null = never evaluated). */
  verdictChanged: boolean;
  /** One per trigger that has just moved to FIRING with autoRollback on: once per firing episode, by construction. */
  autoRollbacks: AutoRollbackDecision[];
};

const NO_TILE: LatestReading = { value: null, at: null, stale: true, sourceError: false };

export function planPhaseEvaluation(input: {
  verdict: Verdict | null;
  criteria: readonly CriterionToEvaluate[];
  tiles: readonly TileReadingToEvaluate[];
  now: number;
}): PhaseEvaluationPlan {
  const tiles = new Map(input.tiles.map((tile) => [tile.key, tile]));
  const outcomes = input.criteria.map((criterion) => {
    const tile = tiles.get(criterion.metricKey);
    const reading = tile ? latestReading(tile, input.now) : NO_TILE;
    if (criterion.kind === "SUCCESS") {
      return { criterion, reading, state: "NORMAL" as TriggerState, stateSince: criterion.stateSince, transition: null };
    }
    // A trigger is advanced by the tile's latest sample, timed by when it was measured, so the pending period is
    // measured on data. Stale or errored readings are "no data": they neither fire nor clear a trigger.
    const usable = !reading.stale && !reading.sourceError;
    const step = stepTrigger(
      { state: criterion.state, since: criterion.stateSince },
      { at: reading.at ?? input.now, value: usable ? reading.value : null, sourceError: reading.sourceError ?? false },
      criterion,
    );
    return { criterion, reading, state: step.state, stateSince: step.since, transition: step.transition };
  });

  const { verdict, results } = evaluatePhase(
    outcomes.map(({ criterion, reading, state }) => ({
      id: criterion.id,
      kind: criterion.kind,
      comparator: criterion.comparator,
      threshold: criterion.threshold,
      state,
      latest: reading,
    })),
  );

  const autoRollbacks = outcomes
    .filter(({ criterion, transition }) => criterion.autoRollback && transition?.to === "FIRING")
    .map(({ criterion, reading }) => ({ criterionId: criterion.id, reason: autoRollbackReason(criterion, reading.value) }));

  return {
    criteria: outcomes.map(({ criterion, reading, state, stateSince, transition }, i) => ({
      id: criterion.id,
      reading,
      state,
      stateSince,
      transition,
      result: results[i]!,
    })),
    verdict,
    verdictChanged: verdict !== input.verdict,
    autoRollbacks,
  };
}

/** "error_rate 4.2 % > 1 %" — a criterion and the value that decided it, for events and the rollback reason. */
export function describeMeasurement(criterion: Pick<CriterionToEvaluate, "metricKey" | "comparator" | "threshold" | "unit">, value: number | null): string {
  const unit = criterion.unit ? ` ${criterion.unit}` : "";
  const shown = value === null ? "no data" : `${formatNumber(value)}${unit}`;
  return `${criterion.metricKey} ${shown} (limit ${comparatorSymbol(criterion.comparator)} ${formatNumber(criterion.threshold)}${unit})`;
}

function autoRollbackReason(criterion: CriterionToEvaluate, value: number | null): string {
  const held = criterion.pendingSeconds > 0 ? ` for ${criterion.pendingSeconds} s` : "";
  return `Rollback trigger "${criterion.description}" fired: ${describeMeasurement(criterion, value)}${held}`;
}

/** Readable from across a room: 1234, 56.7, 4.12, 0.0421 (three significant digits below 1). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs < 1) return Number(value.toPrecision(3)).toString();
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return Number(value.toFixed(digits)).toString();
}
