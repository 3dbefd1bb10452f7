import { describe, expect, it } from "vitest";
import {
  compactionPlan,
  compactSeries,
  DEFAULT_RETENTION_PLAN,
  downsample,
  resolutionForAge,
  retentionPlanSchema,
  rollUp,
  type RetentionPlan,
  type StoredSample,
  type TimedValue,
} from "./downsample";

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

describe("downsample", () => {
  it.each<{ name: string; samples: TimedValue[]; bucketSeconds: number; expected: ReturnType<typeof downsample> }>([
    { name: "nothing", samples: [], bucketSeconds: 60, expected: [] },
    {
      name: "epoch-aligned buckets with mean, min, max and count",
      samples: [
        { at: 0, value: 1 },
        { at: 10 * S, value: 5 },
        { at: 59 * S, value: 3 },
        { at: 60 * S, value: 10 },
        { at: 119_999, value: 20 },
      ],
      bucketSeconds: 60,
      expected: [
        { at: 0, value: 3, min: 1, max: 5, count: 3 },
        { at: 60 * S, value: 15, min: 10, max: 20, count: 2 },
      ],
    },
    {
      name: "unsorted input, gaps, non-finite values skipped",
      samples: [
        { at: 250 * S, value: 4 },
        { at: 10 * S, value: 2 },
        { at: 20 * S, value: Number.NaN },
        { at: 30 * S, value: Number.POSITIVE_INFINITY },
      ],
      bucketSeconds: 60,
      expected: [
        { at: 0, value: 2, min: 2, max: 2, count: 1 },
        { at: 240 * S, value: 4, min: 4, max: 4, count: 1 },
      ],
    },
    {
      name: "a bucket that does not start at the first sample",
      samples: [
        { at: 1_700_000_123_000, value: 1 },
        { at: 1_700_000_161_000, value: 3 },
      ],
      bucketSeconds: 60,
      expected: [
        { at: 1_700_000_100_000, value: 1, min: 1, max: 1, count: 1 },
        { at: 1_700_000_160_000, value: 3, min: 3, max: 3, count: 1 },
      ],
    },
  ])("$name", ({ samples, bucketSeconds, expected }) => {
    expect(downsample(samples, bucketSeconds)).toEqual(expected);
  });

  it.each([0, -60, Number.NaN, Number.POSITIVE_INFINITY])("rejects bucketSeconds %d", (bucketSeconds) => {
    expect(() => downsample([{ at: 0, value: 1 }], bucketSeconds)).toThrow(RangeError);
  });
});

describe("rollUp", () => {
  it("weights means by count", () => {
    expect(
      rollUp(
        [
          { at: 0, value: 10, min: 10, max: 10, count: 1 },
          { at: 60 * S, value: 20, min: 15, max: 30, count: 3 },
        ],
        600,
      ),
    ).toEqual([{ at: 0, value: 17.5, min: 10, max: 30, count: 4 }]);
  });

  it("rolling up 1-minute buckets equals downsampling raw samples to 10 minutes", () => {
    const raw = Array.from({ length: 200 }, (_, i) => ({ at: i * 15 * S, value: (i * 7919) % 101 }));
    const viaMinutes = rollUp(downsample(raw, 60), 600);
    const direct = downsample(raw, 600);
    expect(viaMinutes.map((b) => b.at)).toEqual(direct.map((b) => b.at));
    viaMinutes.forEach((bucket, i) => {
      const expected = direct[i];
      expect(bucket.value).toBeCloseTo(expected?.value ?? Number.NaN, 9);
      expect([bucket.min, bucket.max, bucket.count]).toEqual([expected?.min, expected?.max, expected?.count]);
    });
  });
});

describe("retention plan", () => {
  it.each([
    { age: 0, resolution: 0 },
    { age: 2 * 3600, resolution: 0 },
    { age: 2 * 3600 + 1, resolution: 60 },
    { age: 48 * 3600, resolution: 60 },
    { age: 48 * 3600 + 1, resolution: 600 },
    { age: 365 * 24 * 3600, resolution: 600 },
  ])("default plan keeps age $age s at resolution $resolution s", ({ age, resolution }) => {
    expect(resolutionForAge(age)).toBe(resolution);
  });

  it("answers null past the last finite tier (delete)", () => {
    const plan: RetentionPlan = [
      { maxAgeSeconds: 3600, resolutionSeconds: 0 },
      { maxAgeSeconds: 86_400, resolutionSeconds: 300 },
    ];
    expect(resolutionForAge(86_400, plan)).toBe(300);
    expect(resolutionForAge(86_401, plan)).toBeNull();
  });

  it("accepts the default plan", () => {
    expect(retentionPlanSchema.safeParse(DEFAULT_RETENTION_PLAN).success).toBe(true);
  });

  it.each([
    { name: "empty", plan: [] },
    { name: "forever before the last tier", plan: [{ maxAgeSeconds: null, resolutionSeconds: 0 }, { maxAgeSeconds: null, resolutionSeconds: 60 }] },
    { name: "ages not increasing", plan: [{ maxAgeSeconds: 7200, resolutionSeconds: 0 }, { maxAgeSeconds: 3600, resolutionSeconds: 60 }] },
    { name: "resolution not coarser", plan: [{ maxAgeSeconds: 7200, resolutionSeconds: 60 }, { maxAgeSeconds: null, resolutionSeconds: 60 }] },
    { name: "resolution not a multiple", plan: [{ maxAgeSeconds: 7200, resolutionSeconds: 60 }, { maxAgeSeconds: null, resolutionSeconds: 90 }] },
  ])("rejects a plan with $name", ({ plan }) => {
    expect(retentionPlanSchema.safeParse(plan).success).toBe(false);
  });
});

describe("compactionPlan", () => {
  it("aligns windows to whole buckets of their resolution", () => {
    const now = Date.UTC(2025, 0, 10, 12, 7, 30);
    expect(compactionPlan(now)).toEqual({
      windows: [
        // Older than 2 h (10:07:30) → whole minutes up to 10:07:00.
        { from: Date.UTC(2025, 0, 8, 12, 0, 0), to: Date.UTC(2025, 0, 10, 10, 7, 0), resolutionSeconds: 60 },
        // Older than 48 h (Jan 8 12:07:30) → whole 10 minutes up to 12:00:00.
        { from: null, to: Date.UTC(2025, 0, 8, 12, 0, 0), resolutionSeconds: 600 },
      ],
      dropBefore: null,
    });
  });

  it("drops samples past a finite last tier and handles a plan without a raw tier", () => {
    const plan: RetentionPlan = [
      { maxAgeSeconds: 3600, resolutionSeconds: 60 },
      { maxAgeSeconds: 86_400, resolutionSeconds: 300 },
    ];
    const now = 10 * 86_400 * S + 90 * S;
    expect(compactionPlan(now, plan)).toEqual({
      windows: [
        { from: now - 90 * S - 3600 * S, to: now - 90 * S + 60 * S, resolutionSeconds: 60 },
        { from: null, to: now - 90 * S - 3600 * S, resolutionSeconds: 300 },
      ],
      dropBefore: now - 86_400 * S,
    });
  });
});

describe("compactSeries", () => {
  const now = Date.UTC(2025, 0, 10, 12, 0, 0);
  // 50 hours of raw 15 s samples; value = minutes since the start, so bucket means are easy to compute by hand.
  const start = now - 50 * HOUR;
  const raw: StoredSample[] = Array.from({ length: (50 * HOUR) / (15 * S) }, (_, i) => ({
    at: start + i * 15 * S,
    value: (i * 15) / 60,
    resolutionSeconds: 0,
  }));
  const compacted = compactSeries(raw, now);
  const byResolution = (resolution: number) => compacted.filter((row) => row.resolutionSeconds === resolution);

  it("keeps the last 2 h raw, 1-minute buckets up to 48 h, 10-minute buckets beyond", () => {
    expect(byResolution(0)).toHaveLength((2 * HOUR) / (15 * S)); // 480
    expect(byResolution(60)).toHaveLength((46 * HOUR) / MIN); // 2760
    expect(byResolution(600)).toHaveLength((2 * HOUR) / (10 * MIN)); // 12
    expect(compacted.length).toBeLessThan(raw.length / 3);
    expect(byResolution(0)[0]?.at).toBe(now - 2 * HOUR);
    expect(byResolution(60)[0]?.at).toBe(now - 48 * HOUR);
    expect(byResolution(600).at(-1)?.at).toBe(now - 48 * HOUR - 10 * MIN);
  });

  it("averages each bucket", () => {
    // The first 10-minute bucket holds minutes 0, 0.25, …, 9.75: mean 4.875.
    expect(byResolution(600)[0]).toEqual({ at: start, value: 4.875, resolutionSeconds: 600 });
    // The first 1-minute bucket (48 h ago = minute 120) holds 120, 120.25, 120.5, 120.75.
    expect(byResolution(60)[0]).toEqual({ at: now - 48 * HOUR, value: 120.375, resolutionSeconds: 60 });
  });

  it("is idempotent and sorted", () => {
    expect(compactSeries(compacted, now)).toEqual(compacted);
    expect(compacted.map((row) => row.at)).toEqual([...compacted.map((row) => row.at)].sort((a, b) => a - b));
  });

  it("rolls 1-minute rows into 10-minute rows as they age", () => {
    const later = now + 24 * HOUR;
    const again = compactSeries(compacted, later);
    expect(again.filter((row) => row.resolutionSeconds === 0)).toHaveLength(0);
    expect(again.filter((row) => row.resolutionSeconds === 600)).toHaveLength((26 * HOUR) / (10 * MIN));
    expect(again.filter((row) => row.resolutionSeconds === 60)).toHaveLength((24 * HOUR) / MIN);
    // Equal-weight mean of ten 1-minute means of 4 samples each equals the raw mean.
    const rolledUp = again.find((row) => row.resolutionSeconds === 600 && row.at === now - 48 * HOUR);
    expect(rolledUp?.value).toBeCloseTo(124.875, 9);
  });
});
