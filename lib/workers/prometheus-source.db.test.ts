import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRollout } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createTileAs } from "@/lib/domain/tiles";
import { queryPrometheusInstant, SourceError } from "@/lib/metrics/sources";
import { createMetricPoller } from "./metric-poller";

// A real Prometheus (Debian's `prometheus` package; .ci/run installs it) scrapes the demo target every second. The
// same numbers are then read two ways through the poller: PROMETHEUS tiles (PromQL over Prometheus' own scrapes) and
// SCRAPE tiles (War Room's two scrapes of /metrics). They must agree.
//
// Why they can differ at all, and the tolerances: both read the same counters of the same process, but over slightly
// different windows. The SCRAPE tile's window is exactly [t0, t1] (our two scrapes); PromQL's rate(x[6s]) at t1 uses
// Prometheus' scrapes inside (t1 − 6 s, t1], which start and end up to one scrape interval (1 s) apart from ours, and
// extrapolates to the window's edges. The demo target serves a constant 2,000 requests per second, so throughput
// agrees to within the edge extrapolation: 5%. Each request fails or is slow at random, so ratios differ by the
// sampling noise of the up to ~4,000 requests (≤ 1 s at each edge, of ~12,000) that only one window counts: for a
// ~4% error rate that is about 0.1 percentage point (one standard deviation); we allow 0.6 pp. p95 is interpolated
// inside the same histogram bucket by the same algorithm on both sides; allow 10%.

const binary = process.env.PROMETHEUS_PATH ?? "prometheus";
const available = spawnSync(binary, ["--version"], { stdio: "ignore" }).status === 0;
if (!available) console.warn(`[prometheus-source.db.test] SKIPPED: no '${binary}' binary. Install Debian's prometheus (.ci/run does) or set PROMETHEUS_PATH.`);

const WINDOW_SECONDS = 6;
const TOKEN = "prometheus-test-token";

let target: DemoTarget;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let dataDir: string;
const prometheusLog: string[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const instant = (query: string) => queryPrometheusInstant(prometheusUrl, query, { timeoutMs: 5000 });

describe.skipIf(!available)("PROMETHEUS tiles read what SCRAPE tiles read (real Prometheus)", () => {
  beforeAll(async () => {
    target = await startDemoTarget({ token: TOKEN, requestsPerSecond: 2000, seed: 5 });
    // Past the bad-build point: a ~4% error rate and a slow tail, so the numbers are worth comparing.
    const flag = await fetch(`${target.url}/api/admin/feature-flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ percentage: 50 }),
    });
    expect(flag.status).toBe(200);

    dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-prometheus-"));
    const config = path.join(dataDir, "prometheus.yml");
    await writeFile(
      config,
      ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "scrape_configs:", "  - job_name: demo", "    static_configs:", `      - targets: ["127.0.0.1:${target.port}"]`, ""].join("\n"),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(binary, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dataDir, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    prometheus.stdout?.on("data", (chunk: Buffer) => prometheusLog.push(chunk.toString()));
    prometheus.stderr?.on("data", (chunk: Buffer) => prometheusLog.push(chunk.toString()));
    // Ready, and holding more than a window of scrapes.
    await vi.waitFor(
      async () => {
        expect(prometheus?.exitCode, prometheusLog.join("")).toBeNull();
        expect(await instant('count_over_time(up{job="demo"}[1m])')).toBeGreaterThanOrEqual(WINDOW_SECONDS + 2);
      },
      { timeout: 60_000, interval: 250 },
    );
  }, 90_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await exited;
    }
    await target?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    "agrees on error rate, throughput and p95 latency",
    async () => {
      const { id: rolloutId } = await makeRollout();
      const scrape = { sourceKind: "SCRAPE" as const, sourceUrl: `${target.url}/metrics`, pollIntervalSeconds: WINDOW_SECONDS };
      const prom = { sourceKind: "PROMETHEUS" as const, sourceUrl: prometheusUrl, pollIntervalSeconds: WINDOW_SECONDS };
      const w = `[${WINDOW_SECONDS}s]`;
      const pairs = [
        {
          key: "error_rate",
          scrape: { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" },
          promql: `sum(rate(http_requests_total{status="5xx"}${w})) / sum(rate(http_requests_total${w})) * 100`,
          close: (a: number, b: number) => Math.abs(a - b) <= 0.6,
        },
        {
          key: "throughput",
          scrape: { kind: "rate", selector: "http_requests_total" },
          promql: `sum(rate(http_requests_total${w}))`,
          close: (a: number, b: number) => Math.abs(a - b) <= 0.05 * b,
        },
        {
          key: "latency_p95",
          scrape: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.95, scale: 1000 },
          promql: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${w}))) * 1000`,
          close: (a: number, b: number) => Math.abs(a - b) <= 0.1 * b,
        },
      ];
      for (const pair of pairs) {
        await createTileAs(SYSTEM_ACTOR, rolloutId, { ...scrape, key: `scrape_${pair.key}`, label: pair.key, query: pair.scrape });
        await createTileAs(SYSTEM_ACTOR, rolloutId, { ...prom, key: `prom_${pair.key}`, label: pair.key, query: pair.promql });
      }

      const poller = createMetricPoller({ timeoutMs: 5000 });
      const t0 = Date.now();
      await poller.pollDue(t0);
      // The second SCRAPE poll closes a window of (just over) WINDOW_SECONDS; the PROMETHEUS tiles are read at that moment.
      await vi.waitFor(() => expect(Date.now()).toBeGreaterThanOrEqual(t0 + WINDOW_SECONDS * 1000), { timeout: 20_000, interval: 50 });
      await poller.pollDue(Date.now());

      const tiles = await getDb().metricTile.findMany({ where: { rolloutId } });
      const value = (key: string) => {
        const tile = tiles.find((t) => t.key === key)!;
        expect(tile.lastError, `${key}: ${tile.lastError}`).toBeNull();
        expect(tile.lastValue, key).not.toBeNull();
        return tile.lastValue!;
      };
      const report = pairs.map((pair) => ({ key: pair.key, scrape: value(`scrape_${pair.key}`), prometheus: value(`prom_${pair.key}`) }));
      console.log(`[prometheus-source.db.test] ${JSON.stringify(report)}`);
      for (const [i, pair] of pairs.entries()) {
        const { scrape: a, prometheus: b } = report[i]!;
        expect(pair.close(a, b), `${pair.key}: SCRAPE ${a} vs PROMETHEUS ${b}\n${JSON.stringify(report)}`).toBe(true);
      }
      // And the numbers are the bad build's, not zeros that trivially agree.
      expect(report[0]!.scrape).toBeGreaterThan(2);
      // (Within 3%: the poll's nominal times are not the exact moments the requests reached the target.)
      expect(Math.abs(report[1]!.scrape - 2000)).toBeLessThan(60);
      expect(report[2]!.scrape).toBeGreaterThan(800);
    },
    60_000,
  );

  it("shows Prometheus' own error for a bad query or one that returns several series", async () => {
    await expect(instant("sum(rate(http_requests_total[")).rejects.toThrow(/^Prometheus: bad_data: /);
    const error = await instant("http_requests_total").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/returned 4 series; aggregate it/);
  });
});
