import { latestReading } from "./evaluate";

// The colour a metric tile shows, from the columns a tile has: its last value and when it was sampled, its warn
// and breach thresholds and which direction is worse. Same meaning everywhere: green ok, amber warn, red breach;
// grey when there is no fresh value to judge (never sampled, stale, or the source failing), and "none" when the
// tile has no thresholds to judge by.

export type MetricLevel = "ok" | "warn" | "breach" | "unknown" | "none";

export type TileReading = {
  lastValue: number | null;
  lastSampleAt: string | null;
  lastErrorAt?: string | null;
  pollIntervalSeconds: number;
  direction: "HIGHER_IS_WORSE" | "LOWER_IS_WORSE";
  warnThreshold: number | null;
  breachThreshold: number | null;
};

const time = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : null);

/** Whether `value` is at or beyond `threshold` in the worse direction. */
function beyond(value: number, threshold: number, direction: TileReading["direction"]): boolean {
  return direction === "HIGHER_IS_WORSE" ? value >= threshold : value <= threshold;
}

/** The colour of one value against a tile's thresholds ("none" when it has none). */
export function valueLevel(value: number, tile: Pick<TileReading, "direction" | "warnThreshold" | "breachThreshold">): "ok" | "warn" | "breach" | "none" {
  if (tile.breachThreshold !== null && beyond(value, tile.breachThreshold, tile.direction)) return "breach";
  if (tile.warnThreshold !== null && beyond(value, tile.warnThreshold, tile.direction)) return "warn";
  if (tile.warnThreshold === null && tile.breachThreshold === null) return "none";
  return "ok";
}

export function metricLevel(tile: TileReading, now: number): { level: MetricLevel; stale: boolean } {
  const reading = latestReading(
    { lastValue: tile.lastValue, lastSampleAt: time(tile.lastSampleAt), lastErrorAt: time(tile.lastErrorAt), pollIntervalSeconds: tile.pollIntervalSeconds },
    now,
  );
  if (reading.value === null || reading.stale || reading.sourceError) return { level: "unknown", stale: reading.stale };
  return { level: valueLevel(reading.value, tile), stale: false };
}
