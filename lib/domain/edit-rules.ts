// Pure: which plan edits are still allowed, given where the rollout is. The domain functions (plan-*.ts) ask these
// inside the editing transaction and answer 409 with the reason; the editing UI asks the same to grey out controls.
//
// - An archived or ended rollout is the record: nothing in its plan changes (clone it to plan again).
// - Phases: only PENDING phases can be removed; the running phase's traffic % was set when it started and does not
//   change (promote, or run a set-traffic action); finished phases are history; reordering only before start.
// - Criteria of a finished phase are history; edited while their phase runs, they are audited as mid-phase and
//   re-evaluated at once (their trigger state starts again from Normal).
// - A gate whose step has been taken (start gates after start, a phase's gates once it has started) keeps its
//   roles; a gate with signatures is never removed (signatures are append-only).
// - After start, a ticked item (or a section holding one) cannot be deleted: skip it instead.
// - A destructive edit can be undone for UNDO_WINDOW_MS.

export const UNDO_WINDOW_MS = 10 * 60_000;

type RolloutLike = { status: string; archivedAt: string | Date | null };
type PhaseLike = { status: string; name: string };
type GateLike = { name: string; kind: string; phaseId: string | null };

const ENDED = new Set(["COMPLETED", "ROLLED_BACK", "ABORTED"]);
const RUNNING_PHASE = new Set(["ACTIVE", "PAUSED"]);

export const isStarted = (rollout: { status: string }) => rollout.status !== "DRAFT";
export const isPhaseRunning = (phase: { status: string }) => RUNNING_PHASE.has(phase.status);
const isPhaseFinished = (phase: { status: string }) => phase.status !== "PENDING" && !RUNNING_PHASE.has(phase.status);

/** Why nothing in this rollout's plan may change, or null when it may. */
export function planLockedReason(rollout: RolloutLike): string | null {
  if (rollout.archivedAt) return "This rollout is archived: unarchive it to change its plan";
  if (ENDED.has(rollout.status)) return `This rollout has ended (${rollout.status}): its plan is the record now; clone it to plan again`;
  return null;
}

export type PhaseChange = "rename" | "traffic" | "duration" | "remove" | "move" | "criteria";

export function phaseEditBlocker(rollout: { status: string }, phase: PhaseLike, change: PhaseChange): string | null {
  if (change === "move" && isStarted(rollout)) return "Phases can be reordered only before the rollout starts";
  if (isPhaseFinished(phase)) return `Phase "${phase.name}" has ended (${phase.status}): it is part of the record`;
  if (change === "remove" && isPhaseRunning(phase)) return `Phase "${phase.name}" is running: the active phase cannot be removed`;
  if (change === "traffic" && isPhaseRunning(phase)) {
    return `Phase "${phase.name}" is running: its traffic was set when it started; promote, or run a set-traffic action`;
  }
  return null;
}

/** A criterion changed while its phase runs: the change is audited as mid-phase and the phase re-evaluated. */
export const isMidPhaseChange = (phase: { status: string }) => isPhaseRunning(phase);

/**
 * The gate's step has been taken: a start gate (no phase) once the rollout has started, a phase's gate once that phase
 * is no longer pending. Its roles and approvers then stay as they were signed against.
 */
export function gateEditBlocker(rollout: { status: string }, gate: GateLike, phase: PhaseLike | null): string | null {
  if (gate.phaseId === null ? isStarted(rollout) && gate.kind !== "POST_DEPLOYMENT" && gate.kind !== "CUSTOM" : phase !== null && phase.status !== "PENDING") {
    return `"${gate.name}" guarded a step that has been taken: it stays as it was signed against`;
  }
  return null;
}

export function gateRemoveBlocker(rollout: { status: string }, gate: GateLike, phase: PhaseLike | null, signatureCount: number): string | null {
  if (signatureCount > 0) return `"${gate.name}" has signatures: they stay on the record, so the gate does too`;
  return gateEditBlocker(rollout, gate, phase);
}

export function checklistDeleteBlocker(rollout: { status: string }, what: string, tickedInside: number): string | null {
  if (isStarted(rollout) && tickedInside > 0) {
    return `${what} holds ${tickedInside === 1 ? "a ticked item" : `${tickedInside} ticked items`}: after start they are part of the record; skip instead`;
  }
  return null;
}

export function undoBlocker(deletedAt: Date, now: Date, alreadyUndone: boolean): string | null {
  if (alreadyUndone) return "This change has already been undone";
  if (now.getTime() - deletedAt.getTime() > UNDO_WINDOW_MS) return `Undo is possible for ${UNDO_WINDOW_MS / 60_000} minutes after a change; this one is older`;
  return null;
}
