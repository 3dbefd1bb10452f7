import "server-only";
import { getDb } from "@/lib/db/client";
import { metricLevel } from "@/lib/metrics/tile-level";
import type { EventEnvelope } from "@/lib/schemas/events";
import { notFound } from "./errors";
import { toEnvelope } from "./events";
import { gateStatus } from "./gate-status";
import { describePublicEvent, publicEventKind } from "./describe-event";
import { jsonify } from "./json";
import { nextStepOf } from "./next-step";
import { gateSelect } from "./selects";

// What a stakeholder link may see. Built by whitelisting fields, never by deleting private ones, so a field
// added later stays private until someone decides otherwise: no phones, e-mails, engineers' notes, action
// configuration, metric sources or error texts, or secrets. Events reach share-token sockets reduced the same
// way (toPublicEvent), without even the name of who made the change.

export const STATUSPAGE_STATES = ["Operational", "Degraded Performance", "Partial Outage", "Major Outage", "Under Maintenance"] as const;
export type OverallStatus = (typeof STATUSPAGE_STATES)[number];

/** The envelope a share-token socket receives: the same seq (so gaps are detected), data reduced to a summary. */
export function toPublicEvent(envelope: EventEnvelope): EventEnvelope {
  const item = envelope.type === "item.updated" ? (envelope.data.item as { id: string; state: string } | undefined) : undefined;
  return {
    ...envelope,
    actor: { id: null, name: "" },
    data: {
      summary: describePublicEvent(envelope),
      ...(item ? { item: { id: item.id, state: item.state } } : {}),
    },
  };
}

export async function getPublicStatus(rolloutId: string, now = new Date()) {
  const db = getDb();
  const snapshot = await db.$transaction(
    async (tx) => {
      const rollout = await tx.rollout.findUnique({
        where: { id: rolloutId },
        select: { id: true, name: true, service: true, status: true, plannedStartAt: true, startedAt: true, endedAt: true, lastSeq: true },
      });
      if (!rollout) throw notFound("Rollout");
      const [phases, itemStates, gates, events, triggers, tiles, nextDueItem] = await Promise.all([
        tx.phase.findMany({
          where: { rolloutId },
          orderBy: { position: "asc" },
          select: { id: true, name: true, trafficPercent: true, minDurationMinutes: true, status: true, verdict: true, startedAt: true, endedAt: true },
        }),
        tx.checklistItem.groupBy({ by: ["state"], where: { rolloutId }, _count: true }),
        tx.signoffGate.findMany({ where: { rolloutId }, select: gateSelect, orderBy: { position: "asc" } }),
        tx.rolloutEvent.findMany({
          where: { rolloutId },
          orderBy: { seq: "desc" },
          take: 60,
          select: { rolloutId: true, seq: true, type: true, at: true, actorId: true, actorName: true, data: true },
        }),
        tx.criterion.findMany({ where: { phase: { rolloutId }, kind: "ROLLBACK_TRIGGER" }, select: { state: true } }),
        // Never query, sourceUrl or lastError: where the numbers come from, and why a source failed, stay inside.
        tx.metricTile.findMany({
          where: { rolloutId },
          orderBy: { position: "asc" },
          select: {
            id: true,
            label: true,
            unit: true,
            lastValue: true,
            lastSampleAt: true,
            lastErrorAt: true,
            pollIntervalSeconds: true,
            direction: true,
            warnThreshold: true,
            breachThreshold: true,
          },
        }),
        tx.checklistItem.findFirst({
          where: { rolloutId, state: "OPEN", dueOffsetMinutes: { not: null } },
          orderBy: [{ dueOffsetMinutes: "asc" }, { position: "asc" }],
          select: { text: true, dueOffsetMinutes: true },
        }),
      ]);
      return { rollout, phases, itemStates, gates, events, triggers, tiles, nextDueItem };
    },
    { isolationLevel: "RepeatableRead" },
  );
  const { rollout, phases, itemStates, gates, events, triggers, tiles, nextDueItem } = snapshot;
  const count = (state: string) => itemStates.find((s) => s.state === state)?._count ?? 0;
  const total = itemStates.reduce((sum, s) => sum + s._count, 0);
  const current = phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED") ?? null;
  const next = phases.find((p) => p.status === "PENDING") ?? null;
  const gateStates = gates.map((g) => ({ id: g.id, name: g.name, kind: g.kind, phaseId: g.phaseId, state: gateStatus(g, g.signatures).state }));
  const updates = events
    .map((e) => {
      const envelope = toEnvelope(e);
      return { seq: e.seq, at: e.at.toISOString(), text: describePublicEvent(envelope), kind: publicEventKind(envelope) };
    })
    .filter((u): u is PublicUpdate => u.text !== null)
    .slice(0, 15);
  const metrics = tiles.map((tile) => {
    const reading = {
      ...tile,
      lastSampleAt: tile.lastSampleAt?.toISOString() ?? null,
      lastErrorAt: tile.lastErrorAt?.toISOString() ?? null,
    };
    const { level, stale } = metricLevel(reading, now.getTime());
    return { id: tile.id, label: tile.label, unit: tile.unit, value: tile.lastValue, sampledAt: reading.lastSampleAt, level, stale };
  });
  return jsonify({
    rollout: { id: rollout.id, name: rollout.name, service: rollout.service, status: rollout.status, plannedStartAt: rollout.plannedStartAt, startedAt: rollout.startedAt, endedAt: rollout.endedAt },
    lastSeq: rollout.lastSeq,
    generatedAt: now,
    overall: overallStatus(rollout.status, phases, triggers, metrics),
    currentPhase: current,
    nextPhase: next,
    nextStep: nextStepOf({ rolloutStatus: rollout.status, plannedStartAt: rollout.plannedStartAt, phases, gates: gateStates, nextDueItem }),
    phases,
    progress: { done: count("DONE") + count("SKIPPED"), blocked: count("BLOCKED"), total },
    gates: gateStates.map(({ id, name, kind, state }) => ({ id, name, kind, state })),
    metrics,
    updates,
  });
}
type PublicUpdate = { seq: number; at: string; text: string; kind: ReturnType<typeof publicEventKind> };
export type PublicStatus = Awaited<ReturnType<typeof getPublicStatus>>;

/**
 * A firing rollback trigger is a major outage; a rolled-back rollout or a failed phase a partial one; a trigger
 * about to fire, or a headline metric (fresh) past its breach threshold, degraded performance; a paused
 * rollout is under maintenance.
 */
function overallStatus(
  status: string,
  phases: { verdict: string | null; status: string }[],
  triggers: { state: string }[],
  metrics: { level: string }[],
): OverallStatus {
  if (triggers.some((t) => t.state === "FIRING")) return "Major Outage";
  if (status === "ROLLED_BACK" || phases.some((p) => p.verdict === "FAIL" && (p.status === "ACTIVE" || p.status === "FAILED"))) return "Partial Outage";
  if (triggers.some((t) => t.state === "PENDING") || metrics.some((m) => m.level === "breach")) return "Degraded Performance";
  if (status === "PAUSED") return "Under Maintenance";
  return "Operational";
}
