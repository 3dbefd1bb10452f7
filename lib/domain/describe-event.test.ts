import { describe, expect, it } from "vitest";
import { describeEvent, describePublicEvent, publicEventKind } from "./describe-event";

const event = (type: string, data: Record<string, unknown>) => ({ type, data });
const phase = (name: string, trafficPercent: number) => ({ id: name.toLowerCase(), name, trafficPercent });
const change = { rollout: { id: "r1", status: "ACTIVE" }, phases: [] };
const run = (status: string, rollout?: object) =>
  event("action.run.finished", { run: { status, responseStatus: status === "FAILED" ? 503 : 200, params: null, action: { name: "Payments rollback", kind: "ROLLBACK" } }, ...(rollout ? { rollout, phases: [] } : {}) });

describe("describePublicEvent", () => {
  it.each([
    ["a tick", event("item.updated", { item: { text: "Backups verified", state: "DONE", note: "secret" }, previousState: "OPEN" }), 'Checklist: "Backups verified" completed'],
    ["a note only", event("item.updated", { item: { text: "Backups verified", state: "DONE", note: "secret" }, previousState: "DONE" }), null],
    ["a sign-off", event("signoff.recorded", { gateId: "g", gateName: "Go-live", gateState: "REJECTED", signature: { decision: "NO_GO", signerRole: "COMMANDER", comment: "secret", signer: { name: "Cole" } } }), "Go-live: NO-GO (Incident commander)"],
    ["a start", event("rollout.started", { phase: phase("Canary", 10), override: { reason: "secret", waived: [] }, ...change }), "Rollout started: Canary (10% traffic)"],
    ["a promotion", event("phase.promoted", { from: phase("Canary", 10), to: phase("Full", 100), ...change }), "Promoted to Full (100% traffic)"],
    ["a completion", event("rollout.completed", { from: phase("Full", 100), ...change }), "Rollout completed"],
    ["a successful rollback, without the action's name", run("SUCCEEDED", { id: "r1", status: "ROLLED_BACK" }), "Rolled back to the previous version"],
    ["a failed action: not for stakeholders", run("FAILED"), null],
    ["a verdict, by its public summary", event("phase.verdict", { phaseId: "p", phaseName: "Canary", verdict: "FAIL", previous: null, verdictAt: "2026-12-01T00:00:00Z", reasons: ["trigger-fired"], results: [], publicSummary: "Canary: verdict FAIL" }), "Canary: verdict FAIL"],
    ["a type this build does not know", event("phase.started", { publicSummary: "secret" }), null],
    ["a payload that does not fit its type", event("rollout.started", { phase: "secret" }), null],
    ["a share link", event("share.created", { shareTokenId: "s", label: "secret", expiresAt: null }), null],
  ])("%s", (_what, envelope, text) => {
    expect(describePublicEvent(envelope)).toBe(text);
  });

  it("says what an update is about", () => {
    expect(["item.updated", "signoff.recorded", "phase.promoted", "rollout.created", "share.revoked"].map((type) => publicEventKind({ type }))).toEqual([
      "checklist",
      "signoff",
      "phase",
      "rollout",
      "other",
    ]);
  });
});

describe("describeEvent (the report's timeline)", () => {
  it("describes every event, with who signed, why, and which action ran", () => {
    expect(
      describeEvent(event("signoff.recorded", { gateId: "g", gateName: "Go-live", gateState: "APPROVED", signature: { decision: "GO", signerRole: "COMMANDER", comment: "green", signer: { name: "Cole" } } })),
    ).toBe("Go-live: GO by Cole (Incident commander) — “green”");
    expect(describeEvent(event("item.updated", { item: { text: "Backups", state: "OPEN" }, previousState: "OPEN" }))).toBe('Checklist: note on "Backups" cleared');
    expect(describeEvent(event("item.updated", { item: { text: "Backups", state: "OPEN", note: "restored in 4 min" }, previousState: "OPEN" }))).toBe(
      'Checklist: note on "Backups": restored in 4 min',
    );
    expect(describeEvent(event("phase.promoted", { from: phase("Canary", 10), to: phase("Full", 100), override: { reason: "CFO approved by phone", waived: [] }, ...change }))).toBe(
      "Promoted to Full (100% traffic) — gate overridden: CFO approved by phone",
    );
    expect(describeEvent(run("FAILED"))).toBe("Payments rollback failed (HTTP 503)");
    expect(describeEvent(event("share.created", { shareTokenId: "s", label: "Board", expiresAt: null }))).toBe("Stakeholder link “Board” created");
    expect(describeEvent(event("share.revoked", { shareTokenId: "s" }))).toBe("Stakeholder link revoked");
    expect(describeEvent(event("metrics.configured", {}))).toBe("metrics.configured");
  });
});
