import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { ctx, json, request } from "@/test/http";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { getRolloutState } from "@/lib/domain/rollouts";
import { POST as createRollout } from "@/app/api/v1/rollouts/route";
import { PATCH as updateRollout } from "@/app/api/v1/rollouts/[id]/route";
import { POST as editPlan } from "@/app/api/v1/rollouts/[id]/plan/route";
import { POST as cloneRoute } from "@/app/api/v1/rollouts/[id]/clone/route";
import { POST as rehearsalsRoute } from "@/app/api/v1/rollouts/[id]/rehearsals/route";
import { GET as reportRoute } from "@/app/api/v1/rollouts/[id]/rehearsal-report/route";
import { POST as rebaselineRoute } from "@/app/api/v1/rollouts/[id]/rebaseline/route";
import { POST as testTileRoute } from "@/app/api/v1/rollouts/[id]/tiles/test/route";

// The plan-editing routes over HTTP: what each answers, and that bad input is a 400 naming the field, never a 500.
// Who may call each is in access-matrix.db.test.ts.

let admin: Awaited<ReturnType<typeof makeUser>>;
let commander: Awaited<ReturnType<typeof makeUser>>;
let engineer: Awaited<ReturnType<typeof makeUser>>;
let target: DemoTarget;

beforeAll(async () => {
  [admin, commander, engineer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("ENGINEER")]);
  target = await startDemoTarget({ token: "plan-api-token" });
});
afterAll(() => target?.close());

describe("POST /api/v1/rollouts from scratch", () => {
  it("creates an empty DRAFT rollout from name, service, T0 and description", async () => {
    const res = await json<{ rollout: { id: string; name: string; plannedStartAt: string; description: string; status: string }; sections: unknown[] }>(
      createRollout(request("POST", "/api/v1/rollouts", { auth: admin.apiToken, body: { name: "Blank", service: "payments", plannedStartAt: "2026-12-24T09:00:00Z", description: "Friday cutover" } }), ctx()),
    );
    expect(res.status).toBe(201);
    expect(res.body.rollout).toMatchObject({ name: "Blank", status: "DRAFT", plannedStartAt: "2026-12-24T09:00:00.000Z", description: "Friday cutover" });
    expect(res.body.sections).toEqual([]);
  });
});

describe("PATCH /api/v1/rollouts/:id", () => {
  it("changes settings, marks a template and archives; a bad T0 is a 400 naming it", async () => {
    const { id } = await makeRollout();
    const res = await json<{ rollout: { isTemplate: boolean; archivedAt: string | null; service: string } }>(
      updateRollout(request("PATCH", `/api/v1/rollouts/${id}`, { auth: admin.apiToken, body: { service: "billing", isTemplate: true } }), ctx({ id })),
    );
    expect(res.status).toBe(200);
    expect(res.body.rollout).toMatchObject({ service: "billing", isTemplate: true, archivedAt: null });
    const archived = await json<{ rollout: { archivedAt: string | null } }>(updateRollout(request("PATCH", `/api/v1/rollouts/${id}`, { auth: admin.apiToken, body: { archived: true } }), ctx({ id })));
    expect(archived.body.rollout.archivedAt).not.toBeNull();
    const bad = await json(updateRollout(request("PATCH", `/api/v1/rollouts/${id}`, { auth: admin.apiToken, body: { plannedStartAt: "tomorrow" } }), ctx({ id })));
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields).toHaveProperty("plannedStartAt");
  });
});

describe("POST /api/v1/rollouts/:id/plan", () => {
  it("applies an edit and answers its result and seq", async () => {
    const { id } = await makeRollout();
    const state = await getRolloutState(id);
    const res = await json<{ item: { text: string; ownerId: string }; seq: number }>(
      editPlan(request("POST", `/api/v1/rollouts/${id}/plan`, { cookie: engineer.cookie, body: { op: "item.add", sectionId: state.sections[0]!.id, text: "Warm the caches", ownerId: engineer.id } }), ctx({ id })),
    );
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ text: "Warm the caches", ownerId: engineer.id });
    expect(res.body.seq).toBe(state.lastSeq + 1);
  });

  it("answers 400 naming the field for an unknown op, a missing field or a bad value", async () => {
    const { id } = await makeRollout();
    const state = await getRolloutState(id);
    const call = (body: unknown) => json(editPlan(request("POST", `/api/v1/rollouts/${id}/plan`, { auth: commander.apiToken, body }), ctx({ id })));
    const unknownOp = await call({ op: "item.explode" });
    expect(unknownOp.status).toBe(400);
    expect(unknownOp.body.error?.fields).toHaveProperty("op");
    const noText = await call({ op: "item.add", sectionId: state.sections[0]!.id });
    expect(noText.body.error?.fields).toHaveProperty("text");
    const traffic = await call({ op: "phase.add", name: "Too much", trafficPercent: 150 });
    expect(traffic.body.error?.fields).toHaveProperty("trafficPercent");
    const noReason = await call({ op: "item.mark", itemId: state.items[0]!.id, state: "SKIPPED" });
    expect(noReason.body.error?.fields).toHaveProperty("reason");
    const email = await call({ op: "contact.add", role: "DBA", name: "Dee", email: "not-an-email" });
    expect(email.body.error?.fields).toHaveProperty("email");
  });

  it("answers 409 with the rule's reason when an edit is no longer allowed, and 404 for another rollout's row", async () => {
    const { id } = await makeRollout();
    const state = await getRolloutState(id);
    await json(updateRollout(request("PATCH", `/api/v1/rollouts/${id}`, { auth: admin.apiToken, body: { archived: true } }), ctx({ id })));
    const locked = await json(editPlan(request("POST", `/api/v1/rollouts/${id}/plan`, { auth: engineer.apiToken, body: { op: "item.delete", itemId: state.items[0]!.id } }), ctx({ id })));
    expect(locked.status).toBe(409);
    expect(locked.body.error?.message).toMatch(/archived/);
    const other = await makeRollout();
    const missing = await json(editPlan(request("POST", `/api/v1/rollouts/${other.id}/plan`, { auth: engineer.apiToken, body: { op: "item.delete", itemId: state.items[0]!.id } }), ctx({ id: other.id })));
    expect(missing.status).toBe(404);
  });
});

describe("clone, rehearsals, report, re-baseline", () => {
  it("clones to 201 with the copy's state", async () => {
    const { id } = await makeRollout();
    const res = await json<{ rollout: { id: string; name: string; isTemplate: boolean } }>(cloneRoute(request("POST", `/api/v1/rollouts/${id}/clone`, { auth: admin.apiToken, body: { name: "Template", asTemplate: true } }), ctx({ id })));
    expect(res.status).toBe(201);
    expect(res.body.rollout).toMatchObject({ name: "Template", isTemplate: true });
    expect(res.body.rollout.id).not.toBe(id);
  });

  it("creates a rehearsal, reads its report, and refuses to re-baseline before it has run", async () => {
    const { id } = await makeRollout();
    const created = await json<{ rollout: { id: string; isRehearsal: boolean; rehearsalOfId: string } }>(rehearsalsRoute(request("POST", `/api/v1/rollouts/${id}/rehearsals`, { auth: commander.apiToken, body: {} }), ctx({ id })));
    expect(created.status).toBe(201);
    expect(created.body.rollout).toMatchObject({ isRehearsal: true, rehearsalOfId: id });
    const rehearsalId = created.body.rollout.id;
    const report = await json<{ report: { items: unknown[]; phases: unknown[]; gates: unknown[] } }>(reportRoute(request("GET", `/api/v1/rollouts/${rehearsalId}/rehearsal-report`, { auth: engineer.apiToken }), ctx({ id: rehearsalId })));
    expect(report.status).toBe(200);
    expect(report.body.report.items.length).toBeGreaterThan(0);
    const notRehearsal = await json(reportRoute(request("GET", `/api/v1/rollouts/${id}/rehearsal-report`, { auth: engineer.apiToken }), ctx({ id })));
    expect(notRehearsal.status).toBe(400);
    const early = await json(rebaselineRoute(request("POST", `/api/v1/rollouts/${rehearsalId}/rebaseline`, { auth: commander.apiToken, body: {} }), ctx({ id: rehearsalId })));
    expect(early.status).toBe(409);
    const badBody = await json(rebaselineRoute(request("POST", `/api/v1/rollouts/${rehearsalId}/rebaseline`, { auth: commander.apiToken, body: { items: "yes" } }), ctx({ id: rehearsalId })));
    expect(badBody.body.error?.fields).toHaveProperty("items");
  });
});

describe("POST /api/v1/rollouts/:id/tiles/test", () => {
  it("reads a SCRAPE source once and answers its value, or the error of an unreachable one; a PUSH tile with no sample says so", async () => {
    const { id } = await makeRollout();
    const call = (body: unknown) => json<{ result: { ok: boolean; value?: number; error?: string } }>(testTileRoute(request("POST", `/api/v1/rollouts/${id}/tiles/test`, { auth: admin.apiToken, body }), ctx({ id })));
    const gauge = await call({ key: "traffic", label: "Traffic", sourceKind: "SCRAPE", sourceUrl: `${target.url}/metrics`, query: "demo_traffic_percent" });
    expect(gauge.status).toBe(200);
    expect(gauge.body.result).toMatchObject({ ok: true, value: 0 });
    const down = await call({ key: "traffic", label: "Traffic", sourceKind: "PROMETHEUS", sourceUrl: "http://127.0.0.1:9/", query: "up" });
    expect(down.body.result.ok).toBe(false);
    expect(down.body.result.error).toBeTruthy();
    const push = await call({ key: "queue_depth", label: "Queue", sourceKind: "PUSH" });
    expect(push.body.result).toMatchObject({ ok: false });
    expect(push.body.result.error).toMatch(/no sample pushed/);
    const bad = await call({ key: "x", label: "X", sourceKind: "SCRAPE" });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields).toHaveProperty("sourceUrl");
  });
});
