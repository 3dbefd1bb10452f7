import "server-only";
import type { DbTx } from "@/lib/db/client";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { AbortRolloutInput, PausePhaseInput, PromotePhaseInput, ResumePhaseInput, StartRolloutInput } from "@/lib/schemas/phases";
import { assertMayRunTrafficAction, findTrafficAction, runTrafficActionForPhase } from "./action-runs";
import { conflict, forbidden } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { currentPhaseOf, nextPhaseOf, promotionBlockers, startBlockers, type Blocker } from "./phase-rules";
import { gateSelect, phaseSelect, rolloutSummarySelect, type ActionRunDetailView, type PhaseView, type RolloutSummary } from "./selects";

// Phase control: start, promote, pause, resume, abort. Each is one changeRollout (the rollout row locked, the
// checks read inside it, one event), so two commanders clicking at once get one promotion and one 409.
//
// Rollout:  DRAFT → ACTIVE ⇄ PAUSED → COMPLETED | ABORTED | ROLLED_BACK (a successful rollback action)
// Phase:    PENDING → ACTIVE ⇄ PAUSED → PASSED | FAILED (abort) | ROLLED_BACK;  PENDING → SKIPPED (abort)
//
// Entering a phase (start, promote) then runs the rollout's SET_TRAFFIC action, if it has one, with the phase's
// traffic %, after commit: the call is never made inside the transaction. Its run is returned (and recorded
// with its own events); a failed traffic call does not undo the promotion, it shows as a failed run.
// Pausing and aborting change no traffic: a rollback is its own action.

export type PhaseChange = {
  rollout: RolloutSummary;
  /** The phases whose status changed. */
  phases: PhaseView[];
  /** The SET_TRAFFIC run for the phase entered, or null (no such action, or nothing entered). */
  trafficRun: ActionRunDetailView | null;
};

type Override = { reason: string } | undefined;

function requirePhaseControl(principal: UserPrincipal) {
  if (!can(principal.role, "phase.control")) throw forbidden(`Your role (${principal.role}) cannot control phases`);
}

/** Refuses on blockers unless overridden (NO_GO never is); returns what the override waived, for the event. */
function acceptBlockers(principal: UserPrincipal, blockers: Blocker[], override: Override): { override: { reason: string; waived: string[] } } | Record<string, never> {
  if (blockers.length === 0) return {};
  const hard = blockers.filter((b) => !b.overridable);
  if (hard.length) throw conflict(`Blocked: ${hard.map((b) => b.message).join("; ")}`, { blockers });
  if (!override) throw conflict(`Blocked: ${blockers.map((b) => b.message).join("; ")}. A commander can override with a reason.`, { blockers });
  if (!can(principal.role, "phase.override")) throw forbidden(`Your role (${principal.role}) cannot override gates`);
  return { override: { reason: override.reason, waived: blockers.map((b) => b.message) } };
}

async function loadForControl(tx: DbTx, rolloutId: string) {
  // One connection: sequential queries (pg refuses overlapping queries on a transaction's client).
  const rollout = await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId }, select: rolloutSummarySelect });
  const phases = await tx.phase.findMany({ where: { rolloutId }, select: phaseSelect, orderBy: { position: "asc" } });
  const gates = await tx.signoffGate.findMany({ where: { rolloutId }, select: gateSelect, orderBy: { position: "asc" } });
  return { rollout, phases: jsonify(phases), gates: jsonify(gates) };
}

/** What every phase event carries so clients can apply it without a refetch: the rollout and the changed phases. */
async function changeData(tx: DbTx, rolloutId: string, phaseIds: string[]) {
  const rollout = await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId }, select: rolloutSummarySelect });
  const phases = await tx.phase.findMany({ where: { id: { in: phaseIds } }, select: phaseSelect, orderBy: { position: "asc" } });
  return { rollout: jsonify(rollout), phases: jsonify(phases) };
}

const phaseRef = (p: { id: string; name: string; trafficPercent: number }) => ({ id: p.id, name: p.name, trafficPercent: p.trafficPercent });
const statusWord = (status: string) => status.toLowerCase().replace("_", " ");

/** DRAFT → ACTIVE with the first phase: needs the pre-deployment and go-live gates (and the first phase's) GO. */
export async function startRollout(principal: UserPrincipal, rolloutId: string, input: StartRolloutInput): Promise<PhaseChange> {
  requirePhaseControl(principal);
  const trafficAction = await findTrafficAction(rolloutId);
  if (trafficAction) assertMayRunTrafficAction(principal, trafficAction);
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const { rollout, phases, gates } = await loadForControl(tx, rolloutId);
    if (rollout.status !== "DRAFT") throw conflict(`The rollout is ${statusWord(rollout.status)}; only a draft can start`);
    const first = phases[0];
    if (!first) throw conflict("The rollout has no phases to start");
    const now = new Date();
    const blockers = startBlockers(rollout, phases, gates, now.getTime());
    const overridden = acceptBlockers(principal, blockers, input.override);
    const early = blockers.find((b) => b.code === "before_planned_start");
    const earlyStart = early && input.override && rollout.plannedStartAt ? { earlyStart: { reason: input.override.reason, plannedStartAt: rollout.plannedStartAt } } : {};
    await tx.phase.update({ where: { id: first.id }, data: { status: "ACTIVE", startedAt: now } });
    await tx.rollout.update({ where: { id: rolloutId }, data: { status: "ACTIVE", startedAt: now } });
    const data = await changeData(tx, rolloutId, [first.id]);
    await record("rollout.started", { phase: phaseRef(first), ...overridden, ...earlyStart, ...data });
    return { ...data, entered: first };
  });
  const trafficRun = trafficAction
    ? await runTrafficActionForPhase(principal, trafficAction, result.entered, `Rollout started: ${result.entered.name} at ${result.entered.trafficPercent}%`)
    : null;
  return { rollout: result.rollout, phases: result.phases, trafficRun };
}

/**
 * The current phase PASSED, the next one ACTIVE (or, after the last phase, the rollout COMPLETED). Blocked while
 * the current phase's minimum duration has not run, its verdict is not PASS, a trigger is Pending or Firing, or a
 * gate of the next phase is not GO (phase-rules.ts), unless overridden with a reason; a NO_GO never is.
 */
export async function promotePhase(principal: UserPrincipal, rolloutId: string, input: PromotePhaseInput): Promise<PhaseChange> {
  requirePhaseControl(principal);
  const trafficAction = await findTrafficAction(rolloutId);
  if (trafficAction) assertMayRunTrafficAction(principal, trafficAction);
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const { rollout, phases, gates } = await loadForControl(tx, rolloutId);
    if (rollout.status === "PAUSED") throw conflict("The rollout is paused; resume it before promoting");
    if (rollout.status !== "ACTIVE") throw conflict(`The rollout is ${statusWord(rollout.status)}; only a running rollout can be promoted`);
    const current = currentPhaseOf(phases);
    if (!current) throw conflict("No phase is running");
    const next = nextPhaseOf(phases) ?? null;
    if (input.toPhaseId !== undefined && input.toPhaseId !== next?.id) {
      throw conflict(`The rollout is already in "${current.name}"${next ? `; the next phase is "${next.name}"` : " and it is the last phase"}`, { currentPhaseId: current.id });
    }
    const now = new Date();
    const overridden = acceptBlockers(principal, promotionBlockers(current, next, gates, now.getTime()), input.override);
    await tx.phase.update({ where: { id: current.id }, data: { status: "PASSED", endedAt: now } });
    if (!next) {
      await tx.rollout.update({ where: { id: rolloutId }, data: { status: "COMPLETED", endedAt: now } });
      const data = await changeData(tx, rolloutId, [current.id]);
      await record("rollout.completed", { from: phaseRef(current), ...overridden, ...data });
      return { ...data, entered: null };
    }
    await tx.phase.update({ where: { id: next.id }, data: { status: "ACTIVE", startedAt: now } });
    const data = await changeData(tx, rolloutId, [current.id, next.id]);
    await record("phase.promoted", { from: phaseRef(current), to: phaseRef(next), ...overridden, ...data });
    return { ...data, entered: next };
  });
  const entered = result.entered;
  const trafficRun =
    trafficAction && entered
      ? await runTrafficActionForPhase(principal, trafficAction, entered, `Promoted to ${entered.name} (${entered.trafficPercent}% traffic)${input.override ? ` — override: ${input.override.reason}` : ""}`)
      : null;
  return { rollout: result.rollout, phases: result.phases, trafficRun };
}

export async function pausePhase(principal: UserPrincipal, rolloutId: string, input: PausePhaseInput): Promise<PhaseChange> {
  return flipPause(principal, rolloutId, "pause", input.reason);
}

export async function resumePhase(principal: UserPrincipal, rolloutId: string, _input: ResumePhaseInput): Promise<PhaseChange> {
  return flipPause(principal, rolloutId, "resume");
}

async function flipPause(principal: UserPrincipal, rolloutId: string, direction: "pause" | "resume", reason?: string): Promise<PhaseChange> {
  requirePhaseControl(principal);
  const [from, to] = direction === "pause" ? (["ACTIVE", "PAUSED"] as const) : (["PAUSED", "ACTIVE"] as const);
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const { rollout, phases } = await loadForControl(tx, rolloutId);
    if (rollout.status !== from) throw conflict(`The rollout is ${statusWord(rollout.status)}; only a${from === "ACTIVE" ? "n active" : " paused"} rollout can be ${direction}d`);
    const current = currentPhaseOf(phases);
    if (current) await tx.phase.update({ where: { id: current.id }, data: { status: to } });
    await tx.rollout.update({ where: { id: rolloutId }, data: { status: to } });
    const data = await changeData(tx, rolloutId, current ? [current.id] : []);
    await record(direction === "pause" ? "phase.paused" : "phase.resumed", { phase: current ? phaseRef(current) : null, ...(reason ? { reason } : {}), ...data });
    return data;
  });
  return { ...result, trafficRun: null };
}

/** Stops the rollout for good: the running phase FAILED, the ones not reached SKIPPED. Traffic is not changed. */
export async function abortRollout(principal: UserPrincipal, rolloutId: string, input: AbortRolloutInput): Promise<PhaseChange> {
  requirePhaseControl(principal);
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const { rollout, phases } = await loadForControl(tx, rolloutId);
    if (!["DRAFT", "ACTIVE", "PAUSED"].includes(rollout.status)) throw conflict(`The rollout is already ${statusWord(rollout.status)}`);
    const now = new Date();
    const current = currentPhaseOf(phases);
    const pending = phases.filter((p) => p.status === "PENDING");
    if (current) await tx.phase.update({ where: { id: current.id }, data: { status: "FAILED", endedAt: now } });
    await tx.phase.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { status: "SKIPPED" } });
    await tx.rollout.update({ where: { id: rolloutId }, data: { status: "ABORTED", endedAt: now } });
    const data = await changeData(tx, rolloutId, [...(current ? [current.id] : []), ...pending.map((p) => p.id)]);
    await record("rollout.aborted", { phase: current ? phaseRef(current) : null, reason: input.reason, ...data });
    return data;
  });
  return { ...result, trafficRun: null };
}
