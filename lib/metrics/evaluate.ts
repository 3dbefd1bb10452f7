import { z } from "zod";
import { comparatorSchema, criterionKindSchema, triggerStateSchema, verdictSchema, type Comparator, type TriggerState, type Verdict } from "./enums";

// Criteria evaluation: rollback triggers as a Normal → Pending → Firing state machine (Grafana alerting's model) and
// the success verdict of a phase (Argo Rollouts' model: failing data fails, missing data leaves it to a human).
// All times are epoch milliseconds; durations in criteria are seconds, as stored.

// ---------------------------------------------------------------------------------------------------------------------
// Comparison

// Metric values are computed floats (7 / 100 × 100 = 7.000000000000001), so "at the threshold" is decided with a
// relative tolerance; beyond that, strict comparators stay strict.
const RELATIVE_TOLERANCE = 1e-9;

function nearlyEqual(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Whether `value <comparator> threshold` holds. NaN never satisfies anything. */
export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  if (Number.isNaN(value) || Number.isNaN(threshold)) return false;
  const equal = nearlyEqual(value, threshold);
  switch (comparator) {
    case "LT":
      return value < threshold && !equal;
    case "LTE":
      return value < threshold || equal;
    case "GT":
      return value > threshold && !equal;
    case "GTE":
      return value > threshold || equal;
    case "EQ":
      return equal;
  }
}

const COMPARATOR_SYMBOLS: Record<Comparator, string> = { LT: "<", LTE: "≤", GT: ">", GTE: "≥", EQ: "=" };

/** "> 1" — for display next to a criterion. */
export function comparatorSymbol(comparator: Comparator): string {
  return COMPARATOR_SYMBOLS[comparator];
}

// ---------------------------------------------------------------------------------------------------------------------
// Rollback triggers

export const triggerStatusSchema = z.object({
  state: triggerStateSchema,
  /** When the current state was entered; null for a trigger that has never left NORMAL. */
  since: z.number().nullable(),
});
export type TriggerStatus = z.infer<typeof triggerStatusSchema>;

export const INITIAL_TRIGGER_STATUS: TriggerStatus = { state: "NORMAL", since: null };

export const observationSchema = z.object({
  at: z.number(),
  /** null = no data (nothing to compute yet, no traffic, no series). */
  value: z.number().nullable(),
  /** The source could not be read (timeout, HTTP error, unparsable response). */
  sourceError: z.boolean().optional(),
});
export type Observation = z.infer<typeof observationSchema>;

export const triggerConditionSchema = z.object({
  comparator: comparatorSchema,
  threshold: z.number(),
  /** How long the condition must hold before the trigger fires; 0 fires on the first breaching observation. */
  pendingSeconds: z.number().min(0),
});
export type TriggerCondition = z.infer<typeof triggerConditionSchema>;

export type TriggerTransition = { from: TriggerState; to: TriggerState };
export type TriggerStep = TriggerStatus & { transition: TriggerTransition | null };

/**
 * Advances a rollback trigger by one observation.
 *
 * - Condition true: NORMAL → PENDING (or straight to FIRING when pendingSeconds is 0); PENDING → FIRING once the
 *   condition has held since the PENDING start for at least pendingSeconds (exactly reaching it counts).
 * - Condition false: back to NORMAL from any state (FIRING recovers as soon as the metric does; what to do about the
 *   rollback it caused is the caller's decision).
 * - No data or a source error: keep the current state and its `since` (Grafana's "keep last state"). A running
 *   PENDING timer is neither reset nor allowed to complete on such an observation; the next real observation that
 *   still breaches fires if the pending period has elapsed by then. Missing data therefore never fires a trigger
 *   and never clears one.
 * - An observation older than the current state's `since` (out of order) changes nothing.
 */
export function stepTrigger(previous: TriggerStatus, observation: Observation, criterion: TriggerCondition): TriggerStep {
  const unchanged: TriggerStep = { state: previous.state, since: previous.since, transition: null };
  const { at, value } = observation;
  if (observation.sourceError || value === null || !Number.isFinite(value)) return unchanged;
  if (previous.since !== null && at < previous.since) return unchanged;

  const move = (to: TriggerState): TriggerStep =>
    to === previous.state ? unchanged : { state: to, since: at, transition: { from: previous.state, to } };

  if (!compare(value, criterion.comparator, criterion.threshold)) return move("NORMAL");

  switch (previous.state) {
    case "FIRING":
      return unchanged;
    case "NORMAL":
      return move(criterion.pendingSeconds <= 0 ? "FIRING" : "PENDING");
    case "PENDING": {
      // A PENDING status without a start time (hand-edited row) restarts its period now rather than firing at once.
      if (previous.since === null) return { state: "PENDING", since: at, transition: null };
      return at - previous.since >= criterion.pendingSeconds * 1000 ? move("FIRING") : unchanged;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Freshness

/** A reading older than this many poll intervals is stale: the source has stopped answering, whatever it last said. */
export const STALE_AFTER_POLL_INTERVALS = 3;

export function staleAfterMs(pollIntervalSeconds: number, intervals: number = STALE_AFTER_POLL_INTERVALS): number {
  return pollIntervalSeconds * intervals * 1000;
}

/** Whether a reading taken at `at` is stale at `now`. Never read is stale. */
export function isStale(at: number | null, now: number, pollIntervalSeconds: number, intervals: number = STALE_AFTER_POLL_INTERVALS): boolean {
  if (at === null) return true;
  return now - at > staleAfterMs(pollIntervalSeconds, intervals);
}

export const latestReadingSchema = z.object({
  value: z.number().nullable(),
  at: z.number().nullable(),
  stale: z.boolean(),
  /** The most recent poll of the source failed. */
  sourceError: z.boolean().optional(),
});
export type LatestReading = z.infer<typeof latestReadingSchema>;

/**
 * The latest reading of a metric tile as criteria see it, from the tile's stored fields (times in epoch ms). The
 * source is in error when its last error is newer than its last sample.
 */
export function latestReading(
  tile: { lastValue: number | null; lastSampleAt: number | null; lastErrorAt?: number | null; pollIntervalSeconds: number },
  now: number,
): LatestReading {
  const lastErrorAt = tile.lastErrorAt ?? null;
  const sourceError = lastErrorAt !== null && (tile.lastSampleAt === null || lastErrorAt > tile.lastSampleAt);
  return {
    value: tile.lastValue,
    at: tile.lastSampleAt,
    stale: isStale(tile.lastSampleAt, now, tile.pollIntervalSeconds),
    sourceError,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Phase verdict

export const phaseCriterionSchema = z.object({
  id: z.string().optional(),
  kind: criterionKindSchema,
  comparator: comparatorSchema,
  threshold: z.number(),
  /** For ROLLBACK_TRIGGER: the state stepTrigger maintains. The state machine, not the latest value, decides. */
  state: triggerStateSchema.optional(),
  latest: latestReadingSchema,
});
export type PhaseCriterion = z.infer<typeof phaseCriterionSchema>;

export const criterionReasonSchema = z.enum([
  "met", // success condition holds on fresh data
  "not-met", // success condition fails on fresh data
  "normal", // trigger not breaching
  "pending", // trigger breaching, pending period not over
  "firing", // trigger fired
  "no-data",
  "stale",
  "source-error",
]);
export type CriterionReason = z.infer<typeof criterionReasonSchema>;

export const criterionResultSchema = z.object({
  id: z.string().optional(),
  kind: criterionKindSchema,
  verdict: verdictSchema,
  reason: criterionReasonSchema,
  value: z.number().nullable(),
  /** Whether the criterion's own condition holds on the latest fresh value (success met / trigger breaching); null without fresh data. */
  conditionHolds: z.boolean().nullable(),
});
export type CriterionResult = z.infer<typeof criterionResultSchema>;

export function evaluateCriterion(criterion: PhaseCriterion): CriterionResult {
  const { latest } = criterion;
  const fresh = latest.value !== null && Number.isFinite(latest.value) && !latest.stale && !latest.sourceError;
  const conditionHolds = fresh && latest.value !== null ? compare(latest.value, criterion.comparator, criterion.threshold) : null;
  const result = (verdict: Verdict, reason: CriterionReason): CriterionResult => ({
    ...(criterion.id === undefined ? {} : { id: criterion.id }),
    kind: criterion.kind,
    verdict,
    reason,
    value: latest.value,
    conditionHolds,
  });

  // A fired trigger stays a failure even if its source has since gone quiet.
  if (criterion.kind === "ROLLBACK_TRIGGER" && criterion.state === "FIRING") return result("FAIL", "firing");
  if (latest.sourceError) return result("INCONCLUSIVE", "source-error");
  if (latest.value === null || !Number.isFinite(latest.value)) return result("INCONCLUSIVE", "no-data");
  if (latest.stale) return result("INCONCLUSIVE", "stale");

  if (criterion.kind === "SUCCESS") return conditionHolds ? result("PASS", "met") : result("FAIL", "not-met");
  // A trigger that is breaching but not yet firing may still fire: not a pass until it clears or a human decides.
  return criterion.state === "PENDING" ? result("INCONCLUSIVE", "pending") : result("PASS", "normal");
}

/**
 * FAIL if any rollback trigger is firing or any success criterion fails on fresh data; otherwise INCONCLUSIVE if any
 * criterion lacks fresh data (or a trigger is pending), or if there are no criteria at all (nothing was checked);
 * otherwise PASS.
 */
export function evaluatePhase(criteria: readonly PhaseCriterion[]): { verdict: Verdict; results: CriterionResult[] } {
  const results = criteria.map(evaluateCriterion);
  const verdict: Verdict = results.some((r) => r.verdict === "FAIL")
    ? "FAIL"
    : results.length === 0 || results.some((r) => r.verdict === "INCONCLUSIVE")
      ? "INCONCLUSIVE"
      : "PASS";
  return { verdict, results };
}

export function phaseVerdict(criteria: readonly PhaseCriterion[]): Verdict {
  return evaluatePhase(criteria).verdict;
}
