import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { envSchema } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/domain/events";
import { createMetricPoller } from "@/lib/workers/metric-poller";
import { demoRunbook } from "./runbook";
import { seedDemoIfEmpty } from "./seed";
import { startDemoTargetIfDemo, type RunningDemoTarget } from "./target";

// Demo mode's demo target: started on an empty database, the demo rollout's tiles read from it, and it comes back
// (same token; same port, or the tiles follow it) when War Room restarts on the same data.

const log = () => undefined;
let dataDir: string;
const running: RunningDemoTarget[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-demo-target-"));
});
afterAll(async () => {
  for (const target of running) await target.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

async function start(overrides: Record<string, string> = {}) {
  const target = await startDemoTargetIfDemo({ env: envSchema.parse(overrides), dataDir, log });
  if (target) running.push(target);
  return target;
}

describe("startDemoTargetIfDemo", () => {
  let first: RunningDemoTarget;
  let rolloutId: string;

  it("does nothing when demo mode is off", async () => {
    expect(await start({ WARROOM_DEMO: "off" })).toBeNull();
  });

  it("starts on an empty database, and the seeded demo rollout gets tiles for every criterion's metric", async () => {
    first = (await start())!;
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(await readFile(path.join(dataDir, "demo-target.json"), "utf8"))).toEqual({ port: first.target.port, token: first.token });
    expect((await fetch(`${first.url}/health`)).status).toBe(200);

    const seed = await seedDemoIfEmpty({ password: "demo-password-123", demoTarget: { url: first.url, token: first.token } });
    rolloutId = seed!.rolloutId;
    const tiles = await getDb().metricTile.findMany({ where: { rolloutId }, orderBy: { position: "asc" } });
    expect(tiles.map((t) => t.key)).toEqual(["error_rate", "latency_p95", "latency_p99", "throughput", "availability", "cache_hit_rate", "cpu"]);
    expect(tiles.every((t) => t.sourceKind === "SCRAPE" && t.sourceUrl === first.metricsUrl)).toBe(true);
    const criterionKeys = new Set((demoRunbook.phases ?? []).flatMap((p) => (p.criteria ?? []).map((c) => c.metricKey)));
    for (const key of criterionKeys) expect(tiles.map((t) => t.key)).toContain(key);

    // The tiles read real numbers from it.
    const poller = createMetricPoller({ timeoutMs: 5000 });
    const t0 = Date.now();
    await poller.pollDue(t0);
    // Let real requests reach the target (200 per second) so rates have something to measure; then the tiles are due.
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(t0 + 1_000), { timeout: 5_000, interval: 50 });
    await poller.pollDue(t0 + 5_000);
    const read = await getDb().metricTile.findMany({ where: { rolloutId } });
    for (const tile of read) {
      expect(tile.lastError, tile.key).toBeNull();
      expect(tile.lastValue, tile.key).not.toBeNull();
    }
    const admin = await fetch(`${first.url}/api/admin/rollback`, { method: "POST", headers: { authorization: `Bearer ${first.token}` } });
    expect(admin.status).toBe(200);
  });

  it("comes back with the same port and token after a restart", async () => {
    await first.stop();
    const again = (await start())!;
    expect({ port: again.target.port, token: again.token }).toEqual({ port: first.target.port, token: first.token });
    await again.stop();
  });

  it("moves to a free port when its port is taken, and the demo tiles follow it", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(first.target.port, "127.0.0.1", resolve));
    try {
      const moved = (await start())!;
      expect(moved.target.port).not.toBe(first.target.port);
      expect(moved.token).toBe(first.token);
      const tiles = await getDb().metricTile.findMany({ where: { rolloutId } });
      expect(tiles.every((t) => t.sourceUrl === moved.metricsUrl)).toBe(true);
      const updates = (await listEventsAfter(rolloutId, 0)).events.filter((e) => e.type === "tile.updated");
      expect(updates).toHaveLength(tiles.length);
      await moved.stop();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("stays off for a database with real data that never ran the demo here", async () => {
    await rm(path.join(dataDir, "demo-target.json"));
    expect(await start()).toBeNull();
  });
});
