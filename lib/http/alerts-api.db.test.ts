import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { json, request } from "@/test/http";
import { POST as alertmanagerRoute } from "@/app/api/v1/alerts/alertmanager/route";
import { POST as grafanaRoute } from "@/app/api/v1/alerts/grafana/route";
import { POST as alertTokenRoute } from "@/app/api/v1/rollouts/[id]/alert-tokens/route";
import { PUT as bindRoute } from "@/app/api/v1/criteria/[id]/alert/route";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createSeedAction } from "@/lib/domain/action-configs";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createActionSchema } from "@/lib/schemas/actions";

// The alert webhooks as routes: the per-rollout token, binding by alertname and labels, repeats ignored, and
// Grafana's payload (Alertmanager's, with extra fields).

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User, engineer: User;
beforeAll(async () => {
  [admin, engineer] = await Promise.all([makeUser("ADMIN"), makeUser("ENGINEER")]);
});

const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

async function activeRolloutWithBoundTrigger(labels: Record<string, string> = { service: "payments" }) {
  const rollout = await makeRollout();
  const phase = (await getRolloutState(rollout.id)).phases[0]!;
  await getDb().phase.update({ where: { id: phase.id }, data: { status: "ACTIVE", startedAt: new Date() } });
  const criterionId = phase.criteria[0]!.id;
  const bound = await json(bindRoute(request("PUT", `/api/v1/criteria/${criterionId}/alert`, { auth: admin.apiToken, body: { alertName: "HighErrorRate", labels } }), ctx({ id: criterionId })));
  expect(bound.status).toBe(200);
  const created = await json<{ token: string; alertmanagerUrl: string }>(alertTokenRoute(request("POST", `/api/v1/rollouts/${rollout.id}/alert-tokens`, { auth: admin.apiToken, body: {} }), ctx({ id: rollout.id })));
  expect(created.status).toBe(201);
  expect(created.body.token).toMatch(/^wr_alert_/);
  return { rolloutId: rollout.id, criterionId, token: created.body.token };
}

const alert = (status: "firing" | "resolved", over: Partial<{ labels: Record<string, string>; fingerprint: string; startsAt: string }> = {}) => ({
  status,
  labels: { alertname: "HighErrorRate", service: "payments", ...over.labels },
  annotations: { summary: "Error rate above 1%" },
  startsAt: over.startsAt ?? "2026-12-01T12:00:00Z",
  endsAt: status === "resolved" ? "2026-12-01T12:10:00Z" : "0001-01-01T00:00:00Z",
  fingerprint: over.fingerprint ?? "a1b2c3",
  generatorURL: "http://prometheus/graph",
});
const payload = (...alerts: ReturnType<typeof alert>[]) => ({ version: "4", status: alerts[0]!.status, groupKey: "{}:{alertname=\"HighErrorRate\"}", receiver: "warroom", alerts });
const post = (route: typeof alertmanagerRoute, token: string | undefined, body: unknown) => json<{ received: number; ignored: number; transitions: unknown[] }>(route(request("POST", "/api/v1/alerts/alertmanager", { auth: token, body }), ctx()));

describe("POST /api/v1/alerts/alertmanager", () => {
  it("is 401 without the rollout's alert token (an API token is not one), whatever the body", async () => {
    expect((await post(alertmanagerRoute, undefined, { nonsense: true })).status).toBe(401);
    expect((await post(alertmanagerRoute, engineer.apiToken, payload(alert("firing")))).status).toBe(401);
    expect((await post(alertmanagerRoute, "wr_alert_unknown", payload(alert("firing")))).status).toBe(401);
  });

  it("names the wrong field of a bad payload", async () => {
    const { token } = await activeRolloutWithBoundTrigger();
    const res = await post(alertmanagerRoute, token, { status: "firing", alerts: [{ labels: {}, startsAt: "yesterday", fingerprint: "x", status: "firing" }] });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error!.fields!)).toContain("alerts.0.startsAt");
  });

  it("fires the bound trigger, ignores a repeat of the same fingerprint, resolves it, and ignores a late repeat of the firing", async () => {
    const { token, criterionId, rolloutId } = await activeRolloutWithBoundTrigger();
    const state = async () => (await getDb().criterion.findUniqueOrThrow({ where: { id: criterionId } })).state;
    expect((await post(alertmanagerRoute, token, payload(alert("firing")))).body).toEqual({ received: 1, ignored: 0, transitions: [{ criterionId, from: "NORMAL", to: "FIRING" }] });
    expect(await state()).toBe("FIRING");
    expect((await post(alertmanagerRoute, token, payload(alert("firing")))).body).toEqual({ received: 1, ignored: 1, transitions: [] });
    expect((await post(alertmanagerRoute, token, payload(alert("resolved")))).body).toEqual({ received: 1, ignored: 0, transitions: [{ criterionId, from: "FIRING", to: "RESOLVED" }] });
    expect((await post(alertmanagerRoute, token, payload(alert("firing")))).body).toMatchObject({ ignored: 1 });
    expect(await state()).toBe("RESOLVED");
    // A new episode (a new start) fires again.
    expect((await post(alertmanagerRoute, token, payload(alert("firing", { startsAt: "2026-12-01T13:00:00Z" })))).body.transitions).toHaveLength(1);
    const events = await getDb().rolloutEvent.findMany({ where: { rolloutId, type: "criterion.state_changed" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => (e.data as { to: string }).to)).toEqual(["FIRING", "RESOLVED", "FIRING"]);
  });

  it("matches by alertname and every bound label, and only the token's rollout", async () => {
    const one = await activeRolloutWithBoundTrigger({ service: "payments", env: "prod" });
    const other = await activeRolloutWithBoundTrigger({ service: "payments", env: "prod" });
    const res = await post(alertmanagerRoute, one.token, payload(alert("firing", { labels: { env: "staging" }, fingerprint: "f1" }), alert("firing", { labels: { alertname: "Other", env: "prod" }, fingerprint: "f2" })));
    expect(res.body.transitions).toEqual([]);
    expect((await post(alertmanagerRoute, one.token, payload(alert("firing", { labels: { env: "prod" }, fingerprint: "f3" })))).body.transitions).toHaveLength(1);
    expect((await getDb().criterion.findUniqueOrThrow({ where: { id: other.criterionId } })).state).toBe("NORMAL");
  });

  describe("with autoRollback on the bound trigger", () => {
    const TOKEN = "alerts-rollback-token";
    let target: DemoTarget;
    beforeAll(async () => {
      target = await startDemoTarget({ token: TOKEN });
    });
    afterAll(() => target.close());

    it("rolls back once per firing episode, through the rollout's rollback action, like a trigger the evaluator fires", async () => {
      const { token, criterionId, rolloutId } = await activeRolloutWithBoundTrigger();
      await getDb().criterion.update({ where: { id: criterionId }, data: { autoRollback: true } });
      await getDb().rollout.update({ where: { id: rolloutId }, data: { status: "ACTIVE", startedAt: new Date() } });
      await createSeedAction(rolloutId, createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: `${target.url}/api/admin/rollback`, headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }], allowedRoles: ["COMMANDER"] }));
      const rollbacks = () => target.adminCalls().filter((c) => c.path.endsWith("/rollback"));

      expect((await post(alertmanagerRoute, token, payload(alert("firing")))).body.transitions).toHaveLength(1);
      expect(rollbacks()).toHaveLength(1);
      expect(target.state().rolledBack).toBe(true);
      expect((await getDb().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).status).toBe("ROLLED_BACK");
      const decisions = await getDb().rolloutEvent.findMany({ where: { rolloutId, type: "trigger.auto_rollback" } });
      expect(decisions.map((e) => (e.data as { willRun: boolean; criterionId: string }))).toMatchObject([{ willRun: true, criterionId }]);
      // Alertmanager repeating the same alert changes nothing and calls nothing.
      expect((await post(alertmanagerRoute, token, payload(alert("firing")))).body).toMatchObject({ ignored: 1 });
      expect(rollbacks()).toHaveLength(1);
    });

    it("records that a human must roll back when the rollout has no rollback action", async () => {
      const { token, criterionId, rolloutId } = await activeRolloutWithBoundTrigger();
      await getDb().criterion.update({ where: { id: criterionId }, data: { autoRollback: true } });
      await post(alertmanagerRoute, token, payload(alert("firing", { fingerprint: "no-action" })));
      const decisions = await getDb().rolloutEvent.findMany({ where: { rolloutId, type: "trigger.auto_rollback" } });
      expect(decisions.map((e) => (e.data as { willRun: boolean }).willRun)).toEqual([false]);
    });
  });
});

describe("POST /api/v1/alerts/grafana", () => {
  it("takes Grafana's webhook payload (Alertmanager's plus its own fields)", async () => {
    const { token, criterionId } = await activeRolloutWithBoundTrigger();
    const grafana = {
      receiver: "warroom",
      status: "firing",
      orgId: 1,
      alerts: [{ ...alert("firing"), values: { B: 4.2 }, valueString: "[ var='B' value=4.2 ]", silenceURL: "http://grafana/silence", dashboardURL: "" }],
      groupLabels: { alertname: "HighErrorRate" },
      commonLabels: {},
      externalURL: "http://grafana/",
      version: "1",
      title: "[FIRING:1] HighErrorRate",
      state: "alerting",
      message: "…",
    };
    expect((await post(grafanaRoute, token, grafana)).body.transitions).toEqual([{ criterionId, from: "NORMAL", to: "FIRING" }]);
    const event = await getDb().rolloutEvent.findFirstOrThrow({ where: { type: "criterion.state_changed", data: { path: ["criterion", "id"], equals: criterionId } } });
    expect(event.actorName).toBe("Grafana");
  });
});
