import { randomBytes, randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { startDemoTarget, type DemoTarget } from "../../lib/demo-target/server";
import { BASE_URL } from "../fixtures/env";
import { expect, test } from "../fixtures/test";

/** Starts the rollout (its first phase becomes ACTIVE) through the API; the gates are not what these tests are about. */
async function startRollout(api: APIRequestContext, rolloutId: string) {
  const response = await api.post(`/api/v1/rollouts/${rolloutId}/start`, { data: { override: { reason: "e2e: gates are not under test here" } } });
  expect(response.status(), await response.text()).toBe(200);
}

// The end-to-end loop on the real server (fast workers: playwright.config.ts): a demo target started by the
// test goes bad, the war room's rollback trigger goes Pending, then Firing after its 3-second pending period, the
// verdict turns FAIL, and the automatic-rollback decision is recorded exactly once and shown.
//
// The rollout has a ROLLBACK action pointing at the target, so the automatic rollback calls it: exactly once, however
// many evaluator ticks follow. The rollout is started through the API with an override (its gates are not under test).

type Envelope = { seq: number; type: string; at: string; data: Record<string, unknown> };
type Criterion = { id: string; kind: string; state: string; stateSince: string | null; lastEvaluatedAt: string | null };
type State = { rollout: { status: string }; phases: { id: string; verdict: string | null; criteria: Criterion[] }[] };

const errorRateQuery = { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" };

async function createCanary(api: APIRequestContext, label: string, criteria: unknown[]) {
  const response = await api.post(`${BASE_URL}/api/v1/rollouts`, {
    data: {
      name: `${label} ${randomUUID().slice(0, 8)}`,
      service: "payments",
      sections: [{ title: "Go-live", items: [{ text: "Watch the canary" }] }],
      phases: [{ name: "Canary", trafficPercent: 50, criteria }],
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { rollout: { id: string } }).rollout.id;
}

async function addTile(api: APIRequestContext, rolloutId: string, tile: Record<string, unknown>) {
  const response = await api.post(`${BASE_URL}/api/v1/rollouts/${rolloutId}/tiles`, { data: tile });
  expect(response.status(), await response.text()).toBe(201);
}

async function events(api: APIRequestContext, rolloutId: string): Promise<Envelope[]> {
  return ((await (await api.get(`${BASE_URL}/api/v1/rollouts/${rolloutId}/events?after=0`)).json()) as { events: Envelope[] }).events;
}

async function state(api: APIRequestContext, rolloutId: string): Promise<State> {
  return (await (await api.get(`${BASE_URL}/api/v1/rollouts/${rolloutId}`)).json()) as State;
}

test.describe("live gates", () => {
  let target: DemoTarget;
  const token = randomBytes(16).toString("hex");
  test.beforeEach(async () => {
    // 2,000 requests a second: each 1-second poll sees enough requests that the healthy (0.1%) and bad (~4%) error
    // rates are far apart from the 2% trigger.
    target = await startDemoTarget({ token, requestsPerSecond: 2000 });
  });
  test.afterEach(async () => {
    await target.close();
  });

  test("the demo target goes bad: Pending, then Firing after the pending period, verdict FAIL, one auto-rollback decision", async ({ adminApi, pageAs }) => {
    const rolloutId = await createCanary(adminApi, "Gates", [
      { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 1, unit: "%", description: "Error rate < 1%" },
      { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 2, unit: "%", pendingSeconds: 3, autoRollback: true, description: "Error rate > 2% for 3 s" },
    ]);
    await addTile(adminApi, rolloutId, {
      key: "error_rate",
      label: "Error rate",
      unit: "%",
      sourceKind: "SCRAPE",
      sourceUrl: `${target.url}/metrics`,
      query: errorRateQuery,
      pollIntervalSeconds: 1,
      warnThreshold: 1,
      breachThreshold: 2,
    });
    // The rollout's rollback action: what the automatic rollback runs.
    const action = await adminApi.post(`/api/v1/rollouts/${rolloutId}/actions`, {
      data: {
        kind: "ROLLBACK",
        name: "Roll back the canary",
        url: `${target.url}/api/admin/rollback`,
        headers: [{ name: "Authorization", value: `Bearer ${token}`, secret: true }],
        bodyTemplate: '{"reason": "{{reason}}"}',
        allowedRoles: ["COMMANDER", "ADMIN"],
      },
    });
    expect(action.status(), await action.text()).toBe(201);
    await startRollout(adminApi, rolloutId);
    const trigger = (await state(adminApi, rolloutId)).phases[0]!.criteria.find((c) => c.kind === "ROLLBACK_TRIGGER")!;

    const { page } = await pageAs("commander");
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`/rollouts/${rolloutId}`);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    const tile = page.getByTestId("tile-error_rate");
    const verdict = page.getByTestId("verdict");
    const triggerRow = page.getByTestId(`criterion-${trigger.id}`);

    // Healthy: a fresh value, in green; the gates pass.
    await expect(tile).toHaveAttribute("data-kind", "value", { timeout: 20_000 });
    await expect(tile).toHaveAttribute("data-status", "ok");
    await expect(tile.getByTestId("tile-value")).toHaveText(/^\d+(\.\d+)? %$/);
    await expect(tile.getByTestId("tile-freshness")).toHaveText(/^updated \d+s ago$/);
    await expect(verdict).toHaveText("PASS", { timeout: 20_000 });
    await expect(triggerRow).toHaveAttribute("data-state", "NORMAL");
    await expect(triggerRow).toContainText("auto-rollback on");

    // The canary passes the bad-build point.
    const flag = await fetch(`${target.url}/api/admin/feature-flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ percentage: 50 }),
    });
    expect(flag.status).toBe(200);

    await expect(triggerRow).toHaveAttribute("data-state", "PENDING", { timeout: 20_000 });
    await expect(triggerRow.getByTestId("criterion-state")).toHaveText(/^Pending since /);
    await expect(tile).toHaveAttribute("data-status", "breach");
    await expect(verdict).toHaveText("FAIL");
    await expect(triggerRow).toHaveAttribute("data-state", "FIRING", { timeout: 20_000 });
    await expect(triggerRow.getByTestId("criterion-state")).toHaveText(/^Firing since /);
    await expect(verdict).toHaveText("FAIL");
    await expect(page.getByTestId("timeline")).toContainText('Automatic rollback started. Rollback trigger "Error rate > 2% for 3 s" fired: error_rate');
    await expect(page.getByTestId("timeline")).toContainText('Rollback trigger "Error rate > 2% for 3 s" is FIRING');

    // The log: it fired only after breaching for its whole pending period.
    const log = await events(adminApi, rolloutId);
    const transitions = log.filter((e) => e.type === "criterion.state_changed" && (e.data.criterion as Criterion).id === trigger.id);
    const fired = transitions.findLastIndex((e) => e.data.to === "FIRING");
    expect(fired).toBeGreaterThan(0);
    const pending = transitions[fired - 1]!;
    expect(pending.data).toMatchObject({ from: "NORMAL", to: "PENDING" });
    const pendingSince = Date.parse((pending.data.criterion as Criterion).stateSince!);
    const firingSince = Date.parse((transitions[fired]!.data.criterion as Criterion).stateSince!);
    expect(firingSince - pendingSince).toBeGreaterThanOrEqual(3000);
    expect(log.filter((e) => e.type === "phase.verdict").at(-1)?.data.verdict).toBe("FAIL");

    // The rollback ran: the rollout is rolled back, and its phase is no longer evaluated. Exactly one decision and
    // one call (two evaluators racing on one firing are covered in lib/domain/evaluation.db.test.ts).
    await expect.poll(async () => (await state(adminApi, rolloutId)).rollout.status, { timeout: 20_000 }).toBe("ROLLED_BACK");
    await expect(page.getByTestId("rollout-status")).toHaveText("Rolled back");
    const decisions = (await events(adminApi, rolloutId)).filter((e) => e.type === "trigger.auto_rollback");
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.data).toMatchObject({ criterionId: trigger.id, willRun: true });
    // The rollback action was called exactly once, and the target rolled back.
    expect(target.adminCalls().filter((c) => c.path === "/api/admin/rollback" && c.status === 200)).toHaveLength(1);
    expect(target.state().rolledBack).toBe(true);
    const { runs } = (await (await adminApi.get(`/api/v1/rollouts/${rolloutId}/action-runs`)).json()) as { runs: { status: string }[] };
    expect(runs.map((r) => r.status)).toEqual(["SUCCEEDED"]);
    // Live clocks and server rendering agree (no hydration mismatch), and nothing threw.
    expect(pageErrors).toEqual([]);
  });

  test("a failing source shows as an error on its tile, never as a value, and the verdict is INCONCLUSIVE", async ({ adminApi, pageAs }) => {
    const rolloutId = await createCanary(adminApi, "Failing source", [
      { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 1, unit: "%", description: "Error rate < 1%" },
      { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 2, unit: "%", pendingSeconds: 0, autoRollback: true, description: "Error rate > 2%" },
    ]);
    // The target's /health is JSON, not Prometheus text: every poll fails.
    await addTile(adminApi, rolloutId, { key: "error_rate", label: "Error rate", unit: "%", sourceKind: "SCRAPE", sourceUrl: `${target.url}/health`, query: errorRateQuery, pollIntervalSeconds: 1 });
    await startRollout(adminApi, rolloutId);

    const { page } = await pageAs("viewer");
    await page.goto(`/rollouts/${rolloutId}`);
    const tile = page.getByTestId("tile-error_rate");
    await expect(tile).toHaveAttribute("data-kind", "error", { timeout: 20_000 });
    await expect(tile.getByTestId("tile-value")).toHaveText("—");
    await expect(tile.getByTestId("tile-error")).toHaveText(/^not Prometheus text/);
    await expect(page.getByTestId("verdict")).toHaveText("INCONCLUSIVE", { timeout: 20_000 });
    await expect(page.getByTestId("gates")).toContainText("a human decides");
    expect((await events(adminApi, rolloutId)).filter((e) => e.type === "trigger.auto_rollback")).toHaveLength(0);
  });
});

test("the demo rollout's tiles read from the demo target that npm start runs", async ({ adminApi, pageAs }) => {
  const { rollouts } = (await (await adminApi.get(`${BASE_URL}/api/v1/rollouts`)).json()) as { rollouts: { id: string; name: string }[] };
  const demo = rollouts.find((r) => r.name === "Payments API v3.2 go-live");
  expect(demo, "the demo seed's rollout").toBeDefined();
  const { page } = await pageAs("viewer");
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`/rollouts/${demo!.id}`);
  for (const key of ["error_rate", "latency_p95", "latency_p99", "throughput", "availability", "cache_hit_rate", "cpu"]) {
    await expect(page.getByTestId(`tile-${key}`)).toHaveAttribute("data-kind", "value", { timeout: 30_000 });
  }
  await expect(page.getByTestId("tile-throughput").getByTestId("tile-value")).toHaveText(/ req\/s$/);
  // Server-rendered with readings already there: the "updated Ns ago" clocks must not break hydration.
  expect(pageErrors).toEqual([]);
});
