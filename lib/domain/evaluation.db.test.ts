import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRollout } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { listEventsAfter } from "@/lib/domain/events";
import { createSeedAction } from "@/lib/domain/action-configs";
import { createTileAs } from "@/lib/domain/tiles";
import { createActionSchema } from "@/lib/schemas/actions";
import type { RunbookDraftInput } from "@/lib/schemas/runbook";
import { createMetricPoller, type MetricPoller } from "@/lib/workers/metric-poller";
import { evaluateActivePhases, evaluatePhaseGates } from "./evaluation";
import type { RollbackRunner } from "./auto-rollback";

// The whole loop against real systems: the demo target (a real HTTP server on a simulated clock) is scraped by the
// poller, the evaluator moves the rollback trigger Normal → Pending → Firing over its pending period, the verdict
// turns FAIL, and the rollback runner — here a real HTTP call to the demo target's rollback endpoint, as the actions
// issue's runAutomaticRollback will make — is called exactly once.

const TOKEN = "evaluation-test-token";
const SECOND = 1000;
let now = Date.UTC(2026, 10, 25, 21, 0, 0);
let target: DemoTarget;
let poller: MetricPoller;

beforeAll(async () => {
  target = await startDemoTarget({ token: TOKEN, clock: () => now, seed: 11, requestsPerSecond: 400, badBuildAbovePercent: 25 });
  poller = createMetricPoller({ timeoutMs: 5000 });
});
afterAll(async () => {
  await target.close();
});
// Each test's phase stops being evaluated when the test ends.
afterEach(async () => {
  await getDb().phase.updateMany({ where: { status: "ACTIVE" }, data: { status: "PASSED" } });
});

/** Calls the demo target's rollback endpoint, exactly what an automatic rollback action does. */
const rollbackOverHttp: RollbackRunner = async (_rolloutId, reason) => {
  const response = await fetch(`${target.url}/api/admin/rollback`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ reason }),
  });
  if (!response.ok) throw new Error(`rollback answered ${response.status}`);
};

const rollbackCalls = () => target.adminCalls().filter((call) => call.path === "/api/admin/rollback");

async function setCanaryTraffic(percentage: number) {
  const response = await fetch(`${target.url}/api/admin/feature-flags`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ percentage }),
  });
  expect(response.status).toBe(200);
}

function canaryRunbook(autoRollback: boolean): RunbookDraftInput {
  return {
    name: `Evaluated ${randomUUID().slice(0, 8)}`,
    service: "payments",
    sections: [],
    phases: [
      {
        name: "Canary",
        trafficPercent: 50,
        criteria: [
          { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 0.5, unit: "%", description: "Error rate < 0.5%" },
          { kind: "SUCCESS", metricKey: "latency_p95", comparator: "LT", threshold: 300, unit: "ms", description: "Latency p95 < 300ms" },
          { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, unit: "%", pendingSeconds: 30, autoRollback, description: "Error rate > 1% for 30 s" },
        ],
      },
    ],
  };
}

/** A rollout whose Canary phase is ACTIVE (set directly: phase control is another issue) with SCRAPE tiles on the target. */
async function activeCanary(opts: { autoRollback: boolean; metricsUrl?: string }) {
  const rollout = await makeRollout(canaryRunbook(opts.autoRollback));
  const phase = await getDb().phase.update({
    where: { rolloutId_position: { rolloutId: rollout.id, position: 0 } },
    data: { status: "ACTIVE", startedAt: new Date(now) },
    select: { id: true },
  });
  const sourceUrl = opts.metricsUrl ?? `${target.url}/metrics`;
  await createTileAs(SYSTEM_ACTOR, rollout.id, {
    key: "error_rate",
    label: "Error rate",
    unit: "%",
    sourceKind: "SCRAPE",
    sourceUrl,
    pollIntervalSeconds: 5,
    query: { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" },
  });
  await createTileAs(SYSTEM_ACTOR, rollout.id, {
    key: "latency_p95",
    label: "Latency p95",
    unit: "ms",
    sourceKind: "SCRAPE",
    sourceUrl,
    pollIntervalSeconds: 5,
    query: { kind: "quantile", selector: "http_request_duration_seconds", quantile: 0.95, scale: 1000 },
  });
  // The rollback action an automatic rollback needs (the tests pass their own runner calling the same endpoint).
  await createSeedAction(
    rollout.id,
    createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: `${target.url}/api/admin/rollback`, headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }], allowedRoles: ["COMMANDER"] }),
  );
  return { rolloutId: rollout.id, phaseId: phase.id };
}

async function triggerOf(phaseId: string) {
  return getDb().criterion.findFirstOrThrow({ where: { phaseId, kind: "ROLLBACK_TRIGGER" } });
}
async function eventsOf(rolloutId: string, type: string) {
  return (await listEventsAfter(rolloutId, 0)).events.filter((e) => e.type === type);
}

describe("the gate evaluator against the demo target", () => {
  it("goes Pending then Firing after the pending period, turns the verdict FAIL, and rolls back exactly once", async () => {
    const { rolloutId, phaseId } = await activeCanary({ autoRollback: true });
    const tick = async (seconds: number) => {
      now += seconds * SECOND;
      await poller.pollDue(now);
      await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: rollbackOverHttp });
      return { trigger: await triggerOf(phaseId), phase: await getDb().phase.findUniqueOrThrow({ where: { id: phaseId } }) };
    };

    // First scrape: no rate yet, so no data: a human decides.
    expect((await tick(0)).phase.verdict).toBe("INCONCLUSIVE");
    // Healthy at 0% canary.
    let step = await tick(5);
    expect(step.phase.verdict).toBe("PASS");
    expect(step.trigger).toMatchObject({ state: "NORMAL" });
    expect(step.trigger.lastValue).toBeLessThan(0.5);

    // Past the bad-build point: the canary misbehaves.
    await setCanaryTraffic(50);
    step = await tick(5);
    expect(step.trigger.state).toBe("PENDING");
    expect(step.trigger.lastValue).toBeGreaterThan(1);
    expect(step.phase.verdict).toBe("FAIL");
    const pendingSince = step.trigger.stateSince!.getTime();
    expect(pendingSince).toBe(now);

    // Still breaching, not yet for 30 s: Pending, and no rollback.
    for (let elapsed = 5; elapsed < 30; elapsed += 5) {
      step = await tick(5);
      expect(step.trigger.state).toBe("PENDING");
    }
    expect(rollbackCalls()).toHaveLength(0);

    // 30 s of breach: Firing, and the rollback action runs.
    step = await tick(5);
    expect(step.trigger.state).toBe("FIRING");
    expect(step.trigger.stateSince!.getTime() - pendingSince).toBe(30 * SECOND);
    expect(rollbackCalls()).toHaveLength(1);
    expect(rollbackCalls()[0]).toMatchObject({ authorized: true, status: 200, body: { reason: expect.stringContaining('"Error rate > 1% for 30 s" fired') } });
    expect(target.state()).toMatchObject({ rolledBack: true, trafficPercent: 0 });

    // Evaluating again (any number of ticks, or a second evaluator) does not roll back again.
    await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: rollbackOverHttp });
    // The rollback works: the next intervals are healthy. The trigger stays Firing until the condition has been
    // clear for its pending period, then Resolved; the phase's verdict stays FAIL (it fired in this phase).
    step = await tick(5);
    expect(step.trigger.state).toBe("FIRING");
    const clearSince = step.trigger.clearSince!.getTime();
    while (now - clearSince < 30 * SECOND) {
      expect(step.trigger.state).toBe("FIRING");
      step = await tick(5);
    }
    expect(step.trigger.state).toBe("RESOLVED");
    expect(step.phase.verdict).toBe("FAIL");
    await tick(5);
    expect(rollbackCalls()).toHaveLength(1);

    const transitions = (await eventsOf(rolloutId, "criterion.state_changed")).map((e) => `${String(e.data.from)}→${String(e.data.to)}`);
    expect(transitions).toEqual(["NORMAL→PENDING", "PENDING→FIRING", "FIRING→RESOLVED"]);
    const verdicts = (await eventsOf(rolloutId, "phase.verdict")).map((e) => e.data.verdict);
    expect(verdicts).toEqual(["INCONCLUSIVE", "PASS", "FAIL"]);
    const decisions = await eventsOf(rolloutId, "trigger.auto_rollback");
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ actor: { id: null, name: "War Room" }, data: { willRun: true, phaseName: "Canary", description: "Error rate > 1% for 30 s" } });
    expect(String(decisions[0]!.data.publicSummary)).toMatch(/^Automatic rollback started\. Rollback trigger "Error rate > 1% for 30 s" fired: error_rate \d/);
  });

  it("records the decision exactly once when two evaluators race on the same firing transition", async () => {
    await setCanaryTraffic(60);
    const { rolloutId, phaseId } = await activeCanary({ autoRollback: true });
    let runs = 0;
    const counting: RollbackRunner = async () => {
      runs++;
    };
    await poller.pollDue(now);
    for (let i = 0; i < 7; i++) {
      now += 5 * SECOND;
      await poller.pollDue(now);
      // Two evaluators, as two app processes would be if the workers lock did not exist.
      await Promise.all([
        evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: counting }),
        evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: counting }),
      ]);
    }
    expect((await triggerOf(phaseId)).state).toBe("FIRING");
    expect(runs).toBe(1);
    expect(await eventsOf(rolloutId, "trigger.auto_rollback")).toHaveLength(1);
    expect((await eventsOf(rolloutId, "criterion.state_changed")).map((e) => e.data.to)).toEqual(["PENDING", "FIRING"]);
  });

  it("without auto-rollback, fires and fails the phase but decides no rollback", async () => {
    await setCanaryTraffic(60);
    const { rolloutId, phaseId } = await activeCanary({ autoRollback: false });
    const before = rollbackCalls().length;
    await poller.pollDue(now);
    for (let i = 0; i < 7; i++) {
      now += 5 * SECOND;
      await poller.pollDue(now);
      await evaluateActivePhases({ now: new Date(now), rollbackRunner: rollbackOverHttp });
    }
    expect((await triggerOf(phaseId)).state).toBe("FIRING");
    expect((await getDb().phase.findUniqueOrThrow({ where: { id: phaseId } })).verdict).toBe("FAIL");
    expect(await eventsOf(rolloutId, "trigger.auto_rollback")).toHaveLength(0);
    expect(rollbackCalls()).toHaveLength(before);
  });

  it("with no rollback runner wired, records the decision and says a human must roll back", async () => {
    await setCanaryTraffic(60);
    const { rolloutId, phaseId } = await activeCanary({ autoRollback: true });
    const before = rollbackCalls().length;
    await poller.pollDue(now);
    for (let i = 0; i < 7; i++) {
      now += 5 * SECOND;
      await poller.pollDue(now);
      await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: null });
    }
    const [decision] = await eventsOf(rolloutId, "trigger.auto_rollback");
    expect(decision?.data).toMatchObject({ willRun: false });
    expect(String(decision?.data.publicSummary)).toMatch(/cannot run: roll back by hand/);
    expect(rollbackCalls()).toHaveLength(before);
  });

  it("keeps the decision when the runner fails, and does not retry it on later ticks", async () => {
    await setCanaryTraffic(60);
    const { rolloutId, phaseId } = await activeCanary({ autoRollback: true });
    const failing = vi.fn<RollbackRunner>(async () => {
      throw new Error("action endpoint down");
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await poller.pollDue(now);
      for (let i = 0; i < 8; i++) {
        now += 5 * SECOND;
        await poller.pollDue(now);
        await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: failing });
      }
      expect(failing).toHaveBeenCalledTimes(1);
      expect(await eventsOf(rolloutId, "trigger.auto_rollback")).toHaveLength(1);
      expect(logged).toHaveBeenCalledWith(expect.stringContaining("automatic rollback"), "action endpoint down");
    } finally {
      logged.mockRestore();
    }
  });

  it("treats a failing source as no data: the tile shows the error, the verdict is INCONCLUSIVE, nothing fires", async () => {
    await setCanaryTraffic(60);
    // Nothing listens there: every poll fails.
    const closed = await startDemoTarget({ token: TOKEN, clock: () => now });
    const deadUrl = `${closed.url}/metrics`;
    await closed.close();
    const { rolloutId, phaseId } = await activeCanary({ autoRollback: true, metricsUrl: deadUrl });
    for (let i = 0; i < 10; i++) {
      await poller.pollDue(now);
      await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: rollbackOverHttp });
      now += 5 * SECOND;
    }
    const tile = await getDb().metricTile.findFirstOrThrow({ where: { rolloutId, key: "error_rate" } });
    expect(tile).toMatchObject({ lastValue: null, lastSampleAt: null });
    expect(tile.lastError).toMatch(/cannot connect/);
    expect(await getDb().metricSample.count({ where: { tileId: tile.id } })).toBe(0);
    expect((await triggerOf(phaseId)).state).toBe("NORMAL");
    const phase = await getDb().phase.findUniqueOrThrow({ where: { id: phaseId } });
    expect(phase.verdict).toBe("INCONCLUSIVE");
    const [verdict] = await eventsOf(rolloutId, "phase.verdict");
    expect(String(verdict?.data.publicSummary)).toContain("waiting for fresh readings in this phase: Error rate < 0.5%: source error");
    expect(await eventsOf(rolloutId, "trigger.auto_rollback")).toHaveLength(0);
  });

  it("does not judge readings from before the phase started", async () => {
    await setCanaryTraffic(60);
    const { phaseId } = await activeCanary({ autoRollback: false });
    await poller.pollDue(now);
    now += 5 * SECOND;
    await poller.pollDue(now);
    // Readings exist (two scrapes: a rate), but the phase started after them.
    await getDb().phase.update({ where: { id: phaseId }, data: { startedAt: new Date(now + 1) } });
    now += 2 * SECOND;
    await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: null });
    expect((await triggerOf(phaseId)).state).toBe("NORMAL");
    expect((await getDb().phase.findUniqueOrThrow({ where: { id: phaseId } })).verdict).toBe("INCONCLUSIVE");
  });

  it("evaluates only running (ACTIVE or PAUSED) phases", async () => {
    const { phaseId } = await activeCanary({ autoRollback: false });
    await getDb().phase.update({ where: { id: phaseId }, data: { status: "PASSED" } });
    expect(await evaluatePhaseGates(phaseId, { now: new Date(now), rollbackRunner: null })).toBeNull();
    const results = await evaluateActivePhases({ now: new Date(now), rollbackRunner: null });
    expect(results.map((r) => r.phaseId)).not.toContain(phaseId);
    expect((await getDb().phase.findUniqueOrThrow({ where: { id: phaseId } })).verdict).toBeNull();
  });
});
