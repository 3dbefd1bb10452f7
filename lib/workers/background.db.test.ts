import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRollout } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { envSchema } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createTileAs } from "@/lib/domain/tiles";
import { startBackgroundWorkers } from ".";

// The assembled workers with short intervals on the real clock: they take the lock, poll, evaluate and stop cleanly.

let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget({ token: "background-test" });
});
afterAll(async () => {
  await target.close();
});

describe("startBackgroundWorkers", () => {
  it("polls tiles and evaluates active phases until stopped; 'off' starts nothing", async () => {
    const rollout = await makeRollout();
    const phase = await getDb().phase.update({ where: { rolloutId_position: { rolloutId: rollout.id, position: 0 } }, data: { status: "ACTIVE" } });
    const tile = await createTileAs(SYSTEM_ACTOR, rollout.id, {
      key: "error_rate",
      label: "Error rate",
      sourceKind: "SCRAPE",
      sourceUrl: `${target.url}/metrics`,
      pollIntervalSeconds: 1,
      query: { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" },
    });

    const off = startBackgroundWorkers({ env: envSchema.parse({ WARROOM_WORKERS: "off" }) });
    expect(off.isLeader()).toBe(false);
    await off.stop();

    const env = envSchema.parse({ WARROOM_EVAL_INTERVAL_MS: "100", WARROOM_POLL_TICK_MS: "100", WARROOM_LEADER_RETRY_MS: "100" });
    const workers = startBackgroundWorkers({ env, rollbackRunner: null, log: () => undefined });
    try {
      await vi.waitFor(() => expect(workers.isLeader()).toBe(true), { timeout: 10_000, interval: 20 });
      await vi.waitFor(
        async () => {
          expect(await getDb().metricSample.count({ where: { tileId: tile.id } })).toBeGreaterThan(0);
          const criterion = await getDb().criterion.findFirstOrThrow({ where: { phaseId: phase.id } });
          expect(criterion.lastEvaluatedAt).not.toBeNull();
          expect(criterion.lastValue).not.toBeNull();
        },
        { timeout: 15_000, interval: 50 },
      );
    } finally {
      await workers.stop();
    }
    expect(workers.isLeader()).toBe(false);
    // Stopped means stopped: no evaluation after stop() returned.
    const evaluatedAt = (await getDb().criterion.findFirstOrThrow({ where: { phaseId: phase.id } })).lastEvaluatedAt;
    const samples = await getDb().metricSample.count({ where: { tileId: tile.id } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await getDb().criterion.findFirstOrThrow({ where: { phaseId: phase.id } })).lastEvaluatedAt).toEqual(evaluatedAt);
    expect(await getDb().metricSample.count({ where: { tileId: tile.id } })).toBe(samples);
  });

  it("prunes login throttle rows whose window has passed, keeping recent ones", async () => {
    const now = Date.now();
    const old = `pair:old-${now}@example.com|203.0.113.9`;
    const recent = `pair:recent-${now}@example.com|203.0.113.9`;
    await getDb().loginThrottle.createMany({
      data: [
        { key: old, failures: 7, lastFailureAt: new Date(now - 60 * 60_000), nextAttemptAt: new Date(now - 59 * 60_000) },
        { key: recent, failures: 7, lastFailureAt: new Date(now), nextAttemptAt: new Date(now + 20_000) },
      ],
    });
    const env = envSchema.parse({ WARROOM_LEADER_RETRY_MS: "100" });
    const workers = startBackgroundWorkers({ env, rollbackRunner: null, log: () => undefined });
    try {
      await vi.waitFor(async () => expect(await getDb().loginThrottle.findUnique({ where: { key: old } })).toBeNull(), { timeout: 15_000, interval: 50 });
    } finally {
      await workers.stop();
    }
    expect(await getDb().loginThrottle.findUnique({ where: { key: recent } })).not.toBeNull();
  });
});
