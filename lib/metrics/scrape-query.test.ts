import { describe, expect, it } from "vitest";
import { evaluateScrapeQuery, parsePrometheusText, parseScrapeQuery, scrapeQuerySchema, type ScrapeQueryInput } from "./prom-text";

const previous = parsePrometheusText(`
# TYPE http_requests_total counter
http_requests_total{status="2xx",version="stable"} 1000
http_requests_total{status="5xx",version="stable"} 10
http_requests_total{status="2xx",version="canary"} 100
http_requests_total{status="5xx",version="canary"} 0
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{version="canary",le="0.1"} 100
http_request_duration_seconds_bucket{version="canary",le="0.5"} 200
http_request_duration_seconds_bucket{version="canary",le="1"} 300
http_request_duration_seconds_bucket{version="canary",le="+Inf"} 300
process_cpu_usage{core="0"} 0.2
process_cpu_usage{core="1"} 0.4
`);

// 20 seconds later: stable +950 2xx, +0 5xx; canary +46 2xx, +4 5xx; canary latency buckets +10/+60/+90/+100.
const current = parsePrometheusText(`
http_requests_total{status="2xx",version="stable"} 1950
http_requests_total{status="5xx",version="stable"} 10
http_requests_total{status="2xx",version="canary"} 146
http_requests_total{status="5xx",version="canary"} 4
http_request_duration_seconds_bucket{version="canary",le="0.1"} 110
http_request_duration_seconds_bucket{version="canary",le="0.5"} 260
http_request_duration_seconds_bucket{version="canary",le="1"} 390
http_request_duration_seconds_bucket{version="canary",le="+Inf"} 400
process_cpu_usage{core="0"} 0.3
process_cpu_usage{core="1"} 0.5
`);

// The process restarted between scrapes: every counter began again.
const afterRestart = parsePrometheusText(`
http_requests_total{status="2xx",version="stable"} 30
http_requests_total{status="5xx",version="stable"} 2
`);

const errorRate: ScrapeQueryInput = { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" };

describe("evaluateScrapeQuery", () => {
  it.each<{ name: string; query: ScrapeQueryInput; prev: typeof previous | null; curr: typeof current; elapsed?: number; expected: number | null }>([
    { name: "overall error rate in %", query: errorRate, prev: previous, curr: current, expected: (4 / 1000) * 100 },
    {
      name: "canary error rate in %",
      query: { kind: "ratio", numerator: 'http_requests_total{status="5xx",version="canary"}', denominator: 'http_requests_total{version="canary"}' },
      prev: previous,
      curr: current,
      expected: 8,
    },
    { name: "ratio with a custom scale", query: { ...errorRate, scale: 1 }, prev: previous, curr: current, expected: 0.004 },
    { name: "request rate per second", query: { kind: "rate", selector: "http_requests_total" }, prev: previous, curr: current, expected: 1000 / 20 },
    { name: "rate across a counter reset", query: { kind: "rate", selector: "http_requests_total" }, prev: previous, curr: afterRestart, expected: 32 / 20 },
    { name: "error rate across a counter reset", query: errorRate, prev: previous, curr: afterRestart, expected: (2 / 32) * 100 },
    { name: "first scrape has no rate", query: errorRate, prev: null, curr: current, expected: null },
    { name: "no elapsed time has no rate", query: errorRate, prev: previous, curr: current, elapsed: 0, expected: null },
    { name: "no traffic has no error rate", query: errorRate, prev: current, curr: current, expected: null },
    {
      name: "no error series at all is a 0% error rate",
      query: { kind: "ratio", numerator: 'http_requests_total{status="4xx"}', denominator: "http_requests_total" },
      prev: previous,
      curr: current,
      expected: 0,
    },
    { name: "rate of a missing metric", query: { kind: "rate", selector: "nope_total" }, prev: previous, curr: current, expected: null },
    { name: "gauge sum", query: { kind: "gauge", selector: "process_cpu_usage" }, prev: null, curr: current, expected: 0.8 },
    { name: "gauge avg scaled to %", query: { kind: "gauge", selector: "process_cpu_usage", aggregate: "avg", scale: 100 }, prev: null, curr: current, expected: 40 },
    { name: "gauge max", query: { kind: "gauge", selector: "process_cpu_usage", aggregate: "max" }, prev: null, curr: current, expected: 0.5 },
    { name: "gauge min", query: { kind: "gauge", selector: 'process_cpu_usage{core="0"}', aggregate: "min" }, prev: null, curr: current, expected: 0.3 },
    { name: "gauge with no series", query: { kind: "gauge", selector: "nope" }, prev: null, curr: current, expected: null },
    // Bucket deltas 10/60/90/100: p50 = 0.1 + 0.4 × 40 / 50 = 0.42 s; p75 = 0.75 s; p95 is in +Inf → 1 s.
    { name: "p50 latency in ms", query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.5, scale: 1000 }, prev: previous, curr: current, expected: 420 },
    { name: "p75 from _bucket name", query: { kind: "quantile", selector: 'http_request_duration_seconds_bucket{version="canary"}', quantile: 0.75 }, prev: previous, curr: current, expected: 0.75 },
    { name: "p95 in the +Inf bucket", query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.95 }, prev: previous, curr: current, expected: 1 },
    { name: "quantile without traffic", query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.95 }, prev: current, curr: current, expected: null },
    { name: "quantile on first scrape", query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.95 }, prev: null, curr: current, expected: null },
  ])("$name", ({ query, prev, curr, elapsed, expected }) => {
    const value = evaluateScrapeQuery(scrapeQuerySchema.parse(query), prev, curr, elapsed ?? 20);
    if (expected === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(expected, 9);
  });
});

describe("scrapeQuerySchema and parseScrapeQuery", () => {
  it("applies defaults", () => {
    expect(scrapeQuerySchema.parse(errorRate)).toEqual({ ...errorRate, scale: 100 });
    expect(scrapeQuerySchema.parse({ kind: "gauge", selector: "up" })).toEqual({ kind: "gauge", selector: "up", aggregate: "sum", scale: 1 });
  });

  it.each([
    { name: "unknown kind", query: { kind: "sum", selector: "x" } },
    { name: "bad selector", query: { kind: "rate", selector: 'x{a="b"' } },
    { name: "quantile out of range", query: { kind: "quantile", selector: "x", quantile: 95 } },
    { name: "unknown key", query: { kind: "rate", selector: "x", window: "5m" } },
  ])("rejects $name", ({ query }) => {
    expect(scrapeQuerySchema.safeParse(query).success).toBe(false);
  });

  it.each([
    { text: JSON.stringify(errorRate), expected: { ...errorRate, scale: 100 } },
    { text: 'demo_traffic_percent{job="x"}', expected: { kind: "gauge", selector: 'demo_traffic_percent{job="x"}', aggregate: "sum", scale: 1 } },
    { text: '{__name__="up"}', expected: { kind: "gauge", selector: '{__name__="up"}', aggregate: "sum", scale: 1 } },
  ])("reads $text", ({ text, expected }) => {
    expect(parseScrapeQuery(text)).toEqual({ ok: true, query: expected });
  });

  it.each(['{"kind":"rate"}', "x{", "", '{"kind":"ratio","numerator":"a","denominator":"{}"}'])("explains why %j is not a query", (text) => {
    const parsed = parseScrapeQuery(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
  });
});
