import type { PhaseView } from "@/lib/domain/selects";

const STATUS_STYLE: Record<string, string> = {
  PENDING: "border-slate-200 bg-white text-slate-700",
  ACTIVE: "border-sky-500 bg-sky-50 text-slate-900",
  PAUSED: "border-amber-400 bg-amber-50 text-slate-900",
  PASSED: "border-green-400 bg-green-50 text-slate-900",
  FAILED: "border-red-400 bg-red-50 text-slate-900",
  ROLLED_BACK: "border-red-400 bg-red-50 text-slate-900",
  SKIPPED: "border-slate-200 bg-slate-100 text-slate-500",
};
const VERDICT_STYLE: Record<string, string> = { PASS: "text-ok", FAIL: "text-breach", INCONCLUSIVE: "text-warn" };

/** Shadow → canary → … → 100%: each phase with its traffic, status, verdict and the trigger states. */
export function PhaseStepper({ phases, wall }: { phases: PhaseView[]; wall?: boolean }) {
  return (
    <ol className="flex gap-2" aria-label="Phases">
      {phases.map((phase, index) => {
        const firing = phase.criteria.filter((c) => c.kind === "ROLLBACK_TRIGGER" && c.state === "FIRING").length;
        const pending = phase.criteria.filter((c) => c.kind === "ROLLBACK_TRIGGER" && c.state === "PENDING").length;
        return (
          <li
            key={phase.id}
            data-testid={`phase-${phase.position}`}
            data-status={phase.status}
            className={`flex-1 rounded border-2 px-3 py-2 ${wall ? "text-lg" : "text-sm"} ${STATUS_STYLE[phase.status] ?? ""}`}
          >
            <div className="font-semibold">
              {index + 1}. {phase.name} <span className="font-normal">{phase.trafficPercent}%</span>
            </div>
            <div className="text-xs">
              {phase.status.toLowerCase().replace("_", " ")} · min {phase.minDurationMinutes} min
              {phase.verdict ? <span className={`ml-1 font-semibold ${VERDICT_STYLE[phase.verdict] ?? ""}`}>· {phase.verdict}</span> : null}
            </div>
            {firing || pending ? (
              <div className={`text-xs font-semibold ${firing ? "text-breach" : "text-warn"}`}>
                {firing ? `${firing} trigger firing` : `${pending} trigger pending`}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
