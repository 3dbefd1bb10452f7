import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import type { RunbookDraftInput } from "@/lib/schemas/runbook";
import { createActionSchema } from "@/lib/schemas/actions";
import { createAction } from "./action-configs";
import { DomainError } from "./errors";
import { listEventsAfter } from "./events";
import { abortRollout, pausePhase, promotePhase, resumePhase, startRollout } from "./phases";
import { getRolloutState } from "./rollouts";
import { recordSignOff } from "./signoffs";

// Phase control against real Postgres, with the demo target as the system whose traffic flag moves.

type User = Awaited<ReturnType<typeof makeUser>>;
const TOKEN = "phase-target-token";
let target: DemoTarget;
let admin: User, commander: User, engineer: User, viewer: User;

beforeAll(async () => {
  target = await startDemoTarget({ token: TOKEN, badBuildAbovePercent: 100 });
  [admin, commander, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER", "Cole"), makeUser("ENGINEER"), makeUser("VIEWER")]);
});
afterAll(() => target.close());

const runbook = (): RunbookDraftInput => ({
  name: `Phased ${Math.random().toString(36).slice(2, 8)}`,
  service: "checkout",
  sections: [{ title: "Pre-deployment", items: [{ text: "Backups verified" }] }],
  phases: [
    {
      name: "Canary",
      trafficPercent: 10,
      criteria: [{ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, unit: "%", description: "Error rate > 1% for 5 minutes" }],
    },
    { name: "Half", trafficPercent: 50 },
  ],
  gates: [
    { kind: "GO_LIVE", name: "Go-live authorization", requiredRoles: ["COMMANDER"] },
    { kind: "GO_NO_GO", name: "Go/no-go: Half", requiredRoles: ["COMMANDER", "ADMIN"], phaseIndex: 1 },
  ],
});

async function setup(opts: { traffic?: boolean } = {}) {
  const rollout = await makeRollout(runbook());
  const state = await getRolloutState(rollout.id);
  const gate = (kind: string) => state.gates.find((g) => g.kind === kind)!;
  if (opts.traffic) {
    await createAction(
      admin.principal,
      rollout.id,
      createActionSchema.parse({
        kind: "SET_TRAFFIC",
        name: "Set traffic",
        url: `${target.url}/api/admin/feature-flags`,
        headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }],
        bodyTemplate: '{"percentage": {{percentage}}, "reason": "{{reason}}"}',
        allowedRoles: ["COMMANDER"],
      }),
    );
  }
  return { id: rollout.id, state, goLive: gate("GO_LIVE"), half: gate("GO_NO_GO"), canary: state.phases[0]!, halfPhase: state.phases[1]! };
}

async function blockersOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).status).toBe(409);
  return ((error as DomainError).details?.blockers as { code: string; overridable: boolean }[]).map((b) => `${b.code}:${b.overridable}`);
}

describe("startRollout", () => {
  it("waits for the go-live authorization, then starts the first phase and sets its traffic", async () => {
    const r = await setup({ traffic: true });
    expect(await blockersOf(startRollout(commander.principal, r.id, {}))).toEqual(["gate_pending:true"]);
    await recordSignOff(commander.principal, r.goLive.id, { decision: "GO", trafficPercent: 10 });
    const started = await startRollout(commander.principal, r.id, {});
    expect(started.rollout.status).toBe("ACTIVE");
    expect(started.phases).toMatchObject([{ id: r.canary.id, status: "ACTIVE" }]);
    expect(started.trafficRun).toMatchObject({ status: "SUCCEEDED", params: { percentage: 10 }, idempotencyKey: `phase:${r.canary.id}` });
    expect(target.state().trafficPercent).toBe(10);
    const { events } = await listEventsAfter(r.id, 0);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["rollout.started", "action.run.started", "action.run.finished"]));
    await expect(startRollout(commander.principal, r.id, {})).rejects.toMatchObject({ status: 409 });
  });

  it("holds the first phase to the initial traffic % the go-live authorization names", async () => {
    const r = await setup();
    await recordSignOff(commander.principal, r.goLive.id, { decision: "GO", trafficPercent: 5 });
    expect(await blockersOf(startRollout(commander.principal, r.id, {}))).toEqual(["traffic_not_authorized:true"]);
  });

  it("starts on an override with a reason, recorded in the event; engineers and viewers get 403", async () => {
    const r = await setup();
    await expect(startRollout(engineer.principal, r.id, { override: { reason: "x" } })).rejects.toMatchObject({ status: 403 });
    await expect(startRollout(viewer.principal, r.id, {})).rejects.toMatchObject({ status: 403 });
    await startRollout(commander.principal, r.id, { override: { reason: "business owner approved by phone" } });
    const { events } = await listEventsAfter(r.id, 0);
    expect(events.find((e) => e.type === "rollout.started")!.data.override).toEqual({
      reason: "business owner approved by phone",
      waived: ['"Go-live authorization" is not signed GO (missing Incident commander)'],
    });
  });

  it("refuses, before changing anything, a commander who may not run the traffic action", async () => {
    const r = await setup();
    await createAction(
      admin.principal,
      r.id,
      createActionSchema.parse({ kind: "SET_TRAFFIC", name: "Admin traffic", url: `${target.url}/api/admin/feature-flags`, bodyTemplate: '{"percentage": {{percentage}}}', allowedRoles: ["ADMIN"] }),
    );
    await expect(startRollout(commander.principal, r.id, { override: { reason: "x" } })).rejects.toMatchObject({ status: 403 });
    expect((await getRolloutState(r.id)).rollout.status).toBe("DRAFT");
  });
});

describe("promotePhase", () => {
  async function started(opts: { traffic?: boolean } = {}) {
    const r = await setup(opts);
    await recordSignOff(commander.principal, r.goLive.id, { decision: "GO" });
    await startRollout(commander.principal, r.id, {});
    // The evaluator's verdict (promotion-rules.db.test.ts covers promoting without one).
    await passing(r.canary.id);
    return r;
  }
  const passing = (phaseId: string) => getDb().phase.update({ where: { id: phaseId }, data: { verdict: "PASS", verdictAt: new Date() } });

  it("needs every role of the next phase's go/no-go, then promotes and moves the traffic flag", async () => {
    const r = await started({ traffic: true });
    expect(await blockersOf(promotePhase(commander.principal, r.id, {}))).toEqual(["gate_pending:true"]);
    await recordSignOff(commander.principal, r.half.id, { decision: "GO" });
    expect(await blockersOf(promotePhase(commander.principal, r.id, {}))).toEqual(["gate_pending:true"]);
    await recordSignOff(admin.principal, r.half.id, { decision: "GO" });
    const promoted = await promotePhase(commander.principal, r.id, { toPhaseId: r.halfPhase.id });
    expect(promoted.phases.map((p) => [p.name, p.status])).toEqual([
      ["Canary", "PASSED"],
      ["Half", "ACTIVE"],
    ]);
    expect(promoted.trafficRun).toMatchObject({ status: "SUCCEEDED", params: { percentage: 50 } });
    expect(target.state().trafficPercent).toBe(50);
    const { events } = await listEventsAfter(r.id, 0);
    expect(events.find((e) => e.type === "phase.promoted")!.data).toMatchObject({ from: { name: "Canary" }, to: { name: "Half", trafficPercent: 50 }, rollout: { status: "ACTIVE" } });
  });

  it("never overrides a NO_GO", async () => {
    const r = await started();
    await recordSignOff(admin.principal, r.half.id, { decision: "NO_GO", comment: "p95 creeping" });
    expect(await blockersOf(promotePhase(commander.principal, r.id, { override: { reason: "trust me" } }))).toEqual(["gate_rejected:false"]);
  });

  it("is blocked by a firing rollback trigger unless overridden with a reason", async () => {
    const r = await started();
    await recordSignOff(commander.principal, r.half.id, { decision: "GO" });
    await recordSignOff(admin.principal, r.half.id, { decision: "GO" });
    await getDb().criterion.updateMany({ where: { phaseId: r.canary.id }, data: { state: "FIRING" } });
    expect(await blockersOf(promotePhase(commander.principal, r.id, {}))).toEqual(["trigger_active:true"]);
    await promotePhase(commander.principal, r.id, { override: { reason: "known noisy metric, checked by hand" } });
    const { events } = await listEventsAfter(r.id, 0);
    expect(events.find((e) => e.type === "phase.promoted")!.data.override).toEqual({
      reason: "known noisy metric, checked by hand",
      waived: ["Firing in Canary: Error rate > 1% for 5 minutes"],
    });
  });

  it("promotes once when two commanders click at once; the stale one gets 409", async () => {
    const r = await started();
    await recordSignOff(commander.principal, r.half.id, { decision: "GO" });
    await recordSignOff(admin.principal, r.half.id, { decision: "GO" });
    const results = await Promise.allSettled([
      promotePhase(commander.principal, r.id, { toPhaseId: r.halfPhase.id }),
      promotePhase(admin.principal, r.id, { toPhaseId: r.halfPhase.id }),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(((results.find((x) => x.status === "rejected") as PromiseRejectedResult).reason as DomainError).status).toBe(409);
    // After the last phase, promoting completes the rollout.
    await passing(r.halfPhase.id);
    const done = await promotePhase(commander.principal, r.id, {});
    expect(done.rollout.status).toBe("COMPLETED");
    expect(done.phases).toMatchObject([{ name: "Half", status: "PASSED" }]);
  });
});

describe("pause, resume, abort", () => {
  it("pauses and resumes the running phase, refuses promotion while paused, and aborts for good", async () => {
    const r = await setup();
    await expect(pausePhase(commander.principal, r.id, {})).rejects.toMatchObject({ status: 409 });
    await startRollout(commander.principal, r.id, { override: { reason: "test" } });
    const paused = await pausePhase(commander.principal, r.id, { reason: "waiting for the DBA" });
    expect([paused.rollout.status, paused.phases[0]!.status]).toEqual(["PAUSED", "PAUSED"]);
    await expect(promotePhase(commander.principal, r.id, { override: { reason: "x" } })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("resume") });
    await expect(resumePhase(engineer.principal, r.id, {})).rejects.toMatchObject({ status: 403 });
    const resumed = await resumePhase(commander.principal, r.id, {});
    expect([resumed.rollout.status, resumed.phases[0]!.status]).toEqual(["ACTIVE", "ACTIVE"]);
    await expect(abortRollout(viewer.principal, r.id, { reason: "x" })).rejects.toMatchObject({ status: 403 });
    const aborted = await abortRollout(commander.principal, r.id, { reason: "ledger mismatch" });
    expect(aborted.rollout.status).toBe("ABORTED");
    expect(aborted.phases.map((p) => [p.name, p.status])).toEqual([
      ["Canary", "FAILED"],
      ["Half", "SKIPPED"],
    ]);
    await expect(resumePhase(commander.principal, r.id, {})).rejects.toMatchObject({ status: 409 });
    const { events } = await listEventsAfter(r.id, 0);
    expect(events.map((e) => e.type).filter((t) => t.startsWith("phase.") || t.startsWith("rollout."))).toEqual([
      "rollout.created",
      "rollout.started",
      "phase.paused",
      "phase.resumed",
      "rollout.aborted",
    ]);
  });

  it("answers an unknown rollout with 404", async () => {
    await expect(startRollout(commander.principal, "no-such-rollout", {})).rejects.toMatchObject({ status: 404 });
  });
});
