import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { evaluateScrapeQuery, parsePrometheusText, parsePrometheusTextDetailed, scrapeQuerySchema, type Sample } from "@/lib/metrics/prom-text";
import { demoTargetStateSchema, startDemoTarget, type DemoTarget } from "./server";

const TOKEN = "s3cret-token";
const auth = { authorization: `Bearer ${TOKEN}` };

const canaryErrorRate = scrapeQuerySchema.parse({
  kind: "ratio",
  numerator: 'http_requests_total{status="5xx",version="canary"}',
  denominator: 'http_requests_total{version="canary"}',
});
const overallErrorRate = scrapeQuerySchema.parse({ kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" });
const canaryP95 = scrapeQuerySchema.parse({ kind: "quantile", selector: 'http_request_duration_seconds{version="canary"}', quantile: 0.95, scale: 1000 });
const requestRate = scrapeQuerySchema.parse({ kind: "rate", selector: "http_requests_total" });

let now: number;
let target: DemoTarget;

beforeEach(async () => {
  now = Date.UTC(2025, 0, 10, 12, 0, 0);
  target = await startDemoTarget({ token: TOKEN, clock: () => now, seed: 7 });
});

afterEach(async () => {
  await target.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = auth) {
  const response = await fetch(`${target.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${target.url}/metrics`);
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}

/** Scrapes, lets `seconds` of simulated time pass, scrapes again; returns both scrapes. */
async function window(seconds: number): Promise<{ previous: Sample[]; current: Sample[]; seconds: number }> {
  const previous = await scrape();
  now += seconds * 1000;
  return { previous, current: await scrape(), seconds };
}

const evaluate = (query: typeof overallErrorRate, w: { previous: Sample[]; current: Sample[]; seconds: number }) =>
  evaluateScrapeQuery(query, w.previous, w.current, w.seconds);

describe("demo target", () => {
  it("serves health without auth", async () => {
    const response = await fetch(`${target.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", version: expect.any(String), trafficPercent: 0, killSwitch: false });
  });

  it("binds to 127.0.0.1 on an ephemeral port", () => {
    expect(target.url).toBe(`http://127.0.0.1:${target.port}`);
    expect(target.port).toBeGreaterThan(0);
  });

  it("serves valid Prometheus text with every expected family", async () => {
    const response = await fetch(`${target.url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    now += 10_000;
    const { samples, errors, types } = parsePrometheusTextDetailed(await (await fetch(`${target.url}/metrics`)).text());
    expect(errors).toEqual([]);
    expect(types).toMatchObject({
      http_requests_total: "counter",
      http_request_duration_seconds: "histogram",
      cache_hits_total: "counter",
      cache_requests_total: "counter",
      process_cpu_usage: "gauge",
      demo_traffic_percent: "gauge",
      demo_kill_switch: "gauge",
    });
    const names = new Set(samples.map((s) => s.name));
    for (const name of ["http_request_duration_seconds_bucket", "http_request_duration_seconds_sum", "http_request_duration_seconds_count"]) {
      expect(names).toContain(name);
    }
    const cpu = samples.find((s) => s.name === "process_cpu_usage")?.value ?? -1;
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(1);
  });

  it("advances counters with simulated time only", async () => {
    const first = await scrape();
    const same = await scrape();
    const requests = (samples: Sample[]) => samples.filter((s) => s.name === "http_requests_total").map((s) => s.value);
    expect(requests(same)).toEqual(requests(first));

    const w = await window(60);
    // 50 req/s for 60 s.
    expect(evaluate(requestRate, w)).toBeCloseTo(50, 9);
  });

  it("is deterministic for a seed and a clock sequence", async () => {
    const other = await startDemoTarget({ token: TOKEN, clock: () => now, seed: 7 });
    try {
      now += 30_000;
      const a = await (await fetch(`${target.url}/metrics`)).text();
      const b = await (await fetch(`${other.url}/metrics`)).text();
      expect(a).toBe(b);
    } finally {
      await other.close();
    }
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: "no token", headers: {} },
    { name: "a wrong token", headers: { authorization: "Bearer nope" } },
    { name: "a non-bearer scheme", headers: { authorization: `Basic ${TOKEN}` } },
  ])("rejects admin calls with $name (401) and changes nothing", async ({ headers }) => {
    const response = await post("/api/admin/feature-flags", { percentage: 50 }, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(target.state().trafficPercent).toBe(0);
    expect(target.adminCalls()).toMatchObject([{ path: "/api/admin/feature-flags", authorized: false, status: 401 }]);
  });

  it("changes the feature flag and reports the new state", async () => {
    const response = await post("/api/admin/feature-flags", { percentage: 10, reason: "canary 10%" });
    expect(response.status).toBe(200);
    const state = demoTargetStateSchema.parse(response.json.state);
    expect(state).toMatchObject({ trafficPercent: 10, effectiveCanaryPercent: 10, killSwitch: false, lastChangeReason: "canary 10%", lastChangeAt: now });
    expect(target.state().trafficPercent).toBe(10);
    expect(await (await fetch(`${target.url}/health`)).json()).toMatchObject({ trafficPercent: 10 });
    expect((await scrape()).find((s) => s.name === "demo_traffic_percent")?.value).toBe(10);

    const killed = await post("/api/admin/feature-flags", { killSwitch: true });
    expect(killed.json.state).toMatchObject({ trafficPercent: 10, effectiveCanaryPercent: 0, killSwitch: true });
    expect((await scrape()).find((s) => s.name === "demo_kill_switch")?.value).toBe(1);
  });

  it("keeps a healthy canary healthy at low traffic", async () => {
    await post("/api/admin/feature-flags", { percentage: 10 });
    const w = await window(120);
    expect(evaluate(overallErrorRate, w)).toBeLessThan(1);
    expect(evaluate(canaryErrorRate, w)).toBeLessThan(1);
    expect(evaluate(canaryP95, w)).toBeLessThan(800);
    expect(target.state().degraded).toBe(false);
  });

  it("a bad build raises the error rate and p95 seen in /metrics, and rollback recovers", async () => {
    await post("/api/admin/feature-flags", { percentage: 50 });
    expect(target.state().degraded).toBe(true);
    const bad = await window(120);
    expect(evaluate(canaryErrorRate, bad)).toBeGreaterThan(5);
    expect(evaluate(overallErrorRate, bad)).toBeGreaterThan(2);
    expect(evaluate(canaryP95, bad)).toBeGreaterThan(800);

    const rolledBack = await post("/api/admin/rollback", { reason: "error rate > 1%" });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.json.state).toMatchObject({ trafficPercent: 0, rolledBack: true, degraded: false, lastChangeReason: "error rate > 1%" });

    const recovered = await window(120);
    expect(evaluate(overallErrorRate, recovered)).toBeLessThan(1);
    // No canary traffic at all: its error rate and latency are not computable, rather than 0.
    expect(evaluate(canaryErrorRate, recovered)).toBeNull();
    expect(evaluate(canaryP95, recovered)).toBeNull();
    expect((await scrape()).find((s) => s.name === "demo_rolled_back")?.value).toBe(1);
  });

  it("the kill switch also recovers a bad build", async () => {
    await post("/api/admin/feature-flags", { percentage: 100 });
    expect(evaluate(overallErrorRate, await window(60))).toBeGreaterThan(5);
    await post("/api/admin/feature-flags", { killSwitch: true });
    expect(evaluate(overallErrorRate, await window(60))).toBeLessThan(1);
  });

  it("setBadBuild makes the canary misbehave below the traffic threshold", async () => {
    await post("/api/admin/feature-flags", { percentage: 20 });
    target.setBadBuild(true);
    const w = await window(300);
    expect(evaluate(canaryErrorRate, w)).toBeGreaterThan(5);
    target.setBadBuild(false);
    expect(evaluate(canaryErrorRate, await window(300))).toBeLessThan(1);
  });

  it("attributes requests to the routing in force when they arrived", async () => {
    await post("/api/admin/feature-flags", { percentage: 50 });
    const previous = await scrape();
    now += 60_000;
    // Rolled back at the end of the minute, before the scrape: the minute was still served bad.
    await post("/api/admin/rollback", {});
    expect(evaluateScrapeQuery(canaryErrorRate, previous, await scrape(), 60)).toBeGreaterThan(5);
  });

  it("honours Idempotency-Key: a repeat returns the first response without applying again", async () => {
    const first = await post("/api/admin/feature-flags", { percentage: 10 }, { ...auth, "idempotency-key": "k-1" });
    await post("/api/admin/feature-flags", { percentage: 20 });
    now += 5_000;
    const repeat = await post("/api/admin/feature-flags", { percentage: 90 }, { ...auth, "idempotency-key": "k-1" });
    expect(repeat.status).toBe(200);
    expect(repeat.json).toEqual(first.json);
    expect(repeat.headers.get("idempotent-replayed")).toBe("true");
    expect(target.state().trafficPercent).toBe(20);

    // The same key on another endpoint is another request.
    const rollback = await post("/api/admin/rollback", {}, { ...auth, "idempotency-key": "k-1" });
    expect(rollback.json.state).toMatchObject({ rolledBack: true });

    expect(target.adminCalls().map(({ path, idempotencyKey, status, replayed, body }) => ({ path, idempotencyKey, status, replayed, body }))).toEqual([
      { path: "/api/admin/feature-flags", idempotencyKey: "k-1", status: 200, replayed: false, body: { percentage: 10 } },
      { path: "/api/admin/feature-flags", idempotencyKey: null, status: 200, replayed: false, body: { percentage: 20 } },
      { path: "/api/admin/feature-flags", idempotencyKey: "k-1", status: 200, replayed: true, body: { percentage: 90 } },
      { path: "/api/admin/rollback", idempotencyKey: "k-1", status: 200, replayed: false, body: {} },
    ]);
    expect(target.adminCalls()[2]?.at).toBe(now);
  });

  it("does not remember rejected requests, so a corrected retry under the same key applies", async () => {
    const rejected = await post("/api/admin/feature-flags", { percentage: 500 }, { ...auth, "idempotency-key": "k-2" });
    expect(rejected.status).toBe(400);
    const retried = await post("/api/admin/feature-flags", { percentage: 50 }, { ...auth, "idempotency-key": "k-2" });
    expect(retried.status).toBe(200);
    expect(target.state().trafficPercent).toBe(50);
  });

  it.each([
    { name: "malformed JSON", path: "/api/admin/feature-flags", body: '{"percentage": 5', error: /not valid JSON/ },
    { name: "a JSON array", path: "/api/admin/feature-flags", body: "[1,2]", error: /invalid body/ },
    { name: "percentage above 100", path: "/api/admin/feature-flags", body: { percentage: 101 }, error: /percentage/ },
    { name: "percentage as a string", path: "/api/admin/feature-flags", body: { percentage: "50" }, error: /percentage/ },
    { name: "neither percentage nor killSwitch", path: "/api/admin/feature-flags", body: { reason: "x" }, error: /at least one/ },
    { name: "an unknown field", path: "/api/admin/feature-flags", body: { percent: 50 }, error: /percent/ },
    { name: "a non-string reason", path: "/api/admin/rollback", body: { reason: 5 }, error: /reason/ },
    { name: "malformed JSON on rollback", path: "/api/admin/rollback", body: "nope", error: /not valid JSON/ },
  ])("answers 400 with a clear message for $name", async ({ path, body, error }) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(String(response.json.error)).toMatch(error);
    expect(target.state()).toMatchObject({ trafficPercent: 0, rolledBack: false });
  });

  it("accepts an empty rollback body", async () => {
    const response = await fetch(`${target.url}/api/admin/rollback`, { method: "POST", headers: auth });
    expect(response.status).toBe(200);
    expect(target.state().rolledBack).toBe(true);
  });

  it("answers 404 for unknown routes and 405 for wrong methods", async () => {
    expect((await fetch(`${target.url}/nope`)).status).toBe(404);
    expect((await fetch(`${target.url}/api/admin/rollback`, { headers: auth })).status).toBe(405);
    expect((await fetch(`${target.url}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("rolls forward again after a rollback", async () => {
    await post("/api/admin/rollback", {});
    const response = await post("/api/admin/feature-flags", { percentage: 10 });
    expect(response.json.state).toMatchObject({ trafficPercent: 10, rolledBack: false });
  });
});
