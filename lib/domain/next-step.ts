// Pure: what a stakeholder is told comes next, and when. Phases drive it, since that is what "are we live, when
// is the next step" means:
// - before go-live: starting the first phase, planned at the rollout's T0 (plannedStartAt);
// - during a phase: the next phase, not before the current one has run its minimum duration
//   (startedAt + minDurationMinutes); the last phase is followed by completing the rollout, planned the same way;
// - a paused phase: resuming it, with no time (a person decides);
// - between phases (one ended, the next not started): the next phase, with no time;
// - a rollout without phases: its next open checklist item that has a due time, planned at T0 + its offset.
// - never a promotion while a trigger of the running phase is Pending or Firing, or its verdict is FAIL: then the
//   next step is the team's decision (hold or roll back), with no time;
// `awaiting` names the sign-off gate still pending before that step (the gate guarding the next phase, or the
// go-live authorization before the first one).

export type NextStep = { label: string; plannedAt: string | null; awaiting: string | null };

type PhaseLike = {
  id: string;
  name: string;
  trafficPercent: number;
  minDurationMinutes: number;
  status: string;
  startedAt: string | Date | null;
  verdict?: string | null;
};
type GateLike = { name: string; kind: string; phaseId: string | null; state: "APPROVED" | "REJECTED" | "PENDING" };
type ItemLike = { text: string; dueOffsetMinutes: number | null };

const FINISHED = new Set(["COMPLETED", "ROLLED_BACK", "ABORTED"]);

const iso = (ms: number) => new Date(ms).toISOString();
const at = (value: string | Date | null) => (value === null ? null : new Date(value).getTime());

export function nextStepOf(input: {
  rolloutStatus: string;
  plannedStartAt: string | Date | null;
  /** In position order. */
  phases: PhaseLike[];
  gates: GateLike[];
  /** The open item with the earliest due time, when the rollout has no phases. */
  nextDueItem: ItemLike | null;
  /** Rollback triggers with their phase. */
  triggers?: { phaseId: string; state: string }[];
}): NextStep | null {
  const { phases, gates } = input;
  if (FINISHED.has(input.rolloutStatus)) return null;
  const pendingGate = (match: (g: GateLike) => boolean) => gates.find((g) => g.state !== "APPROVED" && match(g))?.name ?? null;
  const describe = (p: PhaseLike) => `${p.name} (${p.trafficPercent}% traffic)`;

  if (phases.length === 0) {
    const item = input.nextDueItem;
    if (!item || item.dueOffsetMinutes === null) return null;
    const t0 = at(input.plannedStartAt);
    return { label: item.text, plannedAt: t0 === null ? null : iso(t0 + item.dueOffsetMinutes * 60_000), awaiting: null };
  }

  const currentIndex = phases.findIndex((p) => p.status === "ACTIVE" || p.status === "PAUSED");
  if (currentIndex >= 0) {
    const current = phases[currentIndex]!;
    if (current.status === "PAUSED") return { label: `Resume ${describe(current)}`, plannedAt: null, awaiting: null };
    const alarm = (input.triggers ?? []).some((t) => t.phaseId === current.id && (t.state === "PENDING" || t.state === "FIRING"));
    if (alarm || current.verdict === "FAIL") return { label: "The team decides: hold or roll back", plannedAt: null, awaiting: null };
    const started = at(current.startedAt);
    const plannedAt = started === null ? null : iso(started + current.minDurationMinutes * 60_000);
    const next = phases.slice(currentIndex + 1).find((p) => p.status === "PENDING");
    if (!next) return { label: "Complete the rollout", plannedAt, awaiting: pendingGate((g) => g.kind === "POST_DEPLOYMENT") };
    return { label: describe(next), plannedAt, awaiting: pendingGate((g) => g.phaseId === next.id) };
  }

  const nextIndex = phases.findIndex((p) => p.status === "PENDING");
  if (nextIndex < 0) return null;
  const next = phases[nextIndex]!;
  if (nextIndex === 0) {
    const t0 = at(input.plannedStartAt);
    return {
      label: `Go live: ${describe(next)}`,
      plannedAt: t0 === null ? null : iso(t0),
      awaiting: pendingGate((g) => g.phaseId === next.id) ?? pendingGate((g) => g.kind === "GO_LIVE"),
    };
  }
  return { label: describe(next), plannedAt: null, awaiting: pendingGate((g) => g.phaseId === next.id) };
}
