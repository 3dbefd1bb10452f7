// Pure helpers for metric series as the API serves them and the browser keeps them. Times are epoch ms.

export type SeriesPoint = { at: number; value: number };

/** Bucket widths the series API downsamples to, finest first (seconds). */
export const SERIES_BUCKETS = [5, 15, 60, 300, 600, 1800, 3600, 21_600] as const;
/** Windows up to this long are served raw. */
export const RAW_WINDOW_MS = 15 * 60 * 1000;
/** A chart needs no more points than this. */
export const MAX_POINTS = 360;

/** 0 (raw samples) for short windows, else the finest bucket that keeps the window within MAX_POINTS. */
export function seriesBucketSeconds(windowMs: number): number {
  if (windowMs <= RAW_WINDOW_MS) return 0;
  const seconds = windowMs / 1000;
  const coarsest = SERIES_BUCKETS[SERIES_BUCKETS.length - 1] as number;
  return SERIES_BUCKETS.find((bucket) => seconds / bucket <= MAX_POINTS) ?? coarsest;
}

/**
 * Adds live points to a series: only points newer than the last one (a late or repeated point is dropped, the series
 * stays sorted), then drops what is older than `windowMs` before the newest point.
 */
export function appendPoints(series: readonly SeriesPoint[], points: readonly SeriesPoint[], windowMs: number): SeriesPoint[] {
  let next: SeriesPoint[] | null = null;
  let last = series.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
  for (const point of [...points].sort((a, b) => a.at - b.at)) {
    if (!(point.at > last) || !Number.isFinite(point.value)) continue;
    next ??= [...series];
    next.push(point);
    last = point.at;
  }
  if (!next) return series as SeriesPoint[];
  const oldest = last - windowMs;
  const firstKept = next.findIndex((point) => point.at >= oldest);
  return firstKept <= 0 ? next : next.slice(firstKept);
}
