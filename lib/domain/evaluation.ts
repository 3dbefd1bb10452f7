import "server-only";
import { getDb, type DbTx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { EVALUATION_CHANNEL, type EvaluationPayload, type EventEnvelope } from "@/lib/schemas/events";
import { describeMeasurement } from "@/lib/metrics/phase-evaluation";
import { publishVolatile } from "@/lib/realtime/publisher";
import { automaticRollbackRunner, recordAutoRollbackDecision, runAutoRollbacks, type AutoRollbackDecision, type RollbackRunner } from "./auto-rollback";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { criterionSelect } from "./selects";
import { hasTriggerFired, planPhaseEvaluation, VERDICT_REASON_TEXT, type CriterionOutcome, type CriterionToEvaluate, type PhaseReading, type VerdictReason } from "./status";

// The gate evaluator: for every running (ACTIVE or PAUSED: pausing changes no traffic) phase, judge each criterion
// on its tile's latest in-phase reading, move rollback triggers (Normal → Pending → Firing → Resolved) and set the
// phase verdict, all by the status model (./status.ts). Transitions and verdicts are events; the rest of what
// clients show (each criterion's last value and judgement, when it was evaluated) goes out on the live
// "evaluation" channel, so nothing on screen ages while the evaluator runs. Phases that ended are not evaluated:
// their triggers keep the state they ended in. Runs on one process at a time (lib/workers), but is
// safe to run anywhere: every change of state is planned and recorded under its rollout's row lock, from the state it
// reads there, so two evaluators never record the same transition twice (an evaluation that changes no state only
// notes the readings, in one statement, without the lock).

export type EvaluateOptions = {
  now?: Date;
  /** Defaults to automaticRollbackRunner (lib/domain/auto-rollback.ts); null records the decision only. */
  rollbackRunner?: RollbackRunner | null;
};

export type PhaseEvaluation = { phaseId: string; rolloutId: string; events: EventEnvelope[]; autoRollbacks: AutoRollbackDecision[] };

export async function evaluateActivePhases(opts: EvaluateOptions = {}): Promise<PhaseEvaluation[]> {
  const phases = await getDb().phase.findMany({ where: { status: { in: ["ACTIVE", "PAUSED"] } }, select: { id: true }, orderBy: { id: "asc" } });
  const results: PhaseEvaluation[] = [];
  for (const phase of phases) {
    try {
      const result = await evaluatePhaseGates(phase.id, opts);
      if (result) results.push(result);
    } catch (error) {
      // One broken phase must not stop the others from being evaluated.
      console.error(`[warroom] evaluating phase ${phase.id} failed:`, error);
    }
  }
  return results;
}

/** Evaluates one phase now; null when it is not running (any more). */
export async function evaluatePhaseGates(phaseId: string, opts: EvaluateOptions = {}): Promise<PhaseEvaluation | null> {
  const now = opts.now ?? new Date();
  const runner = opts.rollbackRunner === undefined ? automaticRollbackRunner : opts.rollbackRunner;
  const found = await getDb().phase.findUnique({ where: { id: phaseId }, select: { rolloutId: true } });
  if (!found) return null;
  const rolloutId = found.rolloutId;

  // Most evaluations change no state: they only note the readings. Those need neither the rollout's lock (which
  // every tick of the rollout queues on) nor an event: one statement, outside it. A planned change of state or
  // verdict is planned again under the lock, from what is there then, and recorded with its events.
  const unlocked = await planEvaluation(getDb(), rolloutId, phaseId, now);
  if (!unlocked) return null;
  if (!unlocked.plan.verdictChanged && unlocked.plan.criteria.every((c) => !c.statusChanged && !c.transition)) {
    const { phase, criteria, plan } = unlocked;
    await getDb().$executeRaw(noteReadingsSql(criteria, plan.criteria, now));
    const live: EvaluationPayload["criteria"] = plan.criteria.map((outcome, i) => ({
      id: criteria[i]!.id,
      lastValue: outcome.reading.quality === "fresh" ? outcome.reading.value : phase.criteria[i]!.lastValue,
      lastEvaluatedAt: now.toISOString(),
      judgement: outcome.judgement,
    }));
    publishVolatile(rolloutId, EVALUATION_CHANNEL, { phaseId, evaluatedAt: now.toISOString(), verdict: plan.verdict, reasons: plan.reasons, criteria: live });
    return { phaseId, rolloutId, events: [], autoRollbacks: [] };
  }

  const { result, events } = await changeRollout(rolloutId, SYSTEM_ACTOR, async (tx, record) => {
    const planned = await planEvaluation(tx, rolloutId, phaseId, now);
    if (!planned) return null;
    const { phase, criteria, plan } = planned;

    const decisions: AutoRollbackDecision[] = [];
    const live: EvaluationPayload["criteria"] = [];
    for (const [i, outcome] of plan.criteria.entries()) {
      const criterion = criteria[i]!;
      const usable = outcome.reading.quality === "fresh";
      const date = (ms: number | null) => (ms === null ? null : new Date(ms));
      const updated = await tx.criterion.update({
        where: { id: criterion.id },
        data: {
          lastEvaluatedAt: now,
          ...(usable ? { lastValue: outcome.reading.value } : {}),
          ...(outcome.statusChanged ? { state: outcome.status.state, stateSince: date(outcome.status.since), clearSince: date(outcome.status.clearSince) } : {}),
        },
        select: criterionSelect,
      });
      live.push({ id: criterion.id, lastValue: updated.lastValue, lastEvaluatedAt: now.toISOString(), judgement: outcome.judgement });
      if (!outcome.transition) continue;
      const { from, to } = outcome.transition;
      await record("criterion.state_changed", {
        phaseId,
        criterion: jsonify(updated),
        from,
        to,
        value: outcome.reading.value,
        publicSummary: `Rollback trigger "${criterion.description}" ${TRANSITION_WORDS[to]}: ${describeMeasurement(criterion, outcome.reading.value)}`,
      });
      if (plan.autoRollbackIds.includes(criterion.id)) {
        const decision: AutoRollbackDecision = {
          rolloutId,
          phaseId,
          phaseName: phase.name,
          criterionId: criterion.id,
          description: criterion.description,
          value: outcome.reading.value,
          reason: autoRollbackReason(criterion, outcome.reading.value),
        };
        // It will run only if there is a runner and something to run: the rollout's rollback action.
        const rollbackConfigured = (await tx.action.count({ where: { rolloutId, kind: "ROLLBACK", deletedAt: null } })) > 0;
        await recordAutoRollbackDecision(record, decision, runner !== null && rollbackConfigured);
        decisions.push(decision);
      }
    }

    if (plan.verdictChanged) {
      await tx.phase.update({ where: { id: phaseId }, data: { verdict: plan.verdict, verdictAt: now } });
      await record("phase.verdict", {
        phaseId,
        phaseName: phase.name,
        verdict: plan.verdict,
        previous: phase.verdict,
        verdictAt: now,
        reasons: plan.reasons,
        results: plan.criteria.map((c) => ({ criterionId: c.id, judgement: c.judgement, state: c.status.state, value: c.reading.value })),
        publicSummary: `${phase.name}: verdict ${plan.verdict}${explainVerdict(plan.reasons, criteria, plan.criteria)}`,
      });
    }
    const payload: EvaluationPayload = { phaseId, evaluatedAt: now.toISOString(), verdict: plan.verdict, reasons: plan.reasons, criteria: live };
    return { decisions, payload };
  });
  if (result === null) return null;
  publishVolatile(rolloutId, EVALUATION_CHANNEL, result.payload);
  await runAutoRollbacks(runner, result.decisions);
  return { phaseId, rolloutId, events, autoRollbacks: result.decisions };
}

/** The phase's criteria and tiles as they are now, and what the evaluation plans; null when the phase is not running. */
async function planEvaluation(db: DbTx, rolloutId: string, phaseId: string, now: Date) {
  const phase = await db.phase.findUnique({
    where: { id: phaseId },
    select: {
      id: true,
      name: true,
      status: true,
      verdict: true,
      startedAt: true,
      minDurationMinutes: true,
      criteria: { select: { ...criterionSelect, clearSince: true, firingAlerts: true }, orderBy: { id: "asc" } },
    },
  });
  if (!phase || (phase.status !== "ACTIVE" && phase.status !== "PAUSED")) return null;
  const keys = [...new Set(phase.criteria.map((c) => c.metricKey))];
  const tiles = await db.metricTile.findMany({
    where: { rolloutId, key: { in: keys } },
    select: { key: true, lastValue: true, lastSampleAt: true, lastErrorAt: true, pollIntervalSeconds: true },
  });
  const criteria: CriterionToEvaluate[] = phase.criteria.map(({ firingAlerts, ...c }) => ({
    ...c,
    stateSince: c.stateSince?.getTime() ?? null,
    clearSince: c.clearSince?.getTime() ?? null,
    alertFiring: firingAlerts.length > 0,
  }));
  const plan = planPhaseEvaluation({
    phase: { startedAt: phase.startedAt?.getTime() ?? null, minDurationMinutes: phase.minDurationMinutes, verdict: phase.verdict },
    criteria,
    tiles: tiles.map((t) => ({ ...t, lastSampleAt: t.lastSampleAt?.getTime() ?? null, lastErrorAt: t.lastErrorAt?.getTime() ?? null })),
    now: now.getTime(),
  });
  return { phase, criteria, plan };
}

type PlannedCriterion = ReturnType<typeof planPhaseEvaluation>["criteria"][number];

/** An evaluation that changed no state: every criterion's lastEvaluatedAt, and lastValue where the reading is fresh. */
export function noteReadingsSql(criteria: readonly { id: string }[], outcomes: readonly Pick<PlannedCriterion, "reading">[], now: Date): Prisma.Sql {
  const rows = criteria.map((c, i) => {
    const reading = outcomes[i]!.reading;
    return { id: c.id, value: reading.quality === "fresh" && reading.value !== null ? String(reading.value) : null };
  });
  return Prisma.sql`
    UPDATE "Criterion" c
    SET "lastEvaluatedAt" = (to_timestamp(${now.getTime()}::float8 / 1000) AT TIME ZONE 'UTC'),
        "lastValue" = coalesce(v.value::float8, c."lastValue")
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id text, value text)
    WHERE c.id = v.id`;
}

const TRANSITION_WORDS = { NORMAL: "is back to normal", PENDING: "is pending", FIRING: "is FIRING", RESOLVED: "is resolved" } as const;

function autoRollbackReason(criterion: CriterionToEvaluate, value: number | null): string {
  const held = criterion.pendingSeconds > 0 ? ` for ${criterion.pendingSeconds} s` : "";
  return `Rollback trigger "${criterion.description}" fired: ${describeMeasurement(criterion, value)}${held}`;
}

const QUALITY_WORDS: Record<PhaseReading["quality"], string> = {
  fresh: "fresh",
  "no-tile": "no tile",
  "no-data": "no data",
  "source-error": "source error",
  "before-phase": "no reading in this phase yet",
  stale: "stale data",
};

/**
 * " (a rollback trigger fired: Error rate > 1% for 30 s)": why the verdict is not PASS, naming the criteria behind
 * each reason.
 */
function explainVerdict(reasons: readonly VerdictReason[], criteria: readonly CriterionToEvaluate[], outcomes: readonly CriterionOutcome[]): string {
  const named = (pick: (c: CriterionToEvaluate, o: CriterionOutcome) => boolean, detail?: (o: CriterionOutcome) => string) =>
    criteria
      .map((c, i) => ({ c, o: outcomes[i]! }))
      .filter(({ c, o }) => pick(c, o))
      .map(({ c, o }) => (detail ? `${c.description}: ${detail(o)}` : c.description))
      .join("; ");
  const parts = reasons.map((reason) => {
    const text = VERDICT_REASON_TEXT[reason];
    const which =
      reason === "trigger-fired"
        ? named((c, o) => c.kind === "ROLLBACK_TRIGGER" && hasTriggerFired(o.status.state))
        : reason === "criterion-not-met"
          ? named((c, o) => c.kind === "SUCCESS" && o.judgement === "NOT_MET")
          : reason === "awaiting-data"
            ? named((_c, o) => o.judgement === "NO_DATA", (o) => QUALITY_WORDS[o.reading.quality])
            : reason === "trigger-pending"
              ? named((c, o) => c.kind === "ROLLBACK_TRIGGER" && o.status.state === "PENDING")
              : "";
    return which ? `${text}: ${which}` : text;
  });
  return parts.length ? ` (${parts.join("; ")})` : "";
}
