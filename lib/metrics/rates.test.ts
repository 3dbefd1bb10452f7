import { describe, expect, it } from "vitest";
import { bucketIncreases, counterIncrease, histogramQuantile, sumIncrease, type Bucket } from "./rates";
import { parsePrometheusText } from "./prom-text";

describe("counterIncrease", () => {
  it.each([
    { previous: 10, current: 15, expected: 5 },
    { previous: 10, current: 10, expected: 0 },
    { previous: 0, current: 0, expected: 0 },
    // Reset: the process restarted and counted 3 since.
    { previous: 1000, current: 3, expected: 3 },
    { previous: 1000, current: 0, expected: 0 },
  ])("$previous → $current = $expected", ({ previous, current, expected }) => {
    expect(counterIncrease(previous, current)).toBe(expected);
  });
});

describe("sumIncrease", () => {
  const previous = parsePrometheusText(['c{v="a"} 100', 'c{v="b"} 50', 'c{v="gone"} 7', 'c{v="nan"} NaN'].join("\n"));
  const current = parsePrometheusText(['c{v="a"} 130', 'c{v="b"} 20', 'c{v="new"} 4', 'c{v="nan"} 5', 'other 1'].join("\n"));

  it.each([
    { selector: 'c{v="a"}', expected: 30 },
    { selector: 'c{v="b"}', expected: 20 }, // reset
    { selector: 'c{v="new"}', expected: 4 }, // born between scrapes: counts from 0
    { selector: 'c{v="nan"}', expected: 5 }, // NaN before: treated as absent
    { selector: 'c{v="gone"}', expected: null }, // nothing in the current scrape
    { selector: "c", expected: 30 + 20 + 4 + 5 },
    { selector: "missing", expected: null },
  ])("$selector", ({ selector, expected }) => {
    expect(sumIncrease(previous, current, selector)).toBe(expected);
  });
});

describe("histogramQuantile", () => {
  // Cumulative: 10 observations ≤ 0.1, 60 ≤ 0.5, 90 ≤ 1, 100 in all.
  const buckets: Bucket[] = [
    { le: 0.1, count: 10 },
    { le: 0.5, count: 60 },
    { le: 1, count: 90 },
    { le: Number.POSITIVE_INFINITY, count: 100 },
  ];

  it.each([
    // rank 50 falls in (0.1, 0.5]: 0.1 + 0.4 × (50 − 10) / (60 − 10) = 0.42
    { q: 0.5, expected: 0.42 },
    // rank 5 in the first bucket, which starts at 0: 0.1 × 5 / 10
    { q: 0.05, expected: 0.05 },
    // rank 90 reaches exactly the top of (0.5, 1]
    { q: 0.9, expected: 1 },
    // rank 75 in (0.5, 1]: 0.5 + 0.5 × 15 / 30
    { q: 0.75, expected: 0.75 },
    // rank 95 is in the +Inf bucket: the highest finite bound
    { q: 0.95, expected: 1 },
    { q: 0.99, expected: 1 },
    { q: 0, expected: 0 },
  ])("q=$q → $expected", ({ q, expected }) => {
    expect(histogramQuantile(q, buckets)).toBeCloseTo(expected, 12);
  });

  it("handles out-of-range q like Prometheus", () => {
    expect(histogramQuantile(-0.1, buckets)).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(1.1, buckets)).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(Number.NaN, buckets)).toBeNaN();
  });

  it.each([
    { name: "no +Inf bucket", buckets: [{ le: 1, count: 5 }] },
    { name: "only the +Inf bucket", buckets: [{ le: Number.POSITIVE_INFINITY, count: 5 }] },
    { name: "no observations", buckets: [{ le: 1, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 0 }] },
    { name: "no buckets", buckets: [] },
  ])("is NaN with $name", ({ buckets: input }) => {
    expect(histogramQuantile(0.5, input)).toBeNaN();
  });

  it("sorts, coalesces equal bounds and forces monotonic counts", () => {
    const messy: Bucket[] = [
      { le: Number.POSITIVE_INFINITY, count: 20 },
      { le: 1, count: 20 },
      { le: 0.5, count: 8 }, // lower than the 0.1 bucket: treated as 10
      { le: 0.1, count: 6 },
      { le: 0.1, count: 4 }, // same bound twice: summed to 10
    ];
    // rank 10 reaches exactly the top of the first bucket.
    expect(histogramQuantile(0.5, messy)).toBeCloseTo(0.1, 12);
    // rank 15 lands in (0.5, 1] after the fix-up: 0.5 + 0.5 × 5 / 10
    expect(histogramQuantile(0.75, messy)).toBeCloseTo(0.75, 12);
  });

  it("answers a non-positive lowest bound as is", () => {
    const negative: Bucket[] = [
      { le: -1, count: 5 },
      { le: 1, count: 10 },
      { le: Number.POSITIVE_INFINITY, count: 10 },
    ];
    expect(histogramQuantile(0.2, negative)).toBe(-1);
    // rank 7.5 in (−1, 1]: −1 + 2 × 2.5 / 5
    expect(histogramQuantile(0.75, negative)).toBeCloseTo(0, 12);
  });
});

describe("bucketIncreases", () => {
  it("takes per-bucket deltas and sums them by le across series", () => {
    const previous = parsePrometheusText(
      [
        'd_bucket{v="a",le="0.1"} 100',
        'd_bucket{v="a",le="0.5"} 200',
        'd_bucket{v="a",le="+Inf"} 300',
        'd_bucket{v="b",le="0.1"} 5',
        'd_bucket{v="b",le="0.5"} 5',
        'd_bucket{v="b",le="+Inf"} 5',
      ].join("\n"),
    );
    const current = parsePrometheusText(
      [
        'd_bucket{v="a",le="0.1"} 104',
        'd_bucket{v="a",le="0.5"} 230',
        'd_bucket{v="a",le="+Inf"} 340',
        'd_bucket{v="b",le="0.1"} 6',
        'd_bucket{v="b",le="0.5"} 10',
        'd_bucket{v="b",le="+Inf"} 10',
        'd_bucket{v="b",le="bogus"} 10',
      ].join("\n"),
    );
    expect(bucketIncreases(previous, current, "d_bucket")).toEqual([
      { le: 0.1, count: 5 },
      { le: 0.5, count: 35 },
      { le: Number.POSITIVE_INFINITY, count: 45 },
    ]);
  });
});
