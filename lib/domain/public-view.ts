import "server-only";
import { getDb } from "@/lib/db/client";
import { readEnv } from "@/lib/config";
import { metricLevel, valueLevel } from "@/lib/metrics/tile-level";
import { METRICS_CHANNEL, type MetricsLivePayload } from "@/lib/schemas/metrics";
import { parseEvent, type EventEnvelope } from "@/lib/schemas/events";
import { notFound } from "./errors";
import { toEnvelope } from "./events";
import { gateStatus } from "./gate-status";
import { describePublicEvent, publicEventKind } from "./describe-event";
import { jsonify } from "./json";
import { nextStepOf } from "./next-step";
import { gateSelect } from "./selects";
import { ENDED_ROLLOUT, phaseInFocus, stakeholderStatus, type TileLevel } from "./status";

// What a stakeholder link may see. Built by whitelisting fields, never by deleting private ones, so a field
// added later stays private until someone decides otherwise: no phones, e-mails, engineers' notes, action
// configuration, metric sources or error texts, or secrets. Events reach share-token sockets reduced the same
// way (toPublicEvent), without even the name of who made the change, and live messages through toPublicLive.

/** What a stakeholder is told about a failing source: that it is unavailable, never why. */
export const SOURCE_UNAVAILABLE = "source unavailable";

/** The envelope a share-token socket receives: the same seq (so gaps are detected), data reduced to a summary. */
export function toPublicEvent(envelope: EventEnvelope): EventEnvelope {
  const event = parseEvent(envelope);
  const item = event?.type === "item.updated" ? event.data.item : undefined;
  return {
    ...envelope,
    actor: { id: null, name: "" },
    data: {
      summary: describePublicEvent(envelope),
      ...(item ? { item: { id: item.id, state: item.state } } : {}),
    },
  };
}

/**
 * The live message a share-token socket receives, or null for channels stakeholders do not get. Metric readings
 * keep their value and time; a source's error text (a scraped page's fragment, "ECONNREFUSED 127.0.0.1:3999")
 * becomes "source unavailable".
 */
export function toPublicLive(channel: string, payload: unknown): unknown {
  if (channel !== METRICS_CHANNEL) return null;
  const { updates } = payload as MetricsLivePayload;
  return {
    updates: updates.map((u) => ({ tileId: u.tileId, key: u.key, at: u.at, ...(u.value !== undefined ? { value: u.value } : {}), ...(u.error !== undefined ? { error: SOURCE_UNAVAILABLE } : {}) })),
  } satisfies MetricsLivePayload;
}

/** How far back the stakeholder view looks for an unhealthy reading when deciding a rollback has recovered. */
const RECOVERY_LOOKBACK_MS = 6 * 3600_000;

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
          select: { id: true, position: true, name: true, trafficPercent: true, minDurationMinutes: true, status: true, verdict: true, startedAt: true, endedAt: true },
        }),
        tx.checklistItem.groupBy({ by: ["state"], where: { rolloutId }, _count: true }),
        tx.signoffGate.findMany({ where: { rolloutId }, select: gateSelect, orderBy: { position: "asc" } }),
        tx.rolloutEvent.findMany({
          where: { rolloutId },
          orderBy: { seq: "desc" },
          take: 60,
          select: { rolloutId: true, seq: true, type: true, at: true, actorId: true, actorName: true, data: true },
        }),
        tx.criterion.findMany({ where: { phase: { rolloutId }, kind: "ROLLBACK_TRIGGER" }, select: { state: true, phaseId: true } }),
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
      // Only whether a rollback is under way: never which action, who asked, or how it went.
      const rollingBack = await tx.actionRun.count({ where: { rolloutId, status: { in: ["RUNNING", "PENDING_APPROVAL"] }, action: { kind: "ROLLBACK" } } });
      // Readings since the rollback, to tell how long the service has been healthy.
      const since = new Date(Math.max(rollout.endedAt?.getTime() ?? now.getTime(), now.getTime() - RECOVERY_LOOKBACK_MS));
      const recent = ENDED_ROLLOUT.has(rollout.status)
        ? await tx.metricSample.findMany({ where: { tile: { rolloutId }, at: { gte: since } }, select: { tileId: true, at: true, value: true } })
        : [];
      return { rollout, phases, itemStates, gates, events, triggers, tiles, nextDueItem, rollingBack, recent };
    },
    { isolationLevel: "RepeatableRead" },
  );
  const { rollout, phases, itemStates, gates, events, triggers, tiles, nextDueItem, rollingBack, recent } = snapshot;
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
    const unavailable = tile.lastErrorAt !== null && (tile.lastSampleAt === null || tile.lastErrorAt > tile.lastSampleAt);
    return { id: tile.id, label: tile.label, unit: tile.unit, value: level === "unknown" ? null : tile.lastValue, sampledAt: reading.lastSampleAt, level, stale, unavailable };
  });
  const inFocus = phaseInFocus(rollout.status, phases);
  const status = stakeholderStatus({
    rolloutStatus: rollout.status,
    phase: inFocus ? { verdict: inFocus.verdict, triggers: triggers.filter((t) => t.phaseId === inFocus.id).map((t) => t.state) } : null,
    tiles: metrics.map((m) => m.level as TileLevel),
    rollingBack: rollingBack > 0,
    healthySince: healthySince(rollout.endedAt, tiles, recent, metrics),
    now: now.getTime(),
    recoveryMs: readEnv().WARROOM_STATUS_RECOVERY_SECONDS * 1000,
  });
  const nextStep = nextStepOf({ rolloutStatus: rollout.status, plannedStartAt: rollout.plannedStartAt, phases, gates: gateStates, nextDueItem, triggers });
  return jsonify({
    rollout: { id: rollout.id, name: rollout.name, service: rollout.service, status: rollout.status, plannedStartAt: rollout.plannedStartAt, startedAt: rollout.startedAt, endedAt: rollout.endedAt },
    lastSeq: rollout.lastSeq,
    generatedAt: now,
    overall: status.overall,
    incident: status.incident,
    summary: status.summary,
    currentPhase: current,
    /** Where the rollout ended (null while it runs or before it starts). */
    endedIn: ENDED_ROLLOUT.has(rollout.status) && inFocus ? { name: inFocus.name, trafficPercent: inFocus.trafficPercent, status: inFocus.status } : null,
    nextPhase: next,
    nextStep,
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
 * Since when every headline tile has been healthy after the rollout ended: after the last reading that was not
 * (or the end itself). Null while a tile is not healthy now.
 */
function healthySince(
  endedAt: Date | null,
  tiles: { id: string; direction: "HIGHER_IS_WORSE" | "LOWER_IS_WORSE"; warnThreshold: number | null; breachThreshold: number | null }[],
  samples: { tileId: string; at: Date; value: number | null }[],
  metrics: { level: string }[],
): number | null {
  if (!endedAt || metrics.some((m) => m.level !== "ok" && m.level !== "none")) return null;
  const byId = new Map(tiles.map((t) => [t.id, t]));
  let since = endedAt.getTime();
  for (const sample of samples) {
    const tile = byId.get(sample.tileId);
    if (!tile || sample.value === null) continue;
    const level = valueLevel(sample.value, tile);
    if ((level === "warn" || level === "breach") && sample.at.getTime() > since) since = sample.at.getTime();
  }
  return since;
}
