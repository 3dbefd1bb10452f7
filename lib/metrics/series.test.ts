import { describe, expect, it } from "vitest";
import { appendPoints, seriesBucketSeconds, type SeriesPoint } from "./series";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("seriesBucketSeconds", () => {
  it.each([
    [5 * MIN, 0],
    [15 * MIN, 0], // the longest raw window
    [15 * MIN + 1, 5],
    [30 * MIN, 5],
    [HOUR, 15],
    [6 * HOUR, 60],
    [48 * HOUR, 600],
    [7 * 24 * HOUR, 1800],
    [90 * 24 * HOUR, 21_600],
    [365 * 24 * HOUR, 21_600], // never coarser than the coarsest bucket
  ])("%d ms → %d s", (windowMs, expected) => {
    expect(seriesBucketSeconds(windowMs)).toBe(expected);
  });
});

describe("appendPoints", () => {
  const series: SeriesPoint[] = [
    { at: 1000, value: 1 },
    { at: 2000, value: 2 },
  ];

  it.each<{ name: string; points: SeriesPoint[]; windowMs: number; expected: SeriesPoint[] }>([
    { name: "appends newer points in order", points: [{ at: 4000, value: 4 }, { at: 3000, value: 3 }], windowMs: 60_000, expected: [...series, { at: 3000, value: 3 }, { at: 4000, value: 4 }] },
    { name: "drops late and repeated points", points: [{ at: 2000, value: 9 }, { at: 1500, value: 9 }], windowMs: 60_000, expected: series },
    { name: "drops non-finite values", points: [{ at: 3000, value: Number.NaN }], windowMs: 60_000, expected: series },
    { name: "trims what falls out of the window", points: [{ at: 3500, value: 3 }], windowMs: 2000, expected: [{ at: 2000, value: 2 }, { at: 3500, value: 3 }] },
  ])("$name", ({ points, windowMs, expected }) => {
    expect(appendPoints(series, points, windowMs)).toEqual(expected);
  });

  it("returns the same array when nothing changes (so React skips the re-render)", () => {
    expect(appendPoints(series, [{ at: 500, value: 1 }], 60_000)).toBe(series);
  });
});
