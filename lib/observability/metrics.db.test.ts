import { io as connect } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { updateItem } from "@/lib/domain/checklists";
import { getRolloutState } from "@/lib/domain/rollouts";
import { withRealtimeTestServer } from "@/test/realtime-server";
import { serveMetrics } from "./serve-metrics";

// The app's own /metrics: real HTTP, a real socket and a real write, read back in Prometheus text.

const server = withRealtimeTestServer((req, res) => (req.url === "/metrics" ? void serveMetrics(req, res) : res.end()));
afterAll(() => {
  delete process.env.WARROOM_METRICS_TOKEN;
});

const metricValue = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").at(-1) ?? Number.NaN);

describe("/metrics", () => {
  it("counts connected sockets, published events and fan-out latency", async () => {
    const viewer = await makeUser("VIEWER");
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    const client = connect(server.url, { auth: { token: viewer.apiToken }, transports: ["websocket"] });
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    const before = await (await fetch(`${server.url}/metrics`)).text();
    expect(metricValue(before, /^warroom_connected_sockets\{/)).toBe(1);

    await updateItem(engineer.principal, (await getRolloutState(rollout.id)).items[0]!.id, { state: "DONE" });
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(metricValue(after, /^warroom_events_published_total\{.*type="item.updated"/)).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, /^warroom_fanout_latency_seconds_count/)).toBeGreaterThanOrEqual(1);

    client.disconnect();
    await expect.poll(async () => metricValue(await (await fetch(`${server.url}/metrics`)).text(), /^warroom_connected_sockets\{/)).toBe(0);
  });

  it("wants the bearer token when WARROOM_METRICS_TOKEN is set", async () => {
    process.env.WARROOM_METRICS_TOKEN = "scrape-secret";
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer scrape-secret" } })).status).toBe(200);
    delete process.env.WARROOM_METRICS_TOKEN;
  });
});

describe("/metrics counts action runs and source errors", () => {
  it("counts a run by kind and outcome, and a failing metric source", async () => {
    const { startDemoTarget } = await import("@/lib/demo-target/server");
    const { createSeedAction } = await import("@/lib/domain/action-configs");
    const { requestActionRun } = await import("@/lib/domain/action-runs");
    const { createActionSchema } = await import("@/lib/schemas/actions");
    const { createTileAs } = await import("@/lib/domain/tiles");
    const { createMetricPoller } = await import("@/lib/workers/metric-poller");
    const { SYSTEM_ACTOR } = await import("@/lib/auth/principal");
    const target = await startDemoTarget({ token: "metrics-test-token" });
    try {
      const commander = await makeUser("COMMANDER");
      const rollout = await makeRollout();
      const action = await createSeedAction(
        rollout.id,
        createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: `${target.url}/api/admin/rollback`, headers: [{ name: "Authorization", value: "Bearer wrong-token", secret: true }], allowedRoles: ["COMMANDER"] }),
      );
      await requestActionRun(commander.principal, action.id, { reason: "count me", params: {} }).catch(() => undefined);
      await createTileAs(SYSTEM_ACTOR, rollout.id, { key: "broken", label: "Broken", sourceKind: "SCRAPE", sourceUrl: `${target.url}/health`, query: "demo_traffic_percent", pollIntervalSeconds: 1 });
      await createMetricPoller({ timeoutMs: 2000 }).pollDue(Date.now() + 60_000);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(metricValue(text, /^warroom_action_runs_total\{.*kind="ROLLBACK".*outcome="failed"/)).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, /^warroom_metric_source_errors_total\{.*source="SCRAPE"/)).toBeGreaterThanOrEqual(1);
    } finally {
      await target.close();
    }
  });
});
