import { describe, expect, it } from "vitest";
import type { RolloutState } from "@/lib/domain/rollouts";
import { describePublicEvent, describeEvent } from "@/lib/domain/describe-event";
import type { EventEnvelope } from "@/lib/schemas/events";
import { applyRolloutEvent } from "./apply-event";

const phase = (id: string, name: string, trafficPercent: number, status: string) => ({ id, name, trafficPercent, status, position: 0, criteria: [] });
const run = (id: string, status: string, createdAt: string, kind = "ROLLBACK") => ({ id, status, createdAt, responseStatus: status === "SUCCEEDED" ? 200 : null, params: {}, action: { id: "a1", name: "Rollback", kind } });

const state = {
  lastSeq: 10,
  rollout: { id: "r1", status: "ACTIVE", lastSeq: 10 },
  phases: [phase("p1", "Canary", 10, "ACTIVE"), phase("p2", "Half", 50, "PENDING")],
  actions: [{ id: "a1", kind: "ROLLBACK", name: "Rollback", allowedRoles: ["COMMANDER"], requiresSecondApprover: false, approvalWindowMinutes: 10 }],
  actionRuns: [run("old", "SUCCEEDED", "2026-11-25T10:00:00.000Z")],
  items: [],
  gates: [],
} as unknown as RolloutState;

const envelope = (seq: number, type: string, data: Record<string, unknown>): EventEnvelope => ({ rolloutId: "r1", seq, type, at: "2026-11-25T12:00:00.000Z", actor: { id: "u1", name: "Cole" }, data });

describe("applyRolloutEvent", () => {
  it("applies a promotion: the rollout and the changed phases", () => {
    const next = applyRolloutEvent(
      state,
      envelope(11, "phase.promoted", { from: { id: "p1", name: "Canary", trafficPercent: 10 }, to: { id: "p2", name: "Half", trafficPercent: 50 }, rollout: { id: "r1", status: "ACTIVE", lastSeq: 10 }, phases: [phase("p1", "Canary", 10, "PASSED"), phase("p2", "Half", 50, "ACTIVE")] }),
    )!;
    expect(next.phases.map((p) => p.status)).toEqual(["PASSED", "ACTIVE"]);
    expect(next.lastSeq).toBe(11);
    expect(next.rollout.lastSeq).toBe(11);
  });

  it("adds a new run first, updates it in place, and applies the rollback's rollout change", () => {
    const started = applyRolloutEvent(state, envelope(11, "action.run.started", { run: run("new", "RUNNING", "2026-11-25T12:00:00.000Z") }))!;
    expect(started.actionRuns.map((r) => [r.id, r.status])).toEqual([
      ["new", "RUNNING"],
      ["old", "SUCCEEDED"],
    ]);
    const finished = applyRolloutEvent(
      started,
      envelope(12, "action.run.finished", { run: run("new", "SUCCEEDED", "2026-11-25T12:00:00.000Z"), rollout: { id: "r1", status: "ROLLED_BACK", lastSeq: 11 }, phases: [phase("p1", "Canary", 10, "ROLLED_BACK")] }),
    )!;
    expect(finished.actionRuns[0]).toMatchObject({ id: "new", status: "SUCCEEDED" });
    expect(finished.rollout).toMatchObject({ status: "ROLLED_BACK", lastSeq: 12 });
    expect(finished.phases[0]!.status).toBe("ROLLED_BACK");
  });

  it("keeps the action list in step and asks for a refetch for what it does not know", () => {
    const deleted = applyRolloutEvent(state, envelope(11, "action.deleted", { actionId: "a1", name: "Rollback" }))!;
    expect(deleted.actions).toEqual([]);
    expect(applyRolloutEvent(state, envelope(11, "phase.promoted", {}))).toBeNull();
    expect(applyRolloutEvent(state, envelope(11, "something.new", {}))).toBeNull();
  });
});

describe("describePublicEvent", () => {
  it("says what happened in plain words, without action names, outcomes or override reasons", () => {
    const change = { rollout: { id: "r1", status: "ACTIVE" }, phases: [] };
    expect(describePublicEvent(envelope(1, "phase.promoted", { from: { id: "p1", name: "Canary", trafficPercent: 10 }, to: { id: "p2", name: "Half", trafficPercent: 50 }, ...change }))).toBe(
      "Promoted to Half (50% traffic)",
    );
    expect(describePublicEvent(envelope(1, "rollout.started", { phase: { id: "p1", name: "Canary", trafficPercent: 10 }, override: { reason: "approved by phone", waived: [] }, ...change }))).toBe(
      "Rollout started: Canary (10% traffic)",
    );
    expect(describePublicEvent(envelope(1, "action.run.finished", { run: run("x", "SUCCEEDED", "t"), rollout: { status: "ROLLED_BACK" }, phases: [] }))).toBe("Rolled back to the previous version");
    expect(describePublicEvent(envelope(1, "action.run.finished", { run: run("x", "FAILED", "t") }))).toBeNull();
    expect(describeEvent(envelope(1, "action.run.finished", { run: run("x", "FAILED", "t") }))).toBe("Rollback failed (target unreachable or timed out)");
    const traffic = { ...run("x", "RUNNING", "t", "SET_TRAFFIC"), action: { name: "Set traffic", kind: "SET_TRAFFIC" }, params: { percentage: 50 } };
    expect(describePublicEvent(envelope(1, "action.run.started", { run: traffic }))).toBeNull();
    expect(describeEvent(envelope(1, "action.run.started", { run: traffic }))).toBe("Set traffic (traffic to 50%) started");
    expect(describePublicEvent(envelope(1, "action.created", { action: { name: "Rollback" } }))).toBeNull();
    expect(describeEvent(envelope(1, "action.created", { action: { name: "Rollback" } }))).toBe("Action “Rollback” configured");
    expect(describePublicEvent(envelope(1, "rollout.aborted", { phase: null, reason: "ledger mismatch", ...change }))).toBe("Rollout aborted");
    expect(describeEvent(envelope(1, "rollout.aborted", { phase: null, reason: "ledger mismatch", ...change }))).toBe("Rollout aborted: ledger mismatch");
  });
});
