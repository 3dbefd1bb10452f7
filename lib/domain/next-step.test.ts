import { describe, expect, it } from "vitest";
import { nextStepOf } from "./next-step";

const phase = (name: string, trafficPercent: number, status = "PENDING", startedAt: string | null = null, minDurationMinutes = 30) => ({
  id: name,
  name,
  trafficPercent,
  minDurationMinutes,
  status,
  startedAt,
});
const T0 = "2026-12-01T12:00:00.000Z";
const base = { rolloutStatus: "DRAFT", plannedStartAt: T0, gates: [], nextDueItem: null };

describe("nextStepOf", () => {
  it("before go-live: the first phase at T0, waiting for the go-live authorization", () => {
    const step = nextStepOf({
      ...base,
      phases: [phase("Shadow", 0), phase("Canary", 10)],
      gates: [
        { name: "Pre-deployment approval", kind: "PRE_DEPLOYMENT", phaseId: null, state: "APPROVED" },
        { name: "Go-live authorization", kind: "GO_LIVE", phaseId: null, state: "PENDING" },
      ],
    });
    expect(step).toEqual({ label: "Go live: Shadow (0% traffic)", plannedAt: T0, awaiting: "Go-live authorization" });
  });

  it("during a phase: the next one, not before the current one has run its minimum duration", () => {
    const step = nextStepOf({
      ...base,
      rolloutStatus: "ACTIVE",
      phases: [phase("Shadow", 0, "PASSED"), phase("Canary", 10, "ACTIVE", "2026-12-01T12:40:00.000Z", 60), phase("Half", 50)],
      gates: [{ name: "Go/no-go: Half", kind: "GO_NO_GO", phaseId: "Half", state: "PENDING" }],
    });
    expect(step).toEqual({ label: "Half (50% traffic)", plannedAt: "2026-12-01T13:40:00.000Z", awaiting: "Go/no-go: Half" });
  });

  it("in the last phase: completing the rollout", () => {
    const step = nextStepOf({ ...base, rolloutStatus: "ACTIVE", phases: [phase("Full", 100, "ACTIVE", "2026-12-01T14:00:00.000Z", 1440)] });
    expect(step).toEqual({ label: "Complete the rollout", plannedAt: "2026-12-02T14:00:00.000Z", awaiting: null });
  });

  it("a paused phase: resuming it, when a person decides", () => {
    expect(nextStepOf({ ...base, rolloutStatus: "PAUSED", phases: [phase("Canary", 10, "PAUSED", T0)] })).toEqual({ label: "Resume Canary (10% traffic)", plannedAt: null, awaiting: null });
  });

  it("between phases: the next one, with no time", () => {
    const step = nextStepOf({ ...base, rolloutStatus: "ACTIVE", phases: [phase("Canary", 10, "PASSED", T0), phase("Full", 100)] });
    expect(step).toEqual({ label: "Full (100% traffic)", plannedAt: null, awaiting: null });
  });

  it("without phases: the next open item that has a due time", () => {
    expect(nextStepOf({ ...base, phases: [], nextDueItem: { text: "Flip the flag", dueOffsetMinutes: 15 } })).toEqual({ label: "Flip the flag", plannedAt: "2026-12-01T12:15:00.000Z", awaiting: null });
    expect(nextStepOf({ ...base, plannedStartAt: null, phases: [], nextDueItem: { text: "Flip the flag", dueOffsetMinutes: 15 } })?.plannedAt).toBeNull();
    expect(nextStepOf({ ...base, phases: [], nextDueItem: null })).toBeNull();
  });

  it("nothing once the rollout is over", () => {
    for (const rolloutStatus of ["COMPLETED", "ROLLED_BACK", "ABORTED"]) expect(nextStepOf({ ...base, rolloutStatus, phases: [phase("Full", 100)] })).toBeNull();
    expect(nextStepOf({ ...base, rolloutStatus: "ACTIVE", phases: [phase("Full", 100, "PASSED")] })).toBeNull();
  });
});
