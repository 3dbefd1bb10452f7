import { describe, expect, it } from "vitest";
import { describeEvent, describePublicEvent, publicEventKind } from "./describe-event";

const event = (type: string, data: Record<string, unknown>) => ({ type, data });

describe("describePublicEvent", () => {
  it.each([
    ["a tick", event("item.updated", { item: { text: "Backups verified", state: "DONE", note: "secret" }, previousState: "OPEN" }), 'Checklist: "Backups verified" completed'],
    ["a note only", event("item.updated", { item: { text: "Backups verified", state: "DONE", note: "secret" }, previousState: "DONE" }), null],
    ["a sign-off", event("signoff.recorded", { gateName: "Go-live", signature: { decision: "NO_GO", signerRole: "COMMANDER", comment: "secret", signer: { name: "Cole" } } }), "Go-live: NO-GO (COMMANDER)"],
    ["a phase started", event("phase.started", { phase: { name: "Canary", trafficPercent: 10, note: "secret" } }), 'Phase "Canary" (10% traffic) started'],
    ["a phase rolled back", event("phase.rolled_back", { phase: { name: "Half", trafficPercent: 50 } }), 'Phase "Half" (50% traffic) rolled back'],
    ["a phase event with the phase's fields at the top", event("phase.promoted", { name: "Full", trafficPercent: 100 }), 'Phase "Full" (100% traffic) promoted'],
    ["a promotion as phase control records it", event("phase.promoted", { to: { name: "Full", trafficPercent: 100 } }), "Promoted to Full (100% traffic)"],
    ["a rollout event", event("rollout.completed", { by: "secret" }), "Rollout completed"],
    ["an event's own public summary", event("action.run", { publicSummary: "Rollback started", url: "secret" }), "Rollback started"],
    ["an action without one", event("action.run", { url: "https://secret" }), null],
    ["a share link", event("share.created", { label: "secret" }), null],
  ])("%s", (_what, envelope, text) => {
    expect(describePublicEvent(envelope)).toBe(text);
  });

  it("says what an update is about", () => {
    expect(["item.updated", "signoff.recorded", "phase.started", "rollout.created", "share.revoked"].map((type) => publicEventKind({ type }))).toEqual([
      "checklist",
      "signoff",
      "phase",
      "rollout",
      "other",
    ]);
  });
});

describe("describeEvent (the report's timeline)", () => {
  it("describes every event, with who signed and why", () => {
    expect(describeEvent(event("signoff.recorded", { gateName: "Go-live", signature: { decision: "GO", signerRole: "COMMANDER", comment: "green", signer: { name: "Cole" } } }))).toBe(
      "Go-live: GO by Cole (COMMANDER) — “green”",
    );
    expect(describeEvent(event("item.updated", { item: { text: "Backups", state: "OPEN" }, previousState: "OPEN" }))).toBe('Checklist: note on "Backups" cleared');
    expect(describeEvent(event("item.updated", { item: { text: "Backups", state: "OPEN", note: "restored in 4 min" }, previousState: "OPEN" }))).toBe(
      'Checklist: note on "Backups": restored in 4 min',
    );
    expect(describeEvent(event("share.created", { label: "Board" }))).toBe("Stakeholder link “Board” created");
    expect(describeEvent(event("share.revoked", {}))).toBe("Stakeholder link revoked");
    expect(describeEvent(event("metrics.configured", {}))).toBe("metrics.configured");
  });
});
