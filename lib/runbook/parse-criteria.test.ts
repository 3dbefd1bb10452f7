import { describe, expect, it } from "vitest";
import {
  criteriaLinesInCode,
  criterionKindOfLabel,
  inferCriterionKind,
  normaliseMetricKey,
  parseCriterion,
  parsePendingSeconds,
  sameAsReference,
  type Comparator,
} from "./parse-criteria";

type Row = [line: string, metricKey: string, comparator: Comparator, threshold: number, unit: string | undefined, pendingSeconds: number];

describe("parseCriterion", () => {
  it.each<Row>([
    ["Error rate < 0.5%", "error_rate", "LT", 0.5, "%", 0],
    ["Latency p95 < 300ms", "latency_p95", "LT", 300, "ms", 0],
    ["Latency p95 < 300ms consistently", "latency_p95", "LT", 300, "ms", 0],
    ["Error rate > 1% for 5 minutes", "error_rate", "GT", 1, "%", 300],
    ["Latency p95 > 500ms for 5 minutes", "latency_p95", "GT", 500, "ms", 300],
    ["Availability < 95% for 10 minutes", "availability", "LT", 95, "%", 600],
    // Thresholds keep the unit written: 10s stays 10 with unit "s" (not 10000 ms).
    ["Response time (p95) > 10s", "latency_p95", "GT", 10, "s", 0],
    ["Margin drop > 5% for 1 hour", "margin_drop", "GT", 5, "%", 3600],
    ["Margin drop vs control < 3%", "margin_drop", "LT", 3, "%", 0],
    ["Margin drop > 3% vs control for 6h", "margin_drop", "GT", 3, "%", 21_600],
    ["Error rate sustained > 0.5%", "error_rate", "GT", 0.5, "%", 0],
    ["Decision accuracy > 85% vs expected", "decision_accuracy", "GT", 85, "%", 0],
    ["User satisfaction > 4.2/5", "user_satisfaction", "GT", 4.2, "/5", 0],
    ["Acceptance rate > 15%", "acceptance_rate", "GT", 15, "%", 0],
    ["Redis cache hit rate > 90%", "cache_hit_rate", "GT", 90, "%", 0],
    ["Cache miss rate <= 10%", "cache_miss_rate", "LTE", 10, "%", 0],
    ["Error rate: <0.1%", "error_rate", "LT", 0.1, "%", 0],
    ["P95 latency: <2s", "latency_p95", "LT", 2, "s", 0],
    ["P99 latency: <3s", "latency_p99", "LT", 3, "s", 0],
    ["P50 latency: <200ms", "latency_p50", "LT", 200, "ms", 0],
    ["Success rate: >99.9%", "success_rate", "GT", 99.9, "%", 0],
    ["Latency stable (P95 <2s)", "latency_p95", "LT", 2, "s", 0],
    [">99% success rate", "success_rate", "GT", 99, "%", 0],
    ["<1% 429 errors", "error_rate_429", "LT", 1, "%", 0],
    ["5xx rate > 2% for 3 min", "error_rate_5xx", "GT", 2, "%", 180],
    ["CPU usage > 85% sustained", "cpu", "GT", 85, "%", 0],
    ["Memory usage ≥ 90%", "memory", "GTE", 90, "%", 0],
    ["Throughput >= 1,200 rps", "throughput", "GTE", 1200, "rps", 0],
    ["Requests per second at least 500 req/s", "throughput", "GTE", 500, "rps", 0],
    ["Error rate exceeds 2% for 30 seconds", "error_rate", "GT", 2, "%", 30],
    ["Error rate below 0.2%", "error_rate", "LT", 0.2, "%", 0],
    ["Queue depth = 0", "queue_depth", "EQ", 0, undefined, 0],
    ["- [ ] Latency p99 < 800ms", "latency_p99", "LT", 800, "ms", 0],
    ["Error rate > 5% → Immediate escalation", "error_rate", "GT", 5, "%", 0],
  ])("%s", (line, metricKey, comparator, threshold, unit, pendingSeconds) => {
    const parsed = parseCriterion(line);
    expect(parsed).toMatchObject({ metricKey, comparator, threshold, pendingSeconds });
    expect(parsed?.unit).toBe(unit);
    expect(parsed?.description).toBe(line);
  });

  it.each([
    "Zero errors in AI decision pipeline",
    "No never-loss violations",
    "Memory/CPU issues",
    "High error rate in decision pipeline",
    "Same as 10% canary",
    "Error rate 1-3%",
    "p95 latency 500-1000ms",
    "30 req/s sustained for 5 minutes",
    "GO: Proceed to 25% if metrics green",
    "Monitor for over 5 minutes",
    "Error rate: `dashboard_errors_total`",
    "",
  ])("finds no criterion in %j", (line) => {
    expect(parseCriterion(line)).toBeUndefined();
  });
});

describe("normaliseMetricKey", () => {
  it.each([
    ["Latency p95", "latency_p95"],
    ["p95 latency", "latency_p95"],
    ["Response time (p95)", "latency_p95"],
    ["95th percentile latency", "latency_p95"],
    ["Latency", "latency"],
    ["API error rate", "error_rate"],
    ["Errors", "error_rate"],
    ["CPU utilisation", "cpu"],
    ["Cache hit ratio", "cache_hit_rate"],
    ["Uptime", "availability"],
    ["Checkout conversion", "checkout_conversion"],
    ["!!!", "metric"],
  ])("%s → %s", (label, key) => {
    expect(normaliseMetricKey(label)).toBe(key);
  });

  it("takes a percentile written after the threshold", () => {
    expect(normaliseMetricKey("API endpoints respond", " p95")).toBe("api_endpoints_respond");
    expect(normaliseMetricKey("latency", " p99")).toBe("latency_p99");
  });
});

describe("parsePendingSeconds", () => {
  it.each([
    ["for 5 minutes", 300],
    ["for 1 hour", 3600],
    ["for an hour", 3600],
    ["for 6h", 21_600],
    ["sustained for 10 min", 600],
    ["for 45s", 45],
    ["for 2 days", 172_800],
    ["immediately", 0],
    ["", 0],
  ])("%j → %d", (text, seconds) => {
    expect(parsePendingSeconds(text)).toBe(seconds);
  });
});

describe("criterion kinds", () => {
  it.each([
    ["Success Criteria", "SUCCESS"],
    ["Exit criteria", "SUCCESS"],
    ["Rollback Triggers", "ROLLBACK_TRIGGER"],
    ["Auto-Rollback", "ROLLBACK_TRIGGER"],
    ["Abort criteria", "ROLLBACK_TRIGGER"],
    ["Rollback if", "ROLLBACK_TRIGGER"],
    ["Monitoring Points", undefined],
    ["Escalation Criteria", undefined],
  ])("label %j → %s", (label, kind) => {
    expect(criterionKindOfLabel(label)).toBe(kind);
  });

  it("makes a sustained or rollback-worded line a trigger, else a success criterion", () => {
    const sustained = "Error rate > 1% for 5 minutes";
    const plain = "Error rate < 1%";
    const worded = "Roll back if error rate > 3%";
    expect(inferCriterionKind(sustained, parseCriterion(sustained)!)).toBe("ROLLBACK_TRIGGER");
    expect(inferCriterionKind(plain, parseCriterion(plain)!)).toBe("SUCCESS");
    expect(inferCriterionKind(worded, parseCriterion(worded)!)).toBe("ROLLBACK_TRIGGER");
  });

  it("reads references to another phase's list", () => {
    expect(sameAsReference("Same as 10% canary")).toBe("10% canary");
    expect(sameAsReference("Same as the Phase 1.")).toBe("Phase 1");
    expect(sameAsReference("Error rate > 1%")).toBeUndefined();
  });
});

describe("criteriaLinesInCode", () => {
  it("reads labelled bullet lists in comments", () => {
    const code = [
      "# Enable the flag",
      "curl -X POST http://example.test/flags",
      "",
      "# Success Criteria:",
      "# - Error rate < 1%",
      "# - p95 latency < 500ms",
      "",
      "// Rollback triggers:",
      "// - Error rate > 5% for 2 minutes",
      "# Notes:",
      "# - not a criterion list",
    ].join("\n");
    expect(criteriaLinesInCode(code)).toEqual([
      { kind: "SUCCESS", line: "Error rate < 1%" },
      { kind: "SUCCESS", line: "p95 latency < 500ms" },
      { kind: "ROLLBACK_TRIGGER", line: "Error rate > 5% for 2 minutes" },
    ]);
  });
});
