import { ActionRunList } from "@/components/actions/action-run-list";
import type { RolloutState } from "@/lib/domain/rollouts";
import { currentPhaseOf } from "@/lib/domain/phase-rules";

const STATUS_STYLE: Record<string, string> = {
  DRAFT: "bg-slate-200 text-slate-800",
  ACTIVE: "bg-green-100 text-ok",
  PAUSED: "bg-amber-100 text-warn",
  COMPLETED: "bg-green-100 text-ok",
  ROLLED_BACK: "bg-red-100 text-breach",
  ABORTED: "bg-red-100 text-breach",
};

/** The war room's view of phase control and actions: where the rollout is, and the latest action runs. Read-only. */
export function RolloutActivity({ state, now }: { state: RolloutState; now: number }) {
  const current = currentPhaseOf(state.phases);
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Rollout activity">
      <h2 className="mb-2 font-semibold">Phase and actions</h2>
      <p className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        <span data-testid="rollout-status" className={`rounded px-1.5 text-xs font-semibold ${STATUS_STYLE[state.rollout.status] ?? ""}`}>
          {state.rollout.status.replace("_", " ").toLowerCase()}
        </span>
        <span data-testid="rollout-phase">{current ? `${current.name} · ${current.trafficPercent}% traffic` : "no phase running"}</span>
      </p>
      <ActionRunList runs={state.actionRuns} now={now} limit={5} />
    </section>
  );
}
