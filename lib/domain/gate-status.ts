import type { Role } from "@/lib/db/generated/enums";
import { roleLabel } from "./status";

// Pure: shared by the server (promotion checks) and the sign-off page.
//
// A gate that names approvers ("Business Owner, Incident Commander") needs a GO for EACH of them: every signature
// says which approver it speaks for, and a later signature for the same approver supersedes an earlier one. A gate
// that names none is decided per role. Either way the gate's roles must all be among the GOs, and any standing
// NO_GO rejects the gate: only a later GO for the same approver (or role) lifts it.

type SignatureLike = { decision: "GO" | "NO_GO"; signerRole: Role; createdAt: string | Date; signer: { name: string }; approverTitle?: string | null };

export type GateStatus = {
  state: "APPROVED" | "REJECTED" | "PENDING";
  /** Roles still needed before the gate is approved. */
  missingRoles: Role[];
  /** Named approvers still without a GO (empty for a gate that names none). */
  missingApprovers: string[];
  /** The latest decision per required role; a later signature supersedes an earlier one of the same role. */
  decisions: Partial<Record<Role, SignatureLike>>;
  /** The latest decision per named approver. */
  approverDecisions: Record<string, SignatureLike>;
};

export function gateStatus(gate: { requiredRoles: Role[]; approverTitles?: string[] }, signatures: SignatureLike[]): GateStatus {
  const titles = gate.approverTitles ?? [];
  const ordered = [...signatures].sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
  const approverDecisions: Record<string, SignatureLike> = {};
  for (const signature of ordered) {
    if (signature.approverTitle && titles.includes(signature.approverTitle)) approverDecisions[signature.approverTitle] = signature;
  }
  // With named approvers, a role's decision is the latest among the approvers' standing decisions.
  const counted = titles.length ? ordered.filter((s) => s.approverTitle && approverDecisions[s.approverTitle] === s) : ordered;
  const decisions: Partial<Record<Role, SignatureLike>> = {};
  for (const signature of counted) {
    if (gate.requiredRoles.includes(signature.signerRole)) decisions[signature.signerRole] = signature;
  }
  const goRoles = new Set(counted.filter((s) => s.decision === "GO").map((s) => s.signerRole));
  const missingRoles = titles.length ? gate.requiredRoles.filter((role) => !goRoles.has(role)) : gate.requiredRoles.filter((role) => decisions[role]?.decision !== "GO");
  const missingApprovers = titles.filter((title) => approverDecisions[title]?.decision !== "GO");
  const standing = titles.length ? titles.map((t) => approverDecisions[t]) : gate.requiredRoles.map((role) => decisions[role]);
  const state = standing.some((s) => s?.decision === "NO_GO") ? "REJECTED" : missingRoles.length === 0 && missingApprovers.length === 0 ? "APPROVED" : "PENDING";
  return { state, missingRoles, missingApprovers, decisions, approverDecisions };
}

/** "Business Owner, Incident Commander" or "COMMANDER": who still has to say GO. */
export function missingWords(status: GateStatus): string {
  return [...status.missingApprovers, ...(status.missingApprovers.length ? [] : status.missingRoles.map(roleLabel))].join(", ");
}
