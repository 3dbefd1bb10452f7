import "server-only";
import { getDb } from "@/lib/db/client";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { RecordSignOffInput } from "@/lib/schemas/signoff";
import { badRequest, conflict, forbidden, notFound } from "./errors";
import { changeRollout } from "./events";
import { gateEvidence } from "./gate-evidence";
import { gateStatus } from "./gate-status";
import { jsonify } from "./json";
import { gateSelect, phaseSelect, sectionSelect, signatureSelect } from "./selects";

/**
 * Appends a signature by the signed-in user. Signatures are never edited (a trigger enforces it); a new
 * decision by the same role supersedes the earlier one in gateStatus. The evidence at the moment of decision
 * (checklist completion of the gate's sections, the criteria verdicts) is stored with it.
 */
export async function recordSignOff(principal: UserPrincipal, gateId: string, input: RecordSignOffInput) {
  if (!can(principal.role, "signoff.sign")) throw forbidden("Only a commander or an admin can sign off");
  const gate = await getDb().signoffGate.findUnique({
    where: { id: gateId },
    select: { rolloutId: true, requiredRoles: true, approverTitles: true, name: true, kind: true, phaseId: true },
  });
  if (!gate) throw notFound("Sign-off gate");
  if (!gate.requiredRoles.includes(principal.role)) {
    throw forbidden(`"${gate.name}" needs a signature from ${gate.requiredRoles.join(" and ")}`);
  }
  const approverTitle = approverFor(gate, input.approverTitle);
  const { result } = await changeRollout(gate.rolloutId, actorOf(principal), async (tx, record) => {
    if (approverTitle) {
      // One person speaks for one approver of a gate: otherwise one commander could satisfy "Business Owner,
      // Incident Commander" alone.
      const other = await tx.signature.findFirst({ where: { gateId, signerId: principal.userId, approverTitle: { not: approverTitle } }, select: { approverTitle: true } });
      if (other) throw conflict(`You signed "${gate.name}" as ${other.approverTitle}; another person signs as ${approverTitle}`);
    }
    const where = { rolloutId: gate.rolloutId };
    const sections = await tx.checklistSection.findMany({ where, select: sectionSelect });
    const items = await tx.checklistItem.findMany({ where, select: { sectionId: true, state: true } });
    const phases = await tx.phase.findMany({ where, select: phaseSelect, orderBy: { position: "asc" } });
    const evidence = gateEvidence(gate, { sections, items, phases });
    const signature = await tx.signature.create({
      data: {
        gateId,
        rolloutId: gate.rolloutId,
        signerId: principal.userId,
        signerRole: principal.role,
        approverTitle,
        decision: input.decision,
        comment: input.comment || null,
        trafficPercent: input.trafficPercent,
        evidence,
      },
      select: signatureSelect,
    });
    const updated = await tx.signoffGate.findUniqueOrThrow({ where: { id: gateId }, select: gateSelect });
    const view = jsonify(signature);
    const status = gateStatus(updated, updated.signatures);
    await record("signoff.recorded", { gateId, gateName: gate.name, signature: view, gateState: status.state });
    return { signature: view, gate: jsonify(updated), status: status.state };
  });
  return result;
}

/** The named approver a signature speaks for: given, or the only one the gate names; null when it names none. */
function approverFor(gate: { name: string; approverTitles: string[] }, given: string | undefined): string | null {
  const titles = gate.approverTitles;
  if (titles.length === 0) {
    if (given) throw badRequest(`"${gate.name}" names no approvers`, { approverTitle: ["this gate names no approvers"] });
    return null;
  }
  if (given === undefined) {
    if (titles.length === 1) return titles[0]!;
    throw badRequest(`"${gate.name}" needs a signature from each of ${titles.join(", ")}: say which one you sign as`, { approverTitle: [`is required: one of ${titles.join(", ")}`] });
  }
  if (!titles.includes(given)) throw badRequest(`"${gate.name}" has no approver "${given}"`, { approverTitle: [`must be one of ${titles.join(", ")}`] });
  return given;
}
