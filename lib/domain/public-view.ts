import { getDb } from "@/lib/db/client";
import type { EventEnvelope } from "@/lib/schemas/events";
import { notFound } from "./errors";
import { toEnvelope } from "./events";
import { gateStatus } from "./gate-status";
import { describePublicEvent } from "./describe-event";
import { jsonify } from "./json";
import { gateSelect } from "./selects";

// What a stakeholder link may see. Built by whitelisting fields, never by deleting private ones, so a field
// added later stays private until someone decides otherwise: no phones, e-mails, engineers' notes, action
// configuration or secrets.

export const STATUSPAGE_STATES = ["Operational", "Degraded Performance", "Partial Outage", "Major Outage", "Under Maintenance"] as const;
export type OverallStatus = (typeof STATUSPAGE_STATES)[number];

/** The envelope a share-token socket receives: the same seq (so gaps are detected), data reduced to a summary. */
export function toPublicEvent(envelope: EventEnvelope): EventEnvelope {
  const item = envelope.type === "item.updated" ? (envelope.data.item as { id: string; state: string } | undefined) : undefined;
  return {
    ...envelope,
    actor: { id: null, name: envelope.actor.name },
    data: {
      summary: describePublicEvent(envelope),
      ...(item ? { item: { id: item.id, state: item.state } } : {}),
    },
  };
}

export async function getPublicStatus(rolloutId: string) {
  const db = getDb();
  const snapshot = await db.$transaction(
    async (tx) => {
      const rollout = await tx.rollout.findUnique({
        where: { id: rolloutId },
        select: { id: true, name: true, service: true, status: true, plannedStartAt: true, startedAt: true, endedAt: true, lastSeq: true },
      });
      if (!rollout) throw notFound("Rollout");
      const [phases, itemStates, gates, events, triggers] = await Promise.all([
        tx.phase.findMany({
          where: { rolloutId },
          orderBy: { position: "asc" },
          select: { id: true, name: true, trafficPercent: true, minDurationMinutes: true, status: true, verdict: true, startedAt: true },
        }),
        tx.checklistItem.groupBy({ by: ["state"], where: { rolloutId }, _count: true }),
        tx.signoffGate.findMany({ where: { rolloutId }, select: gateSelect, orderBy: { position: "asc" } }),
        tx.rolloutEvent.findMany({
          where: { rolloutId },
          orderBy: { seq: "desc" },
          take: 40,
          select: { rolloutId: true, seq: true, type: true, at: true, actorId: true, actorName: true, data: true },
        }),
        tx.criterion.findMany({ where: { phase: { rolloutId }, kind: "ROLLBACK_TRIGGER" }, select: { state: true } }),
      ]);
      return { rollout, phases, itemStates, gates, events, triggers };
    },
    { isolationLevel: "RepeatableRead" },
  );
  const { rollout, phases, itemStates, gates, events, triggers } = snapshot;
  const count = (state: string) => itemStates.find((s) => s.state === state)?._count ?? 0;
  const total = itemStates.reduce((sum, s) => sum + s._count, 0);
  const current = phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED") ?? null;
  const next = phases.find((p) => p.status === "PENDING") ?? null;
  const updates = events
    .map((e) => ({ seq: e.seq, at: e.at.toISOString(), text: describePublicEvent(toEnvelope(e)) }))
    .filter((u): u is { seq: number; at: string; text: string } => u.text !== null)
    .slice(0, 10);
  return jsonify({
    rollout: { id: rollout.id, name: rollout.name, service: rollout.service, status: rollout.status, plannedStartAt: rollout.plannedStartAt, startedAt: rollout.startedAt, endedAt: rollout.endedAt },
    lastSeq: rollout.lastSeq,
    overall: overallStatus(rollout.status, phases, triggers),
    currentPhase: current,
    nextPhase: next,
    phases,
    progress: { done: count("DONE") + count("SKIPPED"), blocked: count("BLOCKED"), total },
    gates: gates.map((g) => ({ id: g.id, name: g.name, kind: g.kind, state: gateStatus(g, g.signatures).state })),
    updates,
  });
}
export type PublicStatus = Awaited<ReturnType<typeof getPublicStatus>>;

function overallStatus(
  status: string,
  phases: { verdict: string | null; status: string }[],
  triggers: { state: string }[],
): OverallStatus {
  if (triggers.some((t) => t.state === "FIRING")) return "Major Outage";
  if (status === "ROLLED_BACK" || phases.some((p) => p.verdict === "FAIL" && (p.status === "ACTIVE" || p.status === "FAILED"))) return "Partial Outage";
  if (triggers.some((t) => t.state === "PENDING")) return "Degraded Performance";
  if (status === "PAUSED") return "Under Maintenance";
  return "Operational";
}
