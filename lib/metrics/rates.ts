import { parseFloatToken, seriesKey, type Sample } from "./sample";
import { selectSamples, type Selector } from "./selector";

// Counter arithmetic between two scrapes of the same target, the way Prometheus' increase()/rate() treat two points.

/** Increase of a counter between two readings. A drop means the process restarted and the counter began again at 0. */
export function counterIncrease(previous: number, current: number): number {
  return current < previous ? current : current - previous;
}

/**
 * Per-series increase for every series of `current` that matches `selector`. A series missing from `previous` counts
 * from 0: client libraries create labelled series lazily on first increment (the first 5xx, say), so its whole value
 * is new. NaN readings are skipped.
 */
export function seriesIncreases(
  previous: readonly Sample[],
  current: readonly Sample[],
  selector: Selector | string,
): Array<{ sample: Sample; increase: number }> {
  const before = new Map(selectSamples(previous, selector).map((sample) => [seriesKey(sample), sample.value]));
  const out: Array<{ sample: Sample; increase: number }> = [];
  for (const sample of selectSamples(current, selector)) {
    if (Number.isNaN(sample.value)) continue;
    const prior = before.get(seriesKey(sample));
    const increase = prior === undefined || Number.isNaN(prior) ? sample.value : counterIncrease(prior, sample.value);
    out.push({ sample, increase });
  }
  return out;
}

/** Total increase over all matching series, or null when no series matches (nothing to say, not "zero"). */
export function sumIncrease(previous: readonly Sample[], current: readonly Sample[], selector: Selector | string): number | null {
  const increases = seriesIncreases(previous, current, selector);
  if (increases.length === 0) return null;
  return increases.reduce((total, { increase }) => total + increase, 0);
}

export type Bucket = { le: number; count: number };

/**
 * Histogram bucket increases between two scrapes, summed by `le` across the other labels (PromQL's
 * `sum by (le) (increase(x_bucket[…]))`). The selector must pick `_bucket` series.
 */
export function bucketIncreases(previous: readonly Sample[], current: readonly Sample[], selector: Selector | string): Bucket[] {
  const byLe = new Map<number, number>();
  for (const { sample, increase } of seriesIncreases(previous, current, selector)) {
    const le = parseFloatToken(sample.labels.le ?? "");
    if (le === null || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + increase);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile of cumulative histogram buckets, as Prometheus' histogram_quantile computes it: find the bucket that
 * holds rank q×total and interpolate linearly inside it (the lowest bucket starts at 0 unless its bound is ≤ 0; a
 * rank in the +Inf bucket answers the highest finite bound). NaN when it cannot be computed: no +Inf bucket, fewer
 * than two buckets, or no observations.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;

  // Coalesce equal bounds and sort; then force monotonic counts, since per-bucket resets can break monotonicity.
  const merged = new Map<number, number>();
  for (const { le, count } of buckets) merged.set(le, (merged.get(le) ?? 0) + count);
  const sorted = [...merged].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const last = sorted.at(-1);
  if (!last || last.le !== Number.POSITIVE_INFINITY || sorted.length < 2) return Number.NaN;
  let max = Number.NEGATIVE_INFINITY;
  for (const bucket of sorted) {
    max = Math.max(max, bucket.count);
    bucket.count = max;
  }

  const observations = last.count;
  if (!(observations > 0)) return Number.NaN;
  let rank = q * observations;
  // First bucket (excluding +Inf) whose cumulative count reaches the rank; sorted.length - 1 if none does.
  let b = sorted.findIndex((bucket, i) => i < sorted.length - 1 && bucket.count >= rank);
  if (b === -1) b = sorted.length - 1;
  if (b === sorted.length - 1) return sorted[sorted.length - 2]?.le ?? Number.NaN;

  const bucket = sorted[b];
  if (!bucket) return Number.NaN;
  if (b === 0 && bucket.le <= 0) return bucket.le;
  let start = 0;
  let count = bucket.count;
  const below = b > 0 ? sorted[b - 1] : undefined;
  if (below) {
    start = below.le;
    count -= below.count;
    rank -= below.count;
  }
  return start + (bucket.le - start) * (rank / count);
}
