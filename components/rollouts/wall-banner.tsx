import Link from "next/link";
import { gatedPhase } from "@/components/metrics/shape";
import type { RolloutState } from "@/lib/domain/rollouts";
import { ROLLOUT_STATUS, rolloutPosition, TONE_CLASSES, VERDICT } from "@/lib/domain/status";

/**
 * The wall's headline, readable across a room: the rollout's status and the verdict of the phase in focus, in the
 * status model's words and tones (nothing is judged here), and a visible way back to the ordinary war room.
 */
export function WallBanner({ state }: { state: RolloutState }) {
  const { rollout, phases } = state;
  const status = ROLLOUT_STATUS[rollout.status];
  const phase = gatedPhase(phases);
  const verdict = phase?.verdict ? VERDICT[phase.verdict] : null;
  const tone = verdict?.tone ?? status.tone;
  const position = rolloutPosition(rollout, phases);
  return (
    <section aria-label="Overall status" data-testid="wall-banner" data-tone={tone} className={`mb-4 flex flex-wrap items-center gap-6 rounded-xl border-4 px-6 py-4 ${TONE_CLASSES[tone].box}`}>
      <span className={`rounded-lg px-4 py-1 text-5xl font-bold ${TONE_CLASSES[status.tone].badge}`} data-testid="wall-status">
        {status.label}
      </span>
      {verdict ? (
        <span className={`rounded-lg px-4 py-1 text-5xl font-bold ${TONE_CLASSES[verdict.tone].badge}`} data-testid="wall-verdict">
          {verdict.label}
        </span>
      ) : null}
      {position !== status.label ? <span className="text-5xl font-semibold text-slate-900">{position}</span> : null}
      <span className="flex-1" />
      <Link href={`/rollouts/${rollout.id}`} className="rounded-lg border-2 border-sky-700 bg-sky-100 px-4 py-2 text-2xl font-semibold text-sky-900">
        Exit wall mode
      </Link>
    </section>
  );
}
