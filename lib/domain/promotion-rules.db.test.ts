import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { POST as promoteRoute } from "@/app/api/v1/rollouts/[id]/promote/route";
import { POST as startRoute } from "@/app/api/v1/rollouts/[id]/start/route";
import { POST as signRoute } from "@/app/api/v1/gates/[id]/signatures/route";
import { getDb } from "@/lib/db/client";
import type { RunbookDraftInput } from "@/lib/schemas/runbook";
import { listEventsAfter } from "./events";
import { getRolloutState } from "./rollouts";

// The promotion rules through the HTTP API: each blocker answers 409 with the blockers listed; a commander's
// override with a reason goes through and is recorded; a NO_GO is never overridden, whatever the gate's kind.

type User = Awaited<ReturnType<typeof makeUser>>;
let commander: User, admin: User, secondCommander: User;

beforeAll(async () => {
  [commander, admin, secondCommander] = await Promise.all([makeUser("COMMANDER", "Cole"), makeUser("ADMIN", "Ada"), makeUser("COMMANDER", "Bea")]);
});

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const post = (path: string, user: User, body: unknown) =>
  new Request(`http://localhost${path}`, { method: "POST", headers: { authorization: `Bearer ${user.apiToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });

async function call(route: typeof promoteRoute, path: string, id: string, user: User, body: unknown) {
  const response = await route(post(path, user, body), ctx(id));
  return { status: response.status, body: (await response.json()) as { error?: { blockers?: { code: string; overridable: boolean; message: string }[]; fields?: Record<string, string[]> } } };
}
const start = (id: string, body: unknown = {}, user = commander) => call(startRoute, `/api/v1/rollouts/${id}/start`, id, user, body);
const promote = (id: string, body: unknown = {}, user = commander) => call(promoteRoute, `/api/v1/rollouts/${id}/promote`, id, user, body);
const sign = (gateId: string, body: unknown, user = commander) => call(signRoute, `/api/v1/gates/${gateId}/signatures`, gateId, user, body);
const codes = (answer: Awaited<ReturnType<typeof promote>>) => (answer.body.error?.blockers ?? []).map((b) => `${b.code}${b.overridable ? "" : "!"}`);

function runbook(extra: Partial<RunbookDraftInput> = {}): RunbookDraftInput {
  return {
    name: `Rules ${randomUUID().slice(0, 8)}`,
    service: "payments",
    sections: [],
    phases: [
      {
        name: "Canary",
        trafficPercent: 10,
        minDurationMinutes: 30,
        criteria: [{ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, unit: "%", pendingSeconds: 60, description: "Error rate > 1% for 1 minute" }],
      },
      { name: "Full", trafficPercent: 100 },
    ],
    gates: [],
    ...extra,
  };
}

/** A started rollout (no start gates), its Canary ACTIVE since `minutesAgo`, with the given verdict. */
async function running(opts: { minutesAgo: number; verdict: "PASS" | "FAIL" | "INCONCLUSIVE" | null; gates?: RunbookDraftInput["gates"] }) {
  const rollout = await makeRollout(runbook({ gates: opts.gates ?? [] }));
  expect((await start(rollout.id)).status).toBe(200);
  const state = await getRolloutState(rollout.id);
  const [canary, full] = state.phases;
  await getDb().phase.update({ where: { id: canary!.id }, data: { startedAt: new Date(Date.now() - opts.minutesAgo * 60_000), verdict: opts.verdict } });
  return { id: rollout.id, canary: canary!, full: full!, gates: state.gates };
}

describe("promote: 409 with the blockers listed", () => {
  it("while the minimum duration has not run, even with a PASS (the 30-minute canary promoted in 7 seconds)", async () => {
    const r = await running({ minutesAgo: 0, verdict: "PASS" });
    const answer = await promote(r.id);
    expect(answer.status).toBe(409);
    expect(codes(answer)).toEqual(["min_duration"]);
    expect(answer.body.error!.blockers![0]!.message).toMatch(/"Canary" must run 30 min/);
  });

  it.each([
    ["FAIL", "FAIL"],
    ["INCONCLUSIVE", "INCONCLUSIVE"],
    ["not evaluated yet", null],
  ] as const)("while the verdict is %s", async (_what, verdict) => {
    const r = await running({ minutesAgo: 31, verdict });
    const answer = await promote(r.id);
    expect(answer.status).toBe(409);
    expect(codes(answer)).toEqual(["verdict_not_pass"]);
  });

  it.each(["PENDING", "FIRING"] as const)("while a trigger is %s", async (state) => {
    const r = await running({ minutesAgo: 31, verdict: "PASS" });
    await getDb().criterion.updateMany({ where: { phaseId: r.canary.id }, data: { state, stateSince: new Date() } });
    const answer = await promote(r.id);
    expect(answer.status).toBe(409);
    expect(codes(answer)).toEqual(["trigger_active"]);
  });

  it("while a gate of the next phase is not GO", async () => {
    const r = await running({ minutesAgo: 31, verdict: "PASS", gates: [{ kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER"], approverTitles: [], phaseIndex: 1 }] });
    const answer = await promote(r.id);
    expect(answer.status).toBe(409);
    expect(codes(answer)).toEqual(["gate_pending"]);
    expect((await sign(r.gates[0]!.id, { decision: "GO" })).status).toBe(201);
    expect((await promote(r.id)).status).toBe(200);
  });

  it("promotes when nothing blocks", async () => {
    const r = await running({ minutesAgo: 31, verdict: "PASS" });
    expect((await promote(r.id)).status).toBe(200);
  });
});

describe("override with a reason", () => {
  it("goes through every overridable blocker at once, and records the reason and what it waived", async () => {
    const r = await running({ minutesAgo: 1, verdict: "FAIL", gates: [{ kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER"], approverTitles: [], phaseIndex: 1 }] });
    await getDb().criterion.updateMany({ where: { phaseId: r.canary.id }, data: { state: "FIRING", stateSince: new Date() } });
    expect(codes(await promote(r.id))).toEqual(["min_duration", "verdict_not_pass", "trigger_active", "gate_pending"]);
    expect((await promote(r.id, { override: { reason: "" } })).body.error?.fields).toHaveProperty(["override.reason"]);
    expect((await promote(r.id, { override: { reason: "CFO accepted the risk on the bridge" } })).status).toBe(200);
    const promoted = (await listEventsAfter(r.id, 0)).events.find((e) => e.type === "phase.promoted")!;
    expect(promoted.data.override).toMatchObject({ reason: "CFO accepted the risk on the bridge" });
    expect((promoted.data.override as { waived: string[] }).waived).toHaveLength(4);
  });

  it("start before the planned T0 needs a confirmation with a reason, recorded in the event", async () => {
    const rollout = await makeRollout(runbook());
    const t0 = new Date(Date.now() + 3_600_000);
    await getDb().rollout.update({ where: { id: rollout.id }, data: { plannedStartAt: t0 } });
    const refused = await start(rollout.id);
    expect(refused.status).toBe(409);
    expect(codes(refused)).toEqual(["before_planned_start"]);
    expect((await start(rollout.id, { override: { reason: "change window moved up by the CAB" } })).status).toBe(200);
    const started = (await listEventsAfter(rollout.id, 0)).events.find((e) => e.type === "rollout.started")!;
    expect(started.data.earlyStart).toEqual({ reason: "change window moved up by the CAB", plannedStartAt: t0.toISOString() });
  });
});

describe("a NO_GO is never overridden, for every gate kind", () => {
  const kinds = ["PRE_DEPLOYMENT", "GO_LIVE", "GO_NO_GO", "POST_DEPLOYMENT", "CUSTOM"] as const;

  it.each(kinds)("a rollout-level %s gate with a NO_GO blocks the start and every promotion", async (kind) => {
    const rollout = await makeRollout(runbook({ gates: [{ kind, name: `${kind} gate`, requiredRoles: ["COMMANDER"], approverTitles: [] }] }));
    const [gate] = (await getRolloutState(rollout.id)).gates;
    expect((await sign(gate!.id, { decision: "NO_GO", comment: "not ready" })).status).toBe(201);
    const refused = await start(rollout.id, { override: { reason: "trust me" } });
    expect(refused.status).toBe(409);
    expect(codes(refused)).toContain("gate_rejected!");

    // Started while it was GO; a NO_GO since stops promotion, override or not.
    expect((await sign(gate!.id, { decision: "GO" })).status).toBe(201);
    expect((await start(rollout.id)).status).toBe(200);
    expect((await sign(gate!.id, { decision: "NO_GO", comment: "ledger mismatch" })).status).toBe(201);
    const blocked = await promote(rollout.id, { override: { reason: "trust me" } });
    expect(blocked.status).toBe(409);
    expect(codes(blocked)).toContain("gate_rejected!");
  });

  it.each(kinds)("a %s gate on the next phase with a NO_GO blocks entering it", async (kind) => {
    const r = await running({ minutesAgo: 31, verdict: "PASS", gates: [{ kind, name: `${kind} before Full`, requiredRoles: ["COMMANDER"], approverTitles: [], phaseIndex: 1 }] });
    expect((await sign(r.gates[0]!.id, { decision: "NO_GO", comment: "p95 creeping" })).status).toBe(201);
    const blocked = await promote(r.id, { override: { reason: "trust me" } });
    expect(blocked.status).toBe(409);
    expect(codes(blocked)).toEqual(["gate_rejected!"]);
    // Only a later GO for the same approver lifts it.
    expect((await sign(r.gates[0]!.id, { decision: "GO" }, secondCommander)).status).toBe(201);
    expect((await promote(r.id)).status).toBe(200);
  });
});

describe("a gate that names several approvers needs a signature for each", () => {
  const gates: RunbookDraftInput["gates"] = [
    { kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER"], approverTitles: ["Business Owner", "Incident Commander"], phaseIndex: 1 },
  ];

  it("one commander cannot satisfy both; each approver signs, then it is GO", async () => {
    const r = await running({ minutesAgo: 31, verdict: "PASS", gates });
    const gateId = r.gates[0]!.id;
    const unnamed = await sign(gateId, { decision: "GO" });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error?.fields).toHaveProperty("approverTitle");
    expect((await sign(gateId, { decision: "GO", approverTitle: "Chief Wizard" })).status).toBe(400);
    expect((await sign(gateId, { decision: "GO", approverTitle: "Incident Commander" })).status).toBe(201);
    expect(codes(await promote(r.id))).toEqual(["gate_pending"]);
    expect((await sign(gateId, { decision: "GO", approverTitle: "Business Owner" })).status).toBe(409);
    expect((await sign(gateId, { decision: "GO", approverTitle: "Business Owner" }, secondCommander)).status).toBe(201);
    expect((await promote(r.id)).status).toBe(200);
  });

  it("a NO_GO by one approver is lifted only by that approver's later GO", async () => {
    const r = await running({ minutesAgo: 31, verdict: "PASS", gates });
    const gateId = r.gates[0]!.id;
    await sign(gateId, { decision: "GO", approverTitle: "Incident Commander" });
    await sign(gateId, { decision: "NO_GO", approverTitle: "Business Owner", comment: "finance not ready" }, secondCommander);
    expect((await sign(gateId, { decision: "GO", approverTitle: "Incident Commander" })).status).toBe(201);
    expect(codes(await promote(r.id, { override: { reason: "x" } }))).toEqual(["gate_rejected!"]);
    await sign(gateId, { decision: "GO", approverTitle: "Business Owner" }, secondCommander);
    expect((await promote(r.id)).status).toBe(200);
  });

  it("someone outside the gate's roles cannot sign for an approver", async () => {
    const r = await running({ minutesAgo: 31, verdict: "PASS", gates });
    expect((await sign(r.gates[0]!.id, { decision: "GO", approverTitle: "Business Owner" }, admin)).status).toBe(403);
    expect((await getRolloutState(r.id)).gates[0]!.signatures).toHaveLength(0);
  });
});
