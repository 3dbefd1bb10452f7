import type { CreateTileInput } from "@/lib/schemas/metrics";

// The demo rollout's tiles: SCRAPE tiles reading the demo target's /metrics (lib/demo-target). Their keys are the
// metric keys of the demo runbook's criteria (lib/demo/runbook.ts), so the gates are evaluated from them.

export function demoTiles(metricsUrl: string): CreateTileInput[] {
  const scrape = { sourceKind: "SCRAPE" as const, sourceUrl: metricsUrl, pollIntervalSeconds: 5 };
  return [
    {
      ...scrape,
      key: "error_rate",
      label: "Error rate",
      unit: "%",
      query: { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" },
      warnThreshold: 0.5,
      breachThreshold: 1,
    },
    {
      ...scrape,
      key: "latency_p95",
      label: "Latency p95",
      unit: "ms",
      query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.95, scale: 1000 },
      warnThreshold: 300,
      breachThreshold: 1000,
    },
    {
      ...scrape,
      key: "latency_p99",
      label: "Latency p99",
      unit: "ms",
      query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.99, scale: 1000 },
      warnThreshold: 800,
      breachThreshold: 1500,
    },
    {
      ...scrape,
      key: "throughput",
      label: "Throughput",
      unit: "req/s",
      query: { kind: "rate", selector: "http_requests_total" },
      direction: "LOWER_IS_WORSE",
      warnThreshold: 30,
      breachThreshold: 10,
    },
    {
      ...scrape,
      key: "availability",
      label: "Availability",
      unit: "%",
      query: { kind: "ratio", numerator: 'http_requests_total{status="2xx"}', denominator: "http_requests_total" },
      direction: "LOWER_IS_WORSE",
      warnThreshold: 99.9,
      breachThreshold: 99,
    },
    {
      ...scrape,
      key: "cache_hit_rate",
      label: "Cache hit rate",
      unit: "%",
      query: { kind: "ratio", numerator: "cache_hits_total", denominator: "cache_requests_total" },
      direction: "LOWER_IS_WORSE",
      warnThreshold: 85,
      breachThreshold: 70,
    },
    {
      ...scrape,
      key: "cpu",
      label: "CPU",
      unit: "%",
      query: { kind: "gauge", selector: "process_cpu_usage", aggregate: "max", scale: 100 },
      warnThreshold: 70,
      breachThreshold: 90,
    },
  ];
}
