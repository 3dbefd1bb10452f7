import type { RolloutStatus } from "@/lib/db/generated/enums";
import type { PhaseView } from "@/lib/domain/selects";
import { PHASE_STATUS, phaseInFocus, TONE_CLASSES, TRIGGER_STATE, VERDICT } from "@/lib/domain/status";

/**
 * Shadow → canary → … → 100%: each phase with its traffic, status, verdict and the trigger states, labelled and
 * coloured by the one vocabulary. The phase where the rollout is (or where it ended) is marked.
 */
export function PhaseStepper({ phases, rolloutStatus, wall }: { phases: PhaseView[]; rolloutStatus: RolloutStatus; wall?: boolean }) {
  const focus = phaseInFocus(rolloutStatus, phases);
  const ended = rolloutStatus === "COMPLETED" || rolloutStatus === "ROLLED_BACK" || rolloutStatus === "ABORTED";
  return (
    <ol className="flex flex-wrap gap-2" aria-label="Phases">
      {phases.map((phase, index) => {
        const alarms = phase.criteria.filter((c) => c.kind === "ROLLBACK_TRIGGER" && c.state !== "NORMAL");
        const here = focus?.id === phase.id;
        return (
          <li
            key={phase.id}
            data-testid={`phase-${phase.position}`}
            data-status={phase.status}
            aria-current={here ? "step" : undefined}
            className={`min-w-40 flex-1 rounded border-2 px-3 py-2 ${wall ? "text-lg" : "text-sm"} ${TONE_CLASSES[PHASE_STATUS[phase.status].tone].box} ${here ? "ring-2 ring-slate-900" : ""}`}
          >
            <div className="font-semibold">
              {index + 1}. {phase.name} <span className="font-normal">{phase.trafficPercent}%</span>
            </div>
            <div className="text-xs">
              {PHASE_STATUS[phase.status].label} · min {phase.minDurationMinutes} min
              {phase.verdict ? <span className={`ml-1 font-semibold ${TONE_CLASSES[VERDICT[phase.verdict].tone].text}`}>· {VERDICT[phase.verdict].label}</span> : null}
            </div>
            {here && ended ? (
              <div className="text-xs font-semibold" data-testid="ended-here">
                {rolloutStatus === "COMPLETED" ? "Completed here" : rolloutStatus === "ROLLED_BACK" ? "Rolled back here" : "Aborted here"}
              </div>
            ) : null}
            {alarms.length ? (
              <div className="text-xs font-semibold">
                {alarms.map((c) => (
                  <span key={c.id} className={`mr-2 ${TONE_CLASSES[TRIGGER_STATE[c.state].tone].text}`}>
                    {TRIGGER_STATE[c.state].label}: {c.description}
                  </span>
                ))}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
