import { z } from "zod";
import type { Comparator } from "./enums";

// Comparison and freshness of readings, shared by the status model (lib/domain/status.ts) and the tiles.
// All times are epoch milliseconds.

// ---------------------------------------------------------------------------------------------------------------------
// Comparison

// Metric values are computed floats (7 / 100 × 100 = 7.000000000000001), so "at the threshold" is decided with a
// relative tolerance; beyond that, strict comparators stay strict.
const RELATIVE_TOLERANCE = 1e-9;

function nearlyEqual(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Whether `value <comparator> threshold` holds. NaN never satisfies anything. */
export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  if (Number.isNaN(value) || Number.isNaN(threshold)) return false;
  const equal = nearlyEqual(value, threshold);
  switch (comparator) {
    case "LT":
      return value < threshold && !equal;
    case "LTE":
      return value < threshold || equal;
    case "GT":
      return value > threshold && !equal;
    case "GTE":
      return value > threshold || equal;
    case "EQ":
      return equal;
  }
}

const COMPARATOR_SYMBOLS: Record<Comparator, string> = { LT: "<", LTE: "≤", GT: ">", GTE: "≥", EQ: "=" };

/** "> 1" — for display next to a criterion. */
export function comparatorSymbol(comparator: Comparator): string {
  return COMPARATOR_SYMBOLS[comparator];
}

// ---------------------------------------------------------------------------------------------------------------------
// Freshness

/** A reading older than this many poll intervals is stale: the source has stopped answering, whatever it last said. */
export const STALE_AFTER_POLL_INTERVALS = 3;

export function staleAfterMs(pollIntervalSeconds: number, intervals: number = STALE_AFTER_POLL_INTERVALS): number {
  return pollIntervalSeconds * intervals * 1000;
}

/** Whether a reading taken at `at` is stale at `now`. Never read is stale. */
export function isStale(at: number | null, now: number, pollIntervalSeconds: number, intervals: number = STALE_AFTER_POLL_INTERVALS): boolean {
  if (at === null) return true;
  return now - at > staleAfterMs(pollIntervalSeconds, intervals);
}

export const latestReadingSchema = z.object({
  value: z.number().nullable(),
  at: z.number().nullable(),
  stale: z.boolean(),
  /** The most recent poll of the source failed. */
  sourceError: z.boolean().optional(),
});
export type LatestReading = z.infer<typeof latestReadingSchema>;

/**
 * The latest reading of a metric tile as criteria see it, from the tile's stored fields (times in epoch ms). The
 * source is in error when its last error is newer than its last sample.
 */
export function latestReading(
  tile: { lastValue: number | null; lastSampleAt: number | null; lastErrorAt?: number | null; pollIntervalSeconds: number },
  now: number,
): LatestReading {
  const lastErrorAt = tile.lastErrorAt ?? null;
  const sourceError = lastErrorAt !== null && (tile.lastSampleAt === null || lastErrorAt > tile.lastSampleAt);
  return {
    value: tile.lastValue,
    at: tile.lastSampleAt,
    stale: isStale(tile.lastSampleAt, now, tile.pollIntervalSeconds),
    sourceError,
  };
}
