import type { RecordEvent } from "./events";

// Automatic rollback: when a rollback trigger with autoRollback on moves to FIRING, the evaluator records ONE
// `trigger.auto_rollback` event in the same transaction as the transition (so once per firing episode, whatever the
// number of ticks or processes: the transition happens once under the rollout's row lock), and after commit hands the
// decision to the rollback runner.

/** Runs the rollout's rollback action; what it returns is not used. */
export type RollbackRunner = (rolloutId: string, reason: string) => Promise<unknown>;

/**
 * The rollback runner the server uses: the rollout's ROLLBACK action, run as War Room (lib/domain/action-runs.ts),
 * idempotent per reason, so a decision can never roll back twice.
 */
export { runAutomaticRollback as automaticRollbackRunner } from "./action-runs";

export type AutoRollbackDecision = {
  rolloutId: string;
  phaseId: string;
  phaseName: string;
  criterionId: string;
  description: string;
  value: number | null;
  reason: string;
};

/** Records the decision; call inside the transition's transaction. */
export async function recordAutoRollbackDecision(record: RecordEvent, decision: AutoRollbackDecision, willRun: boolean): Promise<void> {
  const { rolloutId: _rolloutId, ...data } = decision;
  await record("trigger.auto_rollback", {
    ...data,
    willRun,
    publicSummary: willRun
      ? `Automatic rollback started. ${decision.reason}`
      : `Automatic rollback decided, but it cannot run: roll back by hand. ${decision.reason}`,
  });
}

/** Runs the runner once per decision, after commit. A failing runner is logged; it never undoes the recorded decision. */
export async function runAutoRollbacks(runner: RollbackRunner | null, decisions: readonly AutoRollbackDecision[]): Promise<void> {
  if (!runner) return;
  for (const decision of decisions) {
    try {
      await runner(decision.rolloutId, decision.reason);
    } catch (error) {
      console.error(`[warroom] automatic rollback of rollout ${decision.rolloutId} failed:`, error instanceof Error ? error.message : error);
    }
  }
}
