import { compare, isStale } from "@/lib/metrics/evaluate";
import type { Comparator, CriterionKind, TriggerState, Verdict } from "@/lib/metrics/enums";
import type { judgementSchema, verdictReasonSchema } from "@/lib/schemas/events";
import type { z } from "zod";

// The one status model (pure; runs in the browser too). The evaluator (lib/domain/evaluation.ts) moves triggers
// and sets verdicts with it; every surface derives what it shows from what it stores. Times are epoch ms.
//
// - A criterion is judged only on a FRESH reading taken INSIDE the phase (after the phase started, and not older
//   than 3 poll intervals, from a source that is not failing): NO_DATA, MET (its condition holds) or NOT_MET.
// - A rollback trigger: Normal → Pending → Firing → Resolved (README, "States and transitions").
// - A phase's verdict: FAIL, INCONCLUSIVE (with reasons) or PASS; never PASS without fresh in-phase readings for
//   every criterion, while a trigger is Pending or Firing, before the minimum duration, or with no criteria.

export type Judgement = z.infer<typeof judgementSchema>;
export type VerdictReason = z.infer<typeof verdictReasonSchema>;

// ---------------------------------------------------------------------------------------------------------------------
// Readings

export type TileReading = { lastValue: number | null; lastSampleAt: number | null; lastErrorAt: number | null; pollIntervalSeconds: number };

/** Why a reading can or cannot be judged. Only "fresh" carries a value a criterion is judged on. */
export type ReadingQuality = "fresh" | "no-tile" | "no-data" | "source-error" | "before-phase" | "stale";
export type PhaseReading = { value: number | null; at: number | null; quality: ReadingQuality };

/** The tile's latest reading as a criterion of a phase started at `phaseStartedAt` sees it at `now`. */
export function readInPhase(tile: TileReading | undefined, phaseStartedAt: number | null, now: number): PhaseReading {
  if (!tile) return { value: null, at: null, quality: "no-tile" };
  const at = tile.lastSampleAt;
  const value = tile.lastValue;
  const failing = tile.lastErrorAt !== null && (at === null || tile.lastErrorAt > at);
  if (failing) return { value: null, at, quality: "source-error" };
  if (at === null) return { value: null, at, quality: "no-data" };
  if (phaseStartedAt !== null && at < phaseStartedAt) return { value: null, at, quality: "before-phase" };
  if (isStale(at, now, tile.pollIntervalSeconds)) return { value: null, at, quality: "stale" };
  if (value === null || !Number.isFinite(value)) return { value: null, at, quality: "no-data" };
  return { value, at, quality: "fresh" };
}

/** MET: the criterion's condition holds on a fresh in-phase reading (for a trigger: it is breaching). */
export function judgeCriterion(criterion: { comparator: Comparator; threshold: number }, reading: PhaseReading): Judgement {
  if (reading.quality !== "fresh" || reading.value === null) return "NO_DATA";
  return compare(reading.value, criterion.comparator, criterion.threshold) ? "MET" : "NOT_MET";
}

// ---------------------------------------------------------------------------------------------------------------------
// Rollback triggers

export type TriggerStatus = {
  state: TriggerState;
  /** When the current state was entered; null for a trigger that never left NORMAL. */
  since: number | null;
  /** While FIRING: when the condition became clear; RESOLVED once it has stayed clear for the pending period. */
  clearSince: number | null;
};
export const INITIAL_TRIGGER_STATUS: TriggerStatus = { state: "NORMAL", since: null, clearSince: null };

export type TriggerTransition = { from: TriggerState; to: TriggerState };
export type TriggerStep = TriggerStatus & { transition: TriggerTransition | null };

/**
 * Advances a trigger by one reading taken at `at`; `breaching` is its judgement (MET = breaching, NOT_MET = clear,
 * NO_DATA = nothing to go on). Measured on reading times, so the pending period is measured on data.
 *
 * | from     | breaching                                      | clear                                                |
 * |----------|------------------------------------------------|------------------------------------------------------|
 * | NORMAL   | PENDING (FIRING if pendingSeconds is 0)        | NORMAL                                               |
 * | PENDING  | FIRING once held for pendingSeconds            | NORMAL                                               |
 * | FIRING   | FIRING (the clear period restarts)             | RESOLVED once clear for pendingSeconds               |
 * | RESOLVED | PENDING (FIRING if pendingSeconds is 0)        | RESOLVED                                             |
 *
 * No data (missing, stale, before the phase, source error) keeps the state and its timers: it never fires, clears
 * or resolves a trigger. A reading older than the current state's start changes nothing.
 */
export function stepTrigger(previous: TriggerStatus, at: number, judgement: Judgement, pendingSeconds: number): TriggerStep {
  const unchanged: TriggerStep = { ...previous, transition: null };
  if (judgement === "NO_DATA") return unchanged;
  if (previous.since !== null && at < previous.since) return unchanged;
  const pendingMs = Math.max(0, pendingSeconds) * 1000;
  const move = (to: TriggerState): TriggerStep => ({ state: to, since: at, clearSince: null, transition: { from: previous.state, to } });
  const breaching = judgement === "MET";

  switch (previous.state) {
    case "NORMAL":
    case "RESOLVED":
      if (!breaching) return unchanged;
      return move(pendingMs === 0 ? "FIRING" : "PENDING");
    case "PENDING":
      if (!breaching) return move("NORMAL");
      // A PENDING row without a start time (hand-edited) restarts its period rather than firing at once.
      if (previous.since === null) return { ...previous, since: at, transition: null };
      return at - previous.since >= pendingMs ? move("FIRING") : unchanged;
    case "FIRING": {
      if (breaching) return previous.clearSince === null ? unchanged : { ...previous, clearSince: null, transition: null };
      const clearSince = previous.clearSince ?? at;
      if (at < clearSince) return unchanged;
      return at - clearSince >= pendingMs ? move("RESOLVED") : { ...previous, clearSince, transition: null };
    }
  }
}

/** A trigger that is Pending or Firing calls for attention (and blocks promotion). */
export function isTriggerActive(state: TriggerState): boolean {
  return state === "PENDING" || state === "FIRING";
}

/** Firing or Resolved: it fired during the phase. */
export function hasTriggerFired(state: TriggerState): boolean {
  return state === "FIRING" || state === "RESOLVED";
}

// ---------------------------------------------------------------------------------------------------------------------
// Phase verdict

export type JudgedCriterion = { kind: CriterionKind; judgement: Judgement; state: TriggerState };
export type PhaseJudgement = { verdict: Verdict; reasons: VerdictReason[] };

/** When a phase's minimum duration has run (null: not started). */
export function minDurationEndsAt(phase: { startedAt: number | null; minDurationMinutes: number }): number | null {
  return phase.startedAt === null ? null : phase.startedAt + phase.minDurationMinutes * 60_000;
}

/**
 * FAIL when a trigger has fired in this phase (Firing, or Resolved: the build hurt users at this traffic, and a
 * metric that recovered afterwards does not undo that) or a success criterion is NOT_MET on a fresh in-phase
 * reading. Otherwise INCONCLUSIVE while there are no criteria, the minimum duration has not run, a criterion has
 * no fresh in-phase reading, or a trigger is Pending. PASS only when none of these holds.
 */
export function judgePhase(input: { startedAt: number | null; minDurationMinutes: number; criteria: readonly JudgedCriterion[]; now: number }): PhaseJudgement {
  const fail: VerdictReason[] = [];
  if (input.criteria.some((c) => c.kind === "ROLLBACK_TRIGGER" && hasTriggerFired(c.state))) fail.push("trigger-fired");
  if (input.criteria.some((c) => c.kind === "SUCCESS" && c.judgement === "NOT_MET")) fail.push("criterion-not-met");
  if (fail.length) return { verdict: "FAIL", reasons: fail };

  const open: VerdictReason[] = [];
  if (input.criteria.length === 0) open.push("no-criteria");
  const endsAt = minDurationEndsAt(input);
  if (endsAt === null || input.now < endsAt) open.push("min-duration");
  if (input.criteria.some((c) => c.judgement === "NO_DATA")) open.push("awaiting-data");
  if (input.criteria.some((c) => c.kind === "ROLLBACK_TRIGGER" && c.state === "PENDING")) open.push("trigger-pending");
  return open.length ? { verdict: "INCONCLUSIVE", reasons: open } : { verdict: "PASS", reasons: [] };
}

export const VERDICT_REASON_TEXT: Record<VerdictReason, string> = {
  "no-criteria": "no criteria",
  "min-duration": "minimum duration not reached",
  "awaiting-data": "waiting for fresh readings in this phase",
  "trigger-pending": "a rollback trigger is pending",
  "trigger-fired": "a rollback trigger fired",
  "criterion-not-met": "a success criterion is not met",
};

// ---------------------------------------------------------------------------------------------------------------------
// One evaluator tick for one running phase

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
  clearSince: number | null;
};

export type CriterionOutcome = {
  id: string;
  reading: PhaseReading;
  judgement: Judgement;
  /** The trigger's status after this tick (SUCCESS criteria stay NORMAL). */
  status: TriggerStatus;
  /** The stored status must be written (a transition, or a clear period started or broken). */
  statusChanged: boolean;
  transition: TriggerTransition | null;
};

export type PhaseEvaluationPlan = {
  criteria: CriterionOutcome[];
  verdict: Verdict;
  reasons: VerdictReason[];
  /** The verdict differs from the stored one (null = never evaluated). */
  verdictChanged: boolean;
  /** Triggers that have just moved to FIRING with autoRollback on: once per firing episode, by construction. */
  autoRollbackIds: string[];
};

export function planPhaseEvaluation(input: {
  phase: { startedAt: number | null; minDurationMinutes: number; verdict: Verdict | null };
  criteria: readonly CriterionToEvaluate[];
  tiles: readonly (TileReading & { key: string })[];
  now: number;
}): PhaseEvaluationPlan {
  const tiles = new Map(input.tiles.map((tile) => [tile.key, tile]));
  const outcomes = input.criteria.map((criterion): CriterionOutcome => {
    const reading = readInPhase(tiles.get(criterion.metricKey), input.phase.startedAt, input.now);
    const judgement = judgeCriterion(criterion, reading);
    const previous: TriggerStatus = { state: criterion.state, since: criterion.stateSince, clearSince: criterion.clearSince };
    if (criterion.kind === "SUCCESS") return { id: criterion.id, reading, judgement, status: previous, statusChanged: false, transition: null };
    const step = stepTrigger(previous, reading.at ?? input.now, judgement, criterion.pendingSeconds);
    const { transition, ...status } = step;
    const statusChanged = status.state !== previous.state || status.since !== previous.since || status.clearSince !== previous.clearSince;
    return { id: criterion.id, reading, judgement, status, statusChanged, transition };
  });
  const { verdict, reasons } = judgePhase({
    startedAt: input.phase.startedAt,
    minDurationMinutes: input.phase.minDurationMinutes,
    criteria: outcomes.map((o, i) => ({ kind: input.criteria[i]!.kind, judgement: o.judgement, state: o.status.state })),
    now: input.now,
  });
  return {
    criteria: outcomes,
    verdict,
    reasons,
    verdictChanged: verdict !== input.phase.verdict,
    autoRollbackIds: outcomes.filter((o, i) => input.criteria[i]!.autoRollback && o.transition?.to === "FIRING").map((o) => o.id),
  };
}
