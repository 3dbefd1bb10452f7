import { ActionRunList } from "@/components/actions/action-run-list";
import type { RolloutState } from "@/lib/domain/rollouts";
import { currentPhaseOf } from "@/lib/domain/phase-rules";
import { ENDED_ROLLOUT, ROLLOUT_STATUS, rolloutPosition, TONE_CLASSES } from "@/lib/domain/status";

/** The war room's view of phase control and actions: where the rollout is, and the latest action runs. Read-only. */
export function RolloutActivity({ state, now }: { state: RolloutState; now: number }) {
  const current = currentPhaseOf(state.phases);
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Rollout activity">
      <h2 className="mb-2 font-semibold">Phase and actions</h2>
      <p className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        {/* The status model's label and tone, as in the header: no second colour map here. */}
        <span data-testid="rollout-status" className={`rounded px-1.5 text-xs font-semibold ${TONE_CLASSES[ROLLOUT_STATUS[state.rollout.status].tone].badge}`}>
          {ROLLOUT_STATUS[state.rollout.status].label}
        </span>
        <span data-testid="rollout-phase">
          {current ? `${current.name} · ${current.trafficPercent}% traffic` : ENDED_ROLLOUT.has(state.rollout.status) ? rolloutPosition(state.rollout, state.phases) : "no phase running"}
        </span>
      </p>
      <ActionRunList runs={state.actionRuns} now={now} limit={5} />
    </section>
  );
}
