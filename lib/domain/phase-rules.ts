import type { Role } from "@/lib/db/generated/enums";
import { gateStatus } from "./gate-status";

// Pure: what stands between the rollout and its next step. The server checks these inside the promoting
// transaction; the sign-off page shows the same list before anyone clicks.
//
// - A gate that guards the step and is not yet signed GO blocks, but a commander may override with a reason.
// - A gate with a NO_GO does not yield to an override: whoever said NO_GO signs again (a later GO by the same
//   role supersedes it). "A NO_GO blocks promotion."
// - A criterion of the current phase in state FIRING blocks (overridable).
// - Starting: the go-live authorization's initial traffic %, when given, caps the first phase's traffic.

type SignatureLike = { decision: "GO" | "NO_GO"; signerRole: Role; createdAt: string | Date; signer: { name: string }; trafficPercent?: number | null };
type GateLike = { id: string; name: string; kind: string; phaseId: string | null; requiredRoles: Role[]; signatures: SignatureLike[] };
type CriterionLike = { id: string; kind: string; state: string; description: string };
type PhaseLike = { id: string; name: string; position: number; trafficPercent: number; status: string; criteria: CriterionLike[] };

export type BlockerCode = "gate_pending" | "gate_rejected" | "trigger_firing" | "traffic_not_authorized";
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
      blockers.push({ code: "gate_rejected", gateId: gate.id, overridable: false, message: `"${gate.name}" is NO-GO; it needs a new GO signature` });
    } else if (status.state === "PENDING") {
      blockers.push({ code: "gate_pending", gateId: gate.id, overridable: true, message: `"${gate.name}" is not signed GO (missing ${status.missingRoles.join(", ")})` });
    }
  }
  return blockers;
}

function firingTriggers(phase: PhaseLike): Blocker[] {
  return phase.criteria
    .filter((c) => c.state === "FIRING")
    .map((c) => ({ code: "trigger_firing" as const, criterionId: c.id, overridable: true, message: `Firing in ${phase.name}: ${c.description}` }));
}

/** Gates that must be GO before the rollout starts: pre-deployment and go-live ones, and those of the first phase. */
export function gatesForStart<G extends GateLike>(gates: G[], firstPhaseId: string | undefined): G[] {
  return gates.filter((g) => (g.phaseId === null && (g.kind === "PRE_DEPLOYMENT" || g.kind === "GO_LIVE")) || (firstPhaseId !== undefined && g.phaseId === firstPhaseId));
}

/** The lowest initial traffic % that an approved go-live authorization names, if any does. */
export function authorizedInitialTraffic(gates: GateLike[]): number | null {
  let authorized: number | null = null;
  for (const gate of gates) {
    if (gate.kind !== "GO_LIVE") continue;
    const status = gateStatus(gate, gate.signatures);
    if (status.state !== "APPROVED") continue;
    for (const decision of Object.values(status.decisions)) {
      const percent = (decision as SignatureLike | undefined)?.trafficPercent;
      if (typeof percent === "number") authorized = authorized === null ? percent : Math.min(authorized, percent);
    }
  }
  return authorized;
}

export function startBlockers(phases: PhaseLike[], gates: GateLike[]): Blocker[] {
  const first = [...phases].sort((a, b) => a.position - b.position)[0];
  const blockers = gateBlockers(gatesForStart(gates, first?.id));
  const authorized = authorizedInitialTraffic(gates);
  if (first && authorized !== null && first.trafficPercent > authorized) {
    blockers.push({
      code: "traffic_not_authorized",
      overridable: true,
      message: `The go-live authorization allows ${authorized}% initial traffic; "${first.name}" sends ${first.trafficPercent}%`,
    });
  }
  return blockers;
}

/** Blockers for moving from `current` to `target` (null: completing the rollout after the last phase). */
export function promotionBlockers(current: PhaseLike, target: PhaseLike | null, gates: GateLike[]): Blocker[] {
  const guarding = target ? gates.filter((g) => g.phaseId === target.id) : [];
  return [...gateBlockers(guarding), ...firingTriggers(current)];
}
