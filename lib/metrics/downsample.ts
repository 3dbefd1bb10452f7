import { z } from "zod";

// Downsampling and retention for metric samples, so that a phase watched for 48 hours at a 15 s poll (11,520 raw
// points per tile) stays cheap to store and to chart. Times are epoch milliseconds; resolutions are seconds, as in
// MetricSample.resolutionSeconds (0 = raw).

export const timedValueSchema = z.object({ at: z.number(), value: z.number() });
export type TimedValue = z.infer<typeof timedValueSchema>;

export const downsampledBucketSchema = z.object({
  /** Start of the bucket (aligned to the epoch, so buckets from separate runs line up). */
  at: z.number(),
  /** Mean of the samples in the bucket. */
  value: z.number(),
  min: z.number(),
  max: z.number(),
  count: z.number().int().positive(),
});
export type DownsampledBucket = z.infer<typeof downsampledBucketSchema>;

function bucketMs(bucketSeconds: number): number {
  if (!(bucketSeconds > 0) || !Number.isFinite(bucketSeconds)) throw new RangeError(`bucketSeconds must be a positive number, got ${bucketSeconds}`);
  return bucketSeconds * 1000;
}

function alignDown(at: number, widthMs: number): number {
  return Math.floor(at / widthMs) * widthMs;
}

/** Buckets of `bucketSeconds` with mean, min, max and count, oldest first. Non-finite values are skipped. */
export function downsample(samples: readonly TimedValue[], bucketSeconds: number): DownsampledBucket[] {
  return rollUp(
    samples.filter((s) => Number.isFinite(s.value)).map((s) => ({ at: s.at, value: s.value, min: s.value, max: s.value, count: 1 })),
    bucketSeconds,
  );
}

/** Merges buckets into coarser ones; means are weighted by count, so rolling 1 min buckets into 10 min is exact. */
export function rollUp(buckets: readonly DownsampledBucket[], bucketSeconds: number): DownsampledBucket[] {
  const width = bucketMs(bucketSeconds);
  const merged = new Map<number, { sum: number; min: number; max: number; count: number }>();
  for (const bucket of buckets) {
    const start = alignDown(bucket.at, width);
    const into = merged.get(start);
    if (into) {
      into.sum += bucket.value * bucket.count;
      into.min = Math.min(into.min, bucket.min);
      into.max = Math.max(into.max, bucket.max);
      into.count += bucket.count;
    } else {
      merged.set(start, { sum: bucket.value * bucket.count, min: bucket.min, max: bucket.max, count: bucket.count });
    }
  }
  return [...merged]
    .sort(([a], [b]) => a - b)
    .map(([at, { sum, min, max, count }]) => ({ at, value: sum / count, min, max, count }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Retention

export const retentionTierSchema = z.object({
  /** Samples up to this age use this tier; null = forever (only for the last tier). */
  maxAgeSeconds: z.number().positive().nullable(),
  /** 0 = raw samples. */
  resolutionSeconds: z.number().int().min(0),
});
export type RetentionTier = z.infer<typeof retentionTierSchema>;

export const retentionPlanSchema = z
  .array(retentionTierSchema)
  .min(1)
  .superRefine((tiers, ctx) => {
    tiers.forEach((tier, i) => {
      const previous = tiers[i - 1];
      if (tier.maxAgeSeconds === null && i !== tiers.length - 1) {
        ctx.addIssue({ code: "custom", path: [i, "maxAgeSeconds"], message: "only the last tier may keep samples forever" });
      }
      if (!previous) return;
      if (previous.maxAgeSeconds !== null && tier.maxAgeSeconds !== null && tier.maxAgeSeconds <= previous.maxAgeSeconds) {
        ctx.addIssue({ code: "custom", path: [i, "maxAgeSeconds"], message: "tiers must cover increasing ages" });
      }
      // Each coarser resolution must be a multiple of the finer one so that tier boundaries never split a bucket.
      const multiple = previous.resolutionSeconds === 0 || tier.resolutionSeconds % previous.resolutionSeconds === 0;
      if (tier.resolutionSeconds <= previous.resolutionSeconds || !multiple) {
        ctx.addIssue({ code: "custom", path: [i, "resolutionSeconds"], message: "each tier must be coarser than, and a multiple of, the one before" });
      }
    });
  });
export type RetentionPlan = z.infer<typeof retentionPlanSchema>;

/** Raw for 2 hours, 1-minute buckets up to 48 hours, 10-minute buckets after that. */
export const DEFAULT_RETENTION_PLAN: RetentionPlan = [
  { maxAgeSeconds: 2 * 3600, resolutionSeconds: 0 },
  { maxAgeSeconds: 48 * 3600, resolutionSeconds: 60 },
  { maxAgeSeconds: null, resolutionSeconds: 600 },
];

/** The resolution to keep for a sample of this age, or null when it is past retention and should be deleted. */
export function resolutionForAge(ageSeconds: number, plan: RetentionPlan = DEFAULT_RETENTION_PLAN): number | null {
  const tier = plan.find((t) => t.maxAgeSeconds === null || ageSeconds <= t.maxAgeSeconds);
  return tier ? tier.resolutionSeconds : null;
}

export type CompactionWindow = {
  /** Inclusive start (epoch ms); null = from the beginning. */
  from: number | null;
  /** Exclusive end (epoch ms), aligned to resolutionSeconds. */
  to: number;
  resolutionSeconds: number;
};

/**
 * What to compact at `now`: in each window, samples finer than its resolution are replaced by buckets of it; samples
 * before `dropBefore` are deleted. Window edges are aligned to bucket widths, so only whole buckets are ever compacted
 * and repeated runs are idempotent. Suited to doing the work in SQL as well as with compactSeries.
 */
export function compactionPlan(now: number, plan: RetentionPlan = DEFAULT_RETENTION_PLAN): { windows: CompactionWindow[]; dropBefore: number | null } {
  const last = plan.at(-1);
  const dropBefore = last === undefined || last.maxAgeSeconds === null ? null : now - last.maxAgeSeconds * 1000;
  // Tier i covers ages (maxAge[i-1], maxAge[i]]; its window ends at the youngest whole bucket of that age range and
  // starts where the next (coarser) tier's window ends. Raw tiers have nothing to compact.
  const ends = plan.map((tier, i) => {
    const minAgeSeconds = plan[i - 1]?.maxAgeSeconds ?? 0;
    return tier.resolutionSeconds === 0 ? null : alignDown(now - minAgeSeconds * 1000, tier.resolutionSeconds * 1000);
  });
  const windows: CompactionWindow[] = [];
  plan.forEach((tier, i) => {
    const to = ends[i];
    if (to === undefined || to === null) return;
    const next = ends[i + 1];
    windows.push({ from: next === undefined || next === null ? null : Math.min(next, to), to, resolutionSeconds: tier.resolutionSeconds });
  });
  return { windows, dropBefore };
}

export const storedSampleSchema = timedValueSchema.extend({ resolutionSeconds: z.number().int().min(0) });
export type StoredSample = z.infer<typeof storedSampleSchema>;

/**
 * Applies compactionPlan to one series: the rows to keep, oldest first. Rows already at (or coarser than) their
 * window's resolution are kept as they are. Stored rows carry no count, so rolling 1-minute rows into 10-minute ones
 * weighs each row equally — exact enough at a steady poll interval.
 */
export function compactSeries(rows: readonly StoredSample[], now: number, plan: RetentionPlan = DEFAULT_RETENTION_PLAN): StoredSample[] {
  const { windows, dropBefore } = compactionPlan(now, plan);
  const kept: StoredSample[] = [];
  const toCompact = windows.map(() => [] as TimedValue[]);
  for (const row of rows) {
    if (dropBefore !== null && row.at < dropBefore) continue;
    const w = windows.findIndex((window) => (window.from === null || row.at >= window.from) && row.at < window.to);
    const window = windows[w];
    if (window && row.resolutionSeconds < window.resolutionSeconds) toCompact[w]?.push(row);
    else kept.push(row);
  }
  windows.forEach((window, w) => {
    for (const bucket of downsample(toCompact[w] ?? [], window.resolutionSeconds)) {
      kept.push({ at: bucket.at, value: bucket.value, resolutionSeconds: window.resolutionSeconds });
    }
  });
  return kept.sort((a, b) => a.at - b.at || a.resolutionSeconds - b.resolutionSeconds);
}
