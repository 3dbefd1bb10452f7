import { describe, expect, it } from "vitest";
import { describeMeasurement, formatNumber } from "./phase-evaluation";

describe("formatting", () => {
  it.each([
    [0, "0"],
    [0.0004213, "0.000421"],
    [0.5, "0.5"],
    [4.1234, "4.12"],
    [56.78, "56.8"],
    [1234.5, "1235"],
    [-2.5, "-2.5"],
  ])("formatNumber(%d) = %s", (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it("describes a measurement without data", () => {
    expect(describeMeasurement({ metricKey: "latency_p95", comparator: "LTE", threshold: 300, unit: "ms" }, null)).toBe("latency_p95 no data (limit ≤ 300 ms)");
  });
});
