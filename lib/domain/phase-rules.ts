import type { Role } from "@/lib/db/generated/enums";
import { gateStatus, missingWords } from "./gate-status";
import { isTriggerActive, minDurationEndsAt } from "./status";

// Pure: what stands between the rollout and its next step. The server checks these inside the promoting
// transaction, before it changes anything; the sign-off page shows the same list before anyone clicks.
//
// Promote is blocked (409 with the blockers) while:
// - the current phase's minimum duration has not run (startedAt + minDurationMinutes);
// - its verdict is not PASS (FAIL, INCONCLUSIVE, or not evaluated yet);
// - one of its rollback triggers is Pending or Firing;
// - a gate guarding the next phase is not GO.
// Start is blocked by the gates it needs and, before the planned T0, until someone confirms the early start.
// A commander may override any of these with a reason, recorded in the event, EXCEPT a NO_GO: for every gate kind,
// a gate with a standing NO_GO yields to nothing but a later GO by the same approver. Rollout-level gates (no
// phase) of any kind but post-deployment must be GO to start; a NO_GO on any of them, of any kind, stops every step.

type SignatureLike = { decision: "GO" | "NO_GO"; signerRole: Role; createdAt: string | Date; signer: { name: string }; trafficPercent?: number | null; approverTitle?: string | null };
type GateLike = { id: string; name: string; kind: string; phaseId: string | null; requiredRoles: Role[]; approverTitles?: string[]; signatures: SignatureLike[] };
type CriterionLike = { id: string; kind: string; state: string; description: string };
type PhaseLike = {
  id: string;
  name: string;
  position: number;
  trafficPercent: number;
  status: string;
  verdict?: string | null;
  startedAt?: string | Date | null;
  minDurationMinutes?: number;
  criteria: CriterionLike[];
};

export type BlockerCode =
  | "gate_pending"
  | "gate_rejected"
  | "trigger_active"
  | "verdict_not_pass"
  | "min_duration"
  | "before_planned_start"
  | "traffic_not_authorized";
export type Blocker = { code: BlockerCode; message: string; overridable: boolean; gateId?: string; criterionId?: string };

/** The phase being run: ACTIVE or PAUSED. */
export function currentPhaseOf<P extends { status: string }>(phases: P[]): P | undefined {
  return phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED");
}

/** The phase a promotion would enter: the first PENDING one after the current phase. */
export function nextPhaseOf<P extends { status: string; position: number }>(phases: P[]): P | undefined {
  const current = currentPhaseOf(phases);
  return [...phases].sort((a, b) => a.position - b.position).find((p) => p.status === "PENDING" && (!current || p.position > current.position));
}

function gateBlockers(gates: GateLike[]): Blocker[] {
  const blockers: Blocker[] = [];
  for (const gate of gates) {
    const status = gateStatus(gate, gate.signatures);
    if (status.state === "REJECTED") {
      blockers.push({ code: "gate_rejected", gateId: gate.id, overridable: false, message: `"${gate.name}" is NO-GO; only a new GO from the same approver lifts it` });
    } else if (status.state === "PENDING") {
      blockers.push({ code: "gate_pending", gateId: gate.id, overridable: true, message: `"${gate.name}" is not signed GO (missing ${missingWords(status)})` });
    }
  }
  return blockers;
}

/**
 * A NO_GO on any rollout-level gate, of any kind, stops every step: rollout-level gates are decided (or overridden
 * while unsigned) at the start, but a NO_GO signed on one at any time is a stop.
 */
function rejectedRolloutGates(gates: GateLike[]): Blocker[] {
  return gateBlockers(gates.filter((g) => g.phaseId === null)).filter((b) => b.code === "gate_rejected");
}

/** Rollout-level gates that speak for the whole rollout: every kind but post-deployment (signed after the end). */
const guardsWholeRollout = (gate: GateLike) => gate.phaseId === null && gate.kind !== "POST_DEPLOYMENT";

/** Gates that must be GO before the rollout starts: the rollout-level ones and those of the first phase. */
export function gatesForStart<G extends GateLike>(gates: G[], firstPhaseId: string | undefined): G[] {
  return gates.filter((g) => guardsWholeRollout(g) || (firstPhaseId !== undefined && g.phaseId === firstPhaseId));
}

/** The lowest initial traffic % that an approved go-live authorization names, if any does. */
export function authorizedInitialTraffic(gates: GateLike[]): number | null {
  let authorized: number | null = null;
  for (const gate of gates) {
    if (gate.kind !== "GO_LIVE") continue;
    const status = gateStatus(gate, gate.signatures);
    if (status.state !== "APPROVED") continue;
    for (const decision of [...Object.values(status.decisions), ...Object.values(status.approverDecisions)]) {
      const percent = (decision as SignatureLike | undefined)?.trafficPercent;
      if (typeof percent === "number") authorized = authorized === null ? percent : Math.min(authorized, percent);
    }
  }
  return authorized;
}

const ms = (t: string | Date | null | undefined) => (t === null || t === undefined ? null : new Date(t).getTime());
const utc = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function startBlockers(rollout: { plannedStartAt: string | Date | null }, phases: PhaseLike[], gates: GateLike[], now: number): Blocker[] {
  const first = [...phases].sort((a, b) => a.position - b.position)[0];
  const needed = gatesForStart(gates, first?.id);
  const blockers = [...gateBlockers(needed), ...rejectedRolloutGates(gates.filter((g) => !needed.includes(g)))];
  const authorized = authorizedInitialTraffic(gates);
  if (first && authorized !== null && first.trafficPercent > authorized) {
    blockers.push({
      code: "traffic_not_authorized",
      overridable: true,
      message: `The go-live authorization allows ${authorized}% initial traffic; "${first.name}" sends ${first.trafficPercent}%`,
    });
  }
  const planned = ms(rollout.plannedStartAt);
  if (planned !== null && now < planned) {
    blockers.push({ code: "before_planned_start", overridable: true, message: `The planned T0 is ${utc(planned)}: confirm the early start with a reason` });
  }
  return blockers;
}

/** What the current phase itself still owes before anyone moves on: its minimum duration, a PASS, quiet triggers. */
function phaseBlockers(current: PhaseLike, now: number): Blocker[] {
  const blockers: Blocker[] = [];
  const endsAt = minDurationEndsAt({ startedAt: ms(current.startedAt), minDurationMinutes: current.minDurationMinutes ?? 0 });
  if (endsAt !== null && now < endsAt) {
    const left = Math.ceil((endsAt - now) / 60_000);
    blockers.push({ code: "min_duration", overridable: true, message: `"${current.name}" must run ${current.minDurationMinutes} min (until ${utc(endsAt)}, ${left} min left)` });
  }
  if (current.verdict !== "PASS") {
    const verdict = current.verdict ? current.verdict : "not evaluated yet";
    blockers.push({ code: "verdict_not_pass", overridable: true, message: `"${current.name}" verdict is ${verdict}, not PASS` });
  }
  for (const c of current.criteria) {
    if (c.kind === "ROLLBACK_TRIGGER" && isTriggerActive(c.state as "PENDING")) {
      blockers.push({ code: "trigger_active", criterionId: c.id, overridable: true, message: `${c.state === "FIRING" ? "Firing" : "Pending"} in ${current.name}: ${c.description}` });
    }
  }
  return blockers;
}

/** Blockers for moving from `current` to `target` (null: completing the rollout after the last phase). */
export function promotionBlockers(current: PhaseLike, target: PhaseLike | null, gates: GateLike[], now: number): Blocker[] {
  const guarding = gateBlockers(gates.filter((g) => target !== null && g.phaseId === target.id));
  return [...phaseBlockers(current, now), ...guarding, ...rejectedRolloutGates(gates)];
}
