// Pure: what a rehearsal measured against its plan. T0 of a rehearsal is when it started; an item's actual time is
// when it was ticked, relative to that; a phase's actual duration is from its start to its end; a gate waited from
// when it became the thing to sign (the rehearsal's creation for start gates, the previous phase's start for a
// phase's gate) until every required role had signed GO.

type Sig = { decision: string; signerRole: string; createdAt: string };
type ItemIn = { id: string; text: string; sectionTitle: string; dueOffsetMinutes: number | null; state: string; checkedAt: string | null; copiedFromId: string | null };
type PhaseIn = { id: string; name: string; position: number; minDurationMinutes: number; startedAt: string | null; endedAt: string | null; status: string };
type GateIn = { id: string; name: string; phaseId: string | null; requiredRoles: string[]; signatures: Sig[] };
type RehearsalIn = { createdAt: string; startedAt: string | null; endedAt: string | null; status: string };

const minutesBetween = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

export function buildRehearsalReport(input: { rollout: RehearsalIn; items: ItemIn[]; phases: PhaseIn[]; gates: GateIn[] }) {
  const t0 = input.rollout.startedAt;
  const items = input.items.map((item) => {
    const actual = t0 && item.checkedAt && item.state === "DONE" ? round1(minutesBetween(t0, item.checkedAt)) : null;
    const late = actual !== null && item.dueOffsetMinutes !== null ? round1(actual - item.dueOffsetMinutes) : null;
    return {
      itemId: item.id,
      copiedFromId: item.copiedFromId,
      text: item.text,
      section: item.sectionTitle,
      state: item.state,
      plannedOffsetMinutes: item.dueOffsetMinutes,
      actualOffsetMinutes: actual,
      lateByMinutes: late,
      late: late !== null && late > 0,
    };
  });
  const phases = [...input.phases]
    .sort((a, b) => a.position - b.position)
    .map((phase) => {
      const actual = phase.startedAt && phase.endedAt ? round1(minutesBetween(phase.startedAt, phase.endedAt)) : null;
      return {
        phaseId: phase.id,
        name: phase.name,
        position: phase.position,
        status: phase.status,
        plannedMinutes: phase.minDurationMinutes,
        actualMinutes: actual,
        overByMinutes: actual === null ? null : round1(actual - phase.minDurationMinutes),
      };
    });
  const byPosition = [...input.phases].sort((a, b) => a.position - b.position);
  const gates = input.gates
    .map((gate) => {
      const index = byPosition.findIndex((p) => p.id === gate.phaseId);
      const openedAt = gate.phaseId === null || index <= 0 ? (gate.phaseId === null ? input.rollout.createdAt : (t0 ?? input.rollout.createdAt)) : byPosition[index - 1]!.startedAt;
      const approvedAt = approvalTime(gate);
      const waited = openedAt && approvedAt ? round1(Math.max(0, minutesBetween(openedAt, approvedAt))) : null;
      return { gateId: gate.id, name: gate.name, phaseName: byPosition[index]?.name ?? null, openedAt, approvedAt, waitedMinutes: waited };
    })
    .sort((a, b) => (b.waitedMinutes ?? -1) - (a.waitedMinutes ?? -1));
  return {
    rehearsal: input.rollout,
    items,
    phases,
    gates,
    summary: {
      lateItems: items.filter((i) => i.late).length,
      measuredItems: items.filter((i) => i.actualOffsetMinutes !== null).length,
      longestGateWait: gates.find((g) => g.waitedMinutes !== null) ?? null,
      totalMinutes: t0 && input.rollout.endedAt ? round1(minutesBetween(t0, input.rollout.endedAt)) : null,
    },
  };
}
export type RehearsalReport = ReturnType<typeof buildRehearsalReport>;

/** When the last required role gave its GO (its latest decision being GO); null while any is missing or NO_GO. */
function approvalTime(gate: GateIn): string | null {
  let latest: string | null = null;
  for (const role of gate.requiredRoles) {
    const mine = gate.signatures.filter((s) => s.signerRole === role).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const last = mine.at(-1);
    if (!last || last.decision !== "GO") return null;
    if (!latest || last.createdAt > latest) latest = last.createdAt;
  }
  return latest;
}

/** What "Re-baseline" writes to the plan: each measured item's due offset, each ended phase's minimum duration. */
export function rebaselineChanges(report: RehearsalReport) {
  return {
    items: report.items
      .filter((i) => i.copiedFromId && i.actualOffsetMinutes !== null)
      .map((i) => ({ itemId: i.copiedFromId!, dueOffsetMinutes: Math.round(i.actualOffsetMinutes!) })),
    phases: report.phases.filter((p) => p.actualMinutes !== null).map((p) => ({ position: p.position, name: p.name, minDurationMinutes: Math.max(0, Math.round(p.actualMinutes!)) })),
  };
}
