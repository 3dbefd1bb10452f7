import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeRollout } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createTileAs, updateTileAs } from "@/lib/domain/tiles";
import { registerRealtime } from "@/lib/realtime/publisher";
import type { MetricsLivePayload } from "@/lib/schemas/metrics";
import { createMetricPoller, type MetricPoller } from "./metric-poller";

// The poller against real HTTP sources (the demo target on a simulated clock, a stand-in Prometheus API) and a real
// database: what each tile stores and streams, per source kind and per failure.

let now = Date.UTC(2026, 10, 25, 22, 0, 0);
let target: DemoTarget;
let prometheus: Server;
let prometheusUrl: string;
let prometheusAnswer: { status: number; body: unknown } = { status: 200, body: {} };
const fetched: string[] = [];
let poller: MetricPoller;
const live: MetricsLivePayload[] = [];

beforeAll(async () => {
  target = await startDemoTarget({ token: "poller-test", clock: () => now, seed: 3, requestsPerSecond: 50 });
  prometheus = createServer((_req, res) => {
    res.writeHead(prometheusAnswer.status, { "content-type": "application/json" });
    res.end(JSON.stringify(prometheusAnswer.body));
  });
  await new Promise<void>((resolve) => prometheus.listen(0, "127.0.0.1", resolve));
  prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
  registerRealtime({ publishEvents: () => undefined, publishVolatile: (_id, channel, payload) => channel === "metrics" && live.push(payload as MetricsLivePayload) });
});
afterAll(async () => {
  registerRealtime(undefined);
  await target.close();
  prometheus.closeAllConnections();
  await new Promise((resolve) => prometheus.close(resolve));
});
beforeEach(async () => {
  // Every test starts with its own tiles and a fresh poller (a fresh process).
  await getDb().metricTile.deleteMany({});
  poller = createMetricPoller({
    timeoutMs: 2000,
    fetch: (url, init) => {
      fetched.push(url);
      return fetch(url, init);
    },
  });
  fetched.length = 0;
  live.length = 0;
});

const scrapeTile = (key: string, query: unknown, pollIntervalSeconds = 10) => ({
  key,
  label: key,
  sourceKind: "SCRAPE" as const,
  sourceUrl: `${target.url}/metrics`,
  query: query as Record<string, unknown>,
  pollIntervalSeconds,
});

async function tile(rolloutId: string, key: string) {
  return getDb().metricTile.findFirstOrThrow({ where: { rolloutId, key } });
}

describe("SCRAPE tiles", () => {
  it("turns counters into rates between two scrapes; gauges read at once; one scrape per URL per tick", async () => {
    const { id: rolloutId } = await makeRollout();
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("throughput", { kind: "rate", selector: "http_requests_total" }));
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("cpu", { kind: "gauge", selector: "process_cpu_usage", scale: 100 }));
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("traffic", "demo_traffic_percent"));

    // First scrape: the gauges have values, the rate has nothing to compare with yet.
    expect(await poller.pollDue(now)).toBe(2);
    expect(fetched).toEqual([`${target.url}/metrics`]);
    expect((await tile(rolloutId, "throughput")).lastSampleAt).toBeNull();
    expect((await tile(rolloutId, "traffic")).lastValue).toBe(0);
    const cpu = (await tile(rolloutId, "cpu")).lastValue!;
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(100);

    // Not due again before its interval.
    now += 5_000;
    expect(await poller.pollDue(now)).toBe(0);
    expect(fetched).toHaveLength(1);

    // 10 s later: 50 requests per second.
    now += 5_000;
    expect(await poller.pollDue(now)).toBe(3);
    expect(fetched).toHaveLength(2);
    const throughput = await tile(rolloutId, "throughput");
    expect(throughput).toMatchObject({ lastSampleAt: new Date(now), lastError: null });
    expect(throughput.lastValue).toBeCloseTo(50, 9);
    expect(await getDb().metricSample.findMany({ where: { tileId: throughput.id }, select: { at: true, value: true } })).toEqual([{ at: new Date(now), value: throughput.lastValue }]);
    expect(live.at(-1)?.updates).toEqual(
      expect.arrayContaining([{ tileId: throughput.id, key: "throughput", at: now, value: throughput.lastValue }]),
    );
  });

  it("records 'no data' (not zero, not an error) when the query has nothing to measure", async () => {
    const { id: rolloutId } = await makeRollout();
    // No canary traffic at 0%: the canary's error rate cannot be computed.
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("canary_errors", { kind: "ratio", numerator: 'http_requests_total{version="canary",status="5xx"}', denominator: 'http_requests_total{version="canary"}' }));
    await poller.pollDue(now);
    now += 10_000;
    await poller.pollDue(now);
    const stored = await tile(rolloutId, "canary_errors");
    expect(stored).toMatchObject({ lastValue: null, lastSampleAt: new Date(now), lastError: null });
    expect(await getDb().metricSample.count({ where: { tileId: stored.id } })).toBe(0);
    expect(live.at(-1)?.updates).toEqual([{ tileId: stored.id, key: "canary_errors", at: now, value: null }]);
  });

  it("shows a failing source as an error and keeps no value from it; recovery clears it", async () => {
    const { id: rolloutId } = await makeRollout();
    const created = await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("traffic", "demo_traffic_percent", 5));
    await poller.pollDue(now);
    expect((await tile(rolloutId, "traffic")).lastValue).toBe(0);

    // The endpoint starts answering 404.
    await updateTileAs(SYSTEM_ACTOR, created.id, { sourceUrl: `${target.url}/not-metrics` });
    now += 5_000;
    await poller.pollDue(now);
    const failed = await tile(rolloutId, "traffic");
    expect(failed).toMatchObject({ lastValue: null, lastSampleAt: null, lastError: "HTTP 404 from /not-metrics", lastErrorAt: new Date(now) });
    expect(live.at(-1)?.updates).toEqual([{ tileId: created.id, key: "traffic", at: now, error: "HTTP 404 from /not-metrics" }]);

    await updateTileAs(SYSTEM_ACTOR, created.id, { sourceUrl: `${target.url}/metrics` });
    now += 5_000;
    await poller.pollDue(now);
    expect(await tile(rolloutId, "traffic")).toMatchObject({ lastValue: 0, lastSampleAt: new Date(now) });
  });

  it("keeps the last good value but flags the error when a working source fails", async () => {
    const { id: rolloutId } = await makeRollout();
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("traffic", "demo_traffic_percent", 5));
    await poller.pollDue(now);
    const good = await tile(rolloutId, "traffic");
    // The same URL, but nothing listens any more.
    const other = await startDemoTarget({ token: "x", clock: () => now });
    await other.close();
    await getDb().metricTile.update({ where: { id: good.id }, data: { sourceUrl: `${other.url}/metrics` } });
    now += 5_000;
    await poller.pollDue(now);
    const failed = await tile(rolloutId, "traffic");
    expect(failed.lastValue).toBe(0);
    expect(failed.lastSampleAt).toEqual(good.lastSampleAt);
    expect(failed.lastError).toMatch(/^cannot connect: .*ECONNREFUSED/);
    expect(failed.lastErrorAt!.getTime()).toBeGreaterThan(failed.lastSampleAt!.getTime());
  });

  it("starts over after the source changes: no rate across two different sources", async () => {
    const { id: rolloutId } = await makeRollout();
    const created = await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("rate", { kind: "rate", selector: "http_requests_total" }, 5));
    await poller.pollDue(now);
    now += 5_000;
    await poller.pollDue(now);
    expect((await tile(rolloutId, "rate")).lastValue).toBeCloseTo(50, 9);
    await updateTileAs(SYSTEM_ACTOR, created.id, { query: { kind: "rate", selector: 'http_requests_total{status="2xx"}' } });
    now += 5_000;
    await poller.pollDue(now);
    expect((await tile(rolloutId, "rate")).lastSampleAt).toBeNull();
  });

  it("drops the readings of a tile deleted mid-poll and stores the others", async () => {
    const { id: rolloutId } = await makeRollout();
    const doomed = await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("doomed", "demo_traffic_percent", 5));
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("kept", "demo_traffic_percent", 5));
    const racing = createMetricPoller({
      timeoutMs: 2000,
      // The tile disappears while its source is being read.
      fetch: async (url, init) => {
        await getDb().metricTile.delete({ where: { id: doomed.id } });
        return fetch(url, init);
      },
    });
    expect(await racing.pollDue(now)).toBe(2);
    expect(await tile(rolloutId, "kept")).toMatchObject({ lastValue: 0, lastSampleAt: new Date(now) });
    expect(await getDb().metricSample.count({ where: { tileId: doomed.id } })).toBe(0);
  });

  it("stops polling the tiles of a rollout that ended over an hour ago", async () => {
    const { id: rolloutId } = await makeRollout();
    await createTileAs(SYSTEM_ACTOR, rolloutId, scrapeTile("traffic", "demo_traffic_percent", 5));
    await getDb().rollout.update({ where: { id: rolloutId }, data: { status: "COMPLETED", endedAt: new Date(now - 2 * 3600_000) } });
    expect(await poller.pollDue(now)).toBe(0);
    expect(fetched).toEqual([]);
  });
});

describe("PROMETHEUS tiles", () => {
  it("stores the instant query's value, and the API's error message when it fails", async () => {
    const { id: rolloutId } = await makeRollout();
    await createTileAs(SYSTEM_ACTOR, rolloutId, { key: "p95", label: "p95", unit: "ms", sourceKind: "PROMETHEUS", sourceUrl: prometheusUrl, query: "histogram_quantile(0.95, x) * 1000", pollIntervalSeconds: 5 });
    prometheusAnswer = { status: 200, body: { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [now / 1000, "212.5"] }] } } };
    await poller.pollDue(now);
    expect(await tile(rolloutId, "p95")).toMatchObject({ lastValue: 212.5, lastSampleAt: new Date(now) });
    expect(fetched[0]).toBe(`${prometheusUrl}/api/v1/query?query=histogram_quantile%280.95%2C+x%29+*+1000`);

    prometheusAnswer = { status: 422, body: { status: "error", errorType: "execution", error: "query timed out" } };
    now += 5_000;
    await poller.pollDue(now);
    expect(await tile(rolloutId, "p95")).toMatchObject({ lastValue: 212.5, lastError: "Prometheus: execution: query timed out", lastErrorAt: new Date(now) });
  });
});
