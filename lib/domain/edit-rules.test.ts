import { describe, expect, it } from "vitest";
import { checklistDeleteBlocker, gateEditBlocker, gateRemoveBlocker, phaseEditBlocker, planLockedReason, UNDO_WINDOW_MS, undoBlocker } from "./edit-rules";

const draft = { status: "DRAFT" };
const active = { status: "ACTIVE" };
const phase = (status: string) => ({ status, name: "Canary" });

describe("edit rules", () => {
  it("locks an archived or ended rollout's plan", () => {
    expect(planLockedReason({ status: "DRAFT", archivedAt: null })).toBeNull();
    expect(planLockedReason({ status: "ACTIVE", archivedAt: null })).toBeNull();
    expect(planLockedReason({ status: "DRAFT", archivedAt: "2026-12-01T00:00:00Z" })).toMatch(/archived/);
    for (const status of ["COMPLETED", "ROLLED_BACK", "ABORTED"]) expect(planLockedReason({ status, archivedAt: null })).toMatch(/ended/);
  });

  it("phases: reorder only before start; the running phase keeps its traffic and stays; finished phases are history", () => {
    expect(phaseEditBlocker(draft, phase("PENDING"), "move")).toBeNull();
    expect(phaseEditBlocker(active, phase("PENDING"), "move")).toMatch(/before the rollout starts/);
    expect(phaseEditBlocker(active, phase("ACTIVE"), "remove")).toMatch(/active phase cannot be removed/);
    expect(phaseEditBlocker(active, phase("PAUSED"), "traffic")).toMatch(/traffic/);
    expect(phaseEditBlocker(active, phase("ACTIVE"), "duration")).toBeNull();
    expect(phaseEditBlocker(active, phase("ACTIVE"), "criteria")).toBeNull();
    expect(phaseEditBlocker(active, phase("PASSED"), "criteria")).toMatch(/record/);
    expect(phaseEditBlocker(active, phase("PENDING"), "remove")).toBeNull();
  });

  it("gates: frozen once their step is taken; never removed with signatures", () => {
    const goLive = { name: "Go-live", kind: "GO_LIVE", phaseId: null };
    expect(gateEditBlocker(draft, goLive, null)).toBeNull();
    expect(gateEditBlocker(active, goLive, null)).toMatch(/taken/);
    expect(gateEditBlocker(active, { name: "After", kind: "POST_DEPLOYMENT", phaseId: null }, null)).toBeNull();
    const phaseGate = { name: "Go to half", kind: "GO_NO_GO", phaseId: "p2" };
    expect(gateEditBlocker(active, phaseGate, phase("PENDING"))).toBeNull();
    expect(gateEditBlocker(active, phaseGate, phase("ACTIVE"))).toMatch(/taken/);
    expect(gateRemoveBlocker(draft, goLive, null, 1)).toMatch(/signatures/);
  });

  it("ticked items are kept after start; undo within its window, once", () => {
    expect(checklistDeleteBlocker(draft, "x", 3)).toBeNull();
    expect(checklistDeleteBlocker(active, "x", 0)).toBeNull();
    expect(checklistDeleteBlocker(active, "x", 1)).toMatch(/ticked item/);
    const now = new Date("2026-12-01T12:00:00Z");
    expect(undoBlocker(new Date(now.getTime() - UNDO_WINDOW_MS + 1000), now, false)).toBeNull();
    expect(undoBlocker(new Date(now.getTime() - UNDO_WINDOW_MS - 1000), now, false)).toMatch(/minutes/);
    expect(undoBlocker(now, now, true)).toMatch(/already/);
  });
});
