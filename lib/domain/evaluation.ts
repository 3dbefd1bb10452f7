import { getDb, type DbTx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import type { EventEnvelope } from "@/lib/schemas/events";
import type { CriterionResult } from "@/lib/metrics/evaluate";
import { describeMeasurement, planPhaseEvaluation, type CriterionToEvaluate } from "@/lib/metrics/phase-evaluation";
import { automaticRollbackRunner, recordAutoRollbackDecision, runAutoRollbacks, type AutoRollbackDecision, type RollbackRunner } from "./auto-rollback";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { criterionSelect } from "./selects";

// The gate evaluator: for every ACTIVE phase, measure each criterion against its tile's latest reading, move rollback
// triggers (Normal → Pending → Firing), and set the phase verdict. Runs on one process at a time (lib/workers), but is
// safe to run anywhere: each phase is evaluated under its rollout's row lock, from the state it reads there, so two
// evaluators never record the same transition twice.

export type EvaluateOptions = {
  now?: Date;
  /** Defaults to automaticRollbackRunner (lib/domain/auto-rollback.ts); null records the decision only. */
  rollbackRunner?: RollbackRunner | null;
};

export type PhaseEvaluation = { phaseId: string; rolloutId: string; events: EventEnvelope[]; autoRollbacks: AutoRollbackDecision[] };

export async function evaluateActivePhases(opts: EvaluateOptions = {}): Promise<PhaseEvaluation[]> {
  const phases = await getDb().phase.findMany({ where: { status: "ACTIVE" }, select: { id: true }, orderBy: { id: "asc" } });
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

/** Evaluates one phase now; null when it is not ACTIVE (any more). */
export async function evaluatePhaseGates(phaseId: string, opts: EvaluateOptions = {}): Promise<PhaseEvaluation | null> {
  const now = opts.now ?? new Date();
  const runner = opts.rollbackRunner === undefined ? automaticRollbackRunner : opts.rollbackRunner;
  const found = await getDb().phase.findUnique({ where: { id: phaseId }, select: { rolloutId: true } });
  if (!found) return null;
  const rolloutId = found.rolloutId;

  // Most evaluations change no state: they only note the readings. Those need neither the rollout's lock (which
  // every tick of the rollout queues on) nor an event: one statement, outside it. A planned transition or verdict
  // change is planned again under the lock, from what is there then, and recorded with its events.
  const unlocked = await planEvaluation(getDb(), rolloutId, phaseId, now);
  if (!unlocked) return null;
  if (!unlocked.plan.verdictChanged && unlocked.plan.criteria.every((c) => !c.transition)) {
    await getDb().$executeRaw(noteReadingsSql(unlocked.criteria, unlocked.plan.criteria, now));
    return { phaseId, rolloutId, events: [], autoRollbacks: [] };
  }

  const { result, events } = await changeRollout(rolloutId, SYSTEM_ACTOR, async (tx, record) => {
    const planned = await planEvaluation(tx, rolloutId, phaseId, now);
    if (!planned) return null;
    const { phase, criteria, plan } = planned;

    const decisions: AutoRollbackDecision[] = [];
    for (const [i, outcome] of plan.criteria.entries()) {
      const criterion = criteria[i]!;
      const usable = outcome.reading.value !== null && !outcome.reading.stale && !outcome.reading.sourceError;
      const updated = await tx.criterion.update({
        where: { id: criterion.id },
        data: {
          lastEvaluatedAt: now,
          ...(usable ? { lastValue: outcome.reading.value } : {}),
          ...(outcome.transition ? { state: outcome.state, stateSince: outcome.stateSince === null ? null : new Date(outcome.stateSince) } : {}),
        },
        select: criterionSelect,
      });
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
      const wanted = plan.autoRollbacks.find((d) => d.criterionId === criterion.id);
      if (wanted) {
        const decision: AutoRollbackDecision = {
          rolloutId,
          phaseId,
          phaseName: phase.name,
          criterionId: criterion.id,
          description: criterion.description,
          value: outcome.reading.value,
          reason: wanted.reason,
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
        results: plan.criteria.map((c) => ({ criterionId: c.id, verdict: c.result.verdict, reason: c.result.reason, value: c.result.value })),
        publicSummary: `${phase.name}: verdict ${plan.verdict}${explainVerdict(plan.verdict, criteria, plan.criteria.map((c) => c.result))}`,
      });
    }
    return decisions;
  });
  if (result === null) return null;
  await runAutoRollbacks(runner, result);
  return { phaseId, rolloutId, events, autoRollbacks: result };
}

/** The phase's criteria and tiles as they are now, and what the evaluation plans; null when the phase is not ACTIVE. */
async function planEvaluation(db: DbTx, rolloutId: string, phaseId: string, now: Date) {
  const phase = await db.phase.findUnique({
    where: { id: phaseId },
    select: { id: true, name: true, status: true, verdict: true, criteria: { select: criterionSelect, orderBy: { id: "asc" } } },
  });
  if (!phase || phase.status !== "ACTIVE") return null;
  const keys = [...new Set(phase.criteria.map((c) => c.metricKey))];
  const tiles = await db.metricTile.findMany({
    where: { rolloutId, key: { in: keys } },
    select: { key: true, lastValue: true, lastSampleAt: true, lastErrorAt: true, pollIntervalSeconds: true },
  });
  const criteria: CriterionToEvaluate[] = phase.criteria.map((c) => ({ ...c, stateSince: c.stateSince?.getTime() ?? null }));
  const plan = planPhaseEvaluation({
    verdict: phase.verdict,
    criteria,
    tiles: tiles.map((t) => ({ ...t, lastSampleAt: t.lastSampleAt?.getTime() ?? null, lastErrorAt: t.lastErrorAt?.getTime() ?? null })),
    now: now.getTime(),
  });
  return { phase, criteria, plan };
}

type PlannedCriterion = ReturnType<typeof planPhaseEvaluation>["criteria"][number];

/** An evaluation that changed no state: every criterion's lastEvaluatedAt, and lastValue where the reading is usable. */
export function noteReadingsSql(criteria: readonly { id: string }[], outcomes: readonly Pick<PlannedCriterion, "reading">[], now: Date): Prisma.Sql {
  const rows = criteria.map((c, i) => {
    const reading = outcomes[i]!.reading;
    const usable = reading.value !== null && !reading.stale && !reading.sourceError;
    return { id: c.id, value: usable ? String(reading.value) : null };
  });
  return Prisma.sql`
    UPDATE "Criterion" c
    SET "lastEvaluatedAt" = (to_timestamp(${now.getTime()}::float8 / 1000) AT TIME ZONE 'UTC'),
        "lastValue" = coalesce(v.value::float8, c."lastValue")
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id text, value text)
    WHERE c.id = v.id`;
}

const TRANSITION_WORDS = { NORMAL: "is back to normal", PENDING: "is pending", FIRING: "is FIRING" } as const;

const REASON_WORDS: Record<CriterionResult["reason"], string> = {
  met: "met",
  "not-met": "not met",
  normal: "normal",
  pending: "pending",
  firing: "firing",
  "no-data": "no data",
  stale: "stale data",
  "source-error": "source error",
};

/** " (Error rate < 0.5%: not met)" — the criteria that decided a FAIL or left the verdict INCONCLUSIVE. */
function explainVerdict(verdict: string, criteria: CriterionToEvaluate[], results: CriterionResult[]): string {
  if (verdict === "PASS") return "";
  if (criteria.length === 0) return " (no criteria)";
  const deciding = results
    .map((r, i) => ({ r, c: criteria[i]! }))
    .filter(({ r }) => r.verdict === verdict)
    .map(({ r, c }) => `${c.description}: ${REASON_WORDS[r.reason]}`);
  return deciding.length ? ` (${deciding.join("; ")})` : "";
}
