import type { Role } from "@/lib/db/generated/enums";

// Pure: shared by the server (promotion checks) and the sign-off page.

type SignatureLike = { decision: "GO" | "NO_GO"; signerRole: Role; createdAt: string | Date; signer: { name: string } };

export type GateStatus = {
  state: "APPROVED" | "REJECTED" | "PENDING";
  /** Roles still needed before the gate is approved. */
  missingRoles: Role[];
  /** The latest decision per required role; a later signature supersedes an earlier one of the same role. */
  decisions: Partial<Record<Role, SignatureLike>>;
};

export function gateStatus(gate: { requiredRoles: Role[] }, signatures: SignatureLike[]): GateStatus {
  const decisions: Partial<Record<Role, SignatureLike>> = {};
  const ordered = [...signatures].sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
  for (const signature of ordered) {
    if (gate.requiredRoles.includes(signature.signerRole)) decisions[signature.signerRole] = signature;
  }
  const latest = gate.requiredRoles.map((role) => decisions[role]);
  const missingRoles = gate.requiredRoles.filter((role) => decisions[role]?.decision !== "GO");
  const state = latest.some((s) => s?.decision === "NO_GO") ? "REJECTED" : missingRoles.length === 0 ? "APPROVED" : "PENDING";
  return { state, missingRoles, decisions };
}
