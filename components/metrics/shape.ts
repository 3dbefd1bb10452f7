import { formatAgo } from "@/components/rollouts/format";
import type { MetricSeries, TileSeries } from "@/lib/domain/metric-samples";
import type { CriterionView, PhaseView, TileView } from "@/lib/domain/selects";
import { judgeCriterion, readInPhase, TILE_LEVEL_TONE, TONE_CLASSES, type PhaseReading } from "@/lib/domain/status";
import { comparatorSymbol, latestReading } from "@/lib/metrics/evaluate";
import { formatNumber } from "@/lib/metrics/phase-evaluation";
import { appendPoints, type SeriesPoint } from "@/lib/metrics/series";
import type { MetricUpdate } from "@/lib/schemas/metrics";

// Pure data shaping for the metric tiles and the gate panel: what each tile and criterion shows, in which colour,
// and how live readings update the cached series. Colours mean the same everywhere: ok green, warn amber, breach red;
// "none" (grey) when there is no value to judge.

export type Status = "ok" | "warn" | "breach" | "none";

/** A tile's (or criterion's) text and border colour: its level's tone (lib/domain/status.ts). */
export const statusText = (status: Status): string => TONE_CLASSES[TILE_LEVEL_TONE[status]].text;
export const statusBorder = (status: Status): string => TONE_CLASSES[TILE_LEVEL_TONE[status]].border;

/** A value against a tile's thresholds: at or past breach is breach, at or past warn is warn. */
export function thresholdStatus(
  value: number | null,
  tile: Pick<TileView, "direction" | "warnThreshold" | "breachThreshold">,
): Status {
  if (value === null || !Number.isFinite(value)) return "none";
  const worse = (limit: number | null) => limit !== null && (tile.direction === "HIGHER_IS_WORSE" ? value >= limit : value <= limit);
  if (worse(tile.breachThreshold)) return "breach";
  if (worse(tile.warnThreshold)) return "warn";
  return "ok";
}

/** The tile's latest reading in epoch ms: from the live metrics cache when it has the tile, else the rollout state. */
export type Reading = { lastValue: number | null; lastSampleAt: number | null; lastError: string | null; lastErrorAt: number | null };

export function readingOf(tile: TileView, series: TileSeries | undefined): Reading {
  if (series) return series;
  const ms = (iso: string | null) => (iso === null ? null : new Date(iso).getTime());
  return { lastValue: tile.lastValue, lastSampleAt: ms(tile.lastSampleAt), lastError: tile.lastError, lastErrorAt: ms(tile.lastErrorAt) };
}

export type TileDisplay = {
  /** value: a fresh number; no-data: the source answered with nothing to measure; waiting: never read; stale: the
   * readings stopped; error: the source is failing. Only "value" shows a number. */
  kind: "value" | "no-data" | "waiting" | "stale" | "error";
  text: string;
  status: Status;
  /** "updated 4s ago", "last reading 3m ago", "failing for 20s". */
  freshness: string;
  error: string | null;
};

export function describeTile(tile: TileView, reading: Reading, now: number): TileDisplay {
  const latest = latestReading({ ...reading, pollIntervalSeconds: tile.pollIntervalSeconds }, now);
  const ago = (at: number) => formatAgo(new Date(at).toISOString(), now);
  const unit = tile.unit ? ` ${tile.unit}` : "";
  if (latest.sourceError) {
    return {
      kind: "error",
      text: "—",
      status: "none",
      freshness: reading.lastSampleAt === null ? `failing since ${ago(reading.lastErrorAt!)}` : `source error · last good reading ${ago(reading.lastSampleAt)}`,
      error: reading.lastError,
    };
  }
  if (reading.lastSampleAt === null) return { kind: "waiting", text: "—", status: "none", freshness: "waiting for a first reading", error: null };
  if (latest.stale) return { kind: "stale", text: "—", status: "none", freshness: `stale · last reading ${ago(reading.lastSampleAt)}`, error: null };
  if (latest.value === null) return { kind: "no-data", text: "no data", status: "none", freshness: `updated ${ago(reading.lastSampleAt)}`, error: null };
  return {
    kind: "value",
    text: `${formatNumber(latest.value)}${unit}`,
    status: thresholdStatus(latest.value, tile),
    freshness: `updated ${ago(reading.lastSampleAt)}`,
    error: null,
  };
}

/** Applies live readings to the cached series: newer readings move the tile, values become points, errors flag it. */
export function applyMetricUpdates(series: MetricSeries, updates: readonly MetricUpdate[]): MetricSeries {
  const windowMs = series.now - series.since;
  let changed = false;
  const tiles = series.tiles.map((tile) => {
    const mine = updates.filter((u) => u.tileId === tile.id);
    if (mine.length === 0) return tile;
    let next: TileSeries = tile;
    const points: SeriesPoint[] = [];
    for (const update of mine) {
      if (update.error !== undefined) {
        if (next.lastErrorAt === null || update.at >= next.lastErrorAt) next = { ...next, lastError: update.error, lastErrorAt: update.at };
        continue;
      }
      if (next.lastSampleAt === null || update.at >= next.lastSampleAt) next = { ...next, lastValue: update.value ?? null, lastSampleAt: update.at };
      if (typeof update.value === "number") points.push({ at: update.at, value: update.value });
    }
    const appended = appendPoints(next.points, points, windowMs);
    if (appended !== next.points) next = { ...next, points: appended };
    if (next !== tile) changed = true;
    return next;
  });
  return changed ? { ...series, tiles } : series;
}

/** Points for the sparkline, and a y-range that never collapses to a line on a flat series. */
export function sparklineShape(points: readonly SeriesPoint[]): { data: SeriesPoint[]; domain: [number, number] } {
  if (points.length === 0) return { data: [], domain: [0, 1] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    min = Math.min(min, p.value);
    max = Math.max(max, p.value);
  }
  const pad = max === min ? Math.max(Math.abs(max) * 0.1, 1) : (max - min) * 0.1;
  return { data: [...points], domain: [min - pad, max + pad] };
}

// ---------------------------------------------------------------------------------------------------------------------
// Gates

export type CriterionDisplay = { state: string; label: string; status: Status; value: string };

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

const READING_WORDS: Record<Exclude<PhaseReading["quality"], "fresh">, string> = {
  "no-tile": "no tile",
  "no-data": "no data",
  "source-error": "source error",
  "before-phase": "no reading in this phase yet",
  stale: "stale",
};

/**
 * A criterion's line in the gate panel, by the status model: only a fresh reading taken inside the phase counts.
 * Rollback triggers show the evaluator's state (Normal / Pending since… / Firing since… / Resolved); success
 * criteria whether that reading meets them. Once the phase has ended its triggers are frozen: durations run to
 * the phase's end, not to now.
 */
export function describeCriterion(
  criterion: CriterionView,
  phase: Pick<PhaseView, "startedAt" | "endedAt">,
  tile: TileView | undefined,
  reading: Reading | undefined,
  now: number,
): CriterionDisplay {
  const ms = (iso: string | null) => (iso === null ? null : new Date(iso).getTime());
  const latest = readInPhase(tile && reading ? { ...reading, pollIntervalSeconds: tile.pollIntervalSeconds } : undefined, ms(phase.startedAt), now);
  const unit = criterion.unit ? ` ${criterion.unit}` : "";
  const value = latest.quality === "fresh" ? `${formatNumber(latest.value!)}${unit}` : READING_WORDS[latest.quality];

  if (criterion.kind === "ROLLBACK_TRIGGER") {
    const until = ms(phase.endedAt) ?? now;
    const since = criterion.stateSince ? ` since ${clock(criterion.stateSince)} (${formatAgo(criterion.stateSince, until).replace(" ago", "")}${phase.endedAt ? " when the phase ended" : ""})` : "";
    switch (criterion.state) {
      case "FIRING":
        return { state: "FIRING", label: `Firing${since}`, status: "breach", value };
      case "PENDING":
        return { state: "PENDING", label: `Pending${since}`, status: "warn", value };
      case "RESOLVED":
        return { state: "RESOLVED", label: `Resolved${since}`, status: "warn", value };
      case "NORMAL":
        return { state: "NORMAL", label: "Normal", status: latest.quality === "fresh" ? "ok" : "none", value };
    }
  }
  const judgement = judgeCriterion(criterion, latest);
  if (judgement === "MET") return { state: "MET", label: "Met", status: "ok", value };
  if (judgement === "NOT_MET") return { state: "NOT_MET", label: "Not met", status: "breach", value };
  return { state: "NO_DATA", label: "No data", status: "none", value };
}

export function criterionLimit(criterion: Pick<CriterionView, "comparator" | "threshold" | "unit" | "pendingSeconds" | "kind">): string {
  const unit = criterion.unit ? ` ${criterion.unit}` : "";
  const held = criterion.kind === "ROLLBACK_TRIGGER" && criterion.pendingSeconds > 0 ? ` for ${formatDuration(criterion.pendingSeconds)}` : "";
  return `${comparatorSymbol(criterion.comparator)} ${formatNumber(criterion.threshold)}${unit}${held}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return seconds % 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds / 60}m`;
  return seconds % 3600 ? `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m` : `${seconds / 3600}h`;
}

/**
 * The phase the gate panel shows: the ACTIVE one (or a PAUSED one, whose last verdict still stands); once a
 * phase was rolled back or failed, that one, so the room still sees which trigger fired and why.
 */
export function gatedPhase(phases: readonly PhaseView[]): PhaseView | undefined {
  return (
    phases.find((p) => p.status === "ACTIVE") ??
    phases.find((p) => p.status === "PAUSED") ??
    [...phases].reverse().find((p) => p.startedAt && (p.status === "ROLLED_BACK" || p.status === "FAILED"))
  );
}
