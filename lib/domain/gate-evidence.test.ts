import { describe, expect, it } from "vitest";
import { gateEvidence } from "./gate-evidence";

const sections = [
  { id: "pre", parentId: null, title: "📋 PRE-DEPLOYMENT PHASE (T-24 Hours)", position: 0 },
  { id: "pre-infra", parentId: "pre", title: "Infrastructure", position: 1 },
  { id: "deploy", parentId: null, title: "Deployment (T-0)", position: 2 },
  { id: "post", parentId: null, title: "Post-deployment (T+15m)", position: 3 },
  { id: "contacts", parentId: null, title: "Emergency contacts", position: 4 },
];
const items = [
  { sectionId: "pre", state: "DONE" },
  { sectionId: "pre-infra", state: "OPEN" },
  { sectionId: "pre-infra", state: "SKIPPED" },
  { sectionId: "deploy", state: "OPEN" },
  { sectionId: "post", state: "DONE" },
  { sectionId: "contacts", state: "OPEN" },
];
const criterion = (id: string, state: string) => ({ id, kind: "ROLLBACK_TRIGGER", description: id, state, lastValue: 1.5, unit: "%", lastEvaluatedAt: null });
const phases = [
  { id: "canary", name: "Canary", position: 0, status: "ACTIVE", verdict: "PASS", criteria: [criterion("canary-errors", "FIRING")] },
  { id: "half", name: "Half", position: 1, status: "PENDING", verdict: null, criteria: [criterion("half-latency", "NORMAL")] },
];
const state = { sections, items, phases };

describe("gateEvidence", () => {
  it("counts the pre-deployment sections (with their sub-sections) for a pre-deployment gate", () => {
    const evidence = gateEvidence({ kind: "PRE_DEPLOYMENT", phaseId: null }, state);
    expect(evidence.checklist).toEqual({ scope: "sections", done: 2, total: 3, sections: [{ id: "pre", title: sections[0]!.title, done: 2, total: 3 }] });
  });

  it("adds the deployment sections for go-live, and the post-deployment ones for its own gate", () => {
    expect(gateEvidence({ kind: "GO_LIVE", phaseId: null }, state).checklist.sections.map((s) => s.id)).toEqual(["pre", "deploy"]);
    expect(gateEvidence({ kind: "POST_DEPLOYMENT", phaseId: null }, state).checklist.sections.map((s) => s.id)).toEqual(["post"]);
  });

  it("falls back to the whole checklist when no title matches", () => {
    expect(gateEvidence({ kind: "CUSTOM", phaseId: null }, state).checklist).toEqual({ scope: "whole", done: 3, total: 6, sections: [] });
  });

  it("judges a go/no-go into a phase on the phase before it", () => {
    const evidence = gateEvidence({ kind: "GO_NO_GO", phaseId: "half" }, state);
    expect(evidence.phase).toEqual({ id: "canary", name: "Canary", verdict: "PASS" });
    expect(evidence.criteria).toMatchObject([{ id: "canary-errors", state: "FIRING", lastValue: 1.5 }]);
    expect(gateEvidence({ kind: "GO_NO_GO", phaseId: "canary" }, state).phase).toBeNull();
  });
});
