"use client";

import { useQuery } from "@tanstack/react-query";
import { ConnectionBadge } from "@/components/rollouts/connection-badge";
import { formatTime } from "@/components/rollouts/format";
import { apiFetch } from "@/lib/api/client";
import { statusKeys } from "@/lib/api/keys";
import type { PublicStatus } from "@/lib/domain/public-view";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";

const OVERALL_STYLE: Record<PublicStatus["overall"], string> = {
  Operational: "bg-ok text-white",
  "Degraded Performance": "bg-amber-500 text-white",
  "Partial Outage": "bg-orange-600 text-white",
  "Major Outage": "bg-breach text-white",
  "Under Maintenance": "bg-sky-700 text-white",
};

// Any event means "something changed": refetch the reduced view rather than patching it locally, since the
// stakeholder's events carry summaries only.
const refetchOnEvent = () => null;

export function StatusView({ initialStatus, token }: { initialStatus: PublicStatus; token: string }) {
  const queryKey = statusKeys.byToken(token);
  const { data: status, isError } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<PublicStatus>(`/api/v1/status/${encodeURIComponent(token)}`, { signal }),
    initialData: initialStatus,
  });
  const connection = useRolloutLive<PublicStatus>({ rolloutId: initialStatus.rollout.id, queryKey, apply: refetchOnEvent, token });
  const pct = status.progress.total ? Math.round((status.progress.done / status.progress.total) * 100) : 0;

  return (
    <main className="mx-auto max-w-3xl p-6">
      <div className="mb-2 flex items-center gap-3">
        <h1 className="text-2xl font-semibold">{status.rollout.name}</h1>
        <ConnectionBadge state={connection} />
      </div>
      <p className="mb-4 text-slate-600">{status.rollout.service}</p>
      {isError ? <p role="alert" className="mb-4 text-breach">This status link is no longer valid.</p> : null}
      <div className={`mb-6 rounded-lg px-4 py-3 text-lg font-semibold ${OVERALL_STYLE[status.overall]}`} data-testid="overall-status">
        {status.overall}
      </div>
      <dl className="mb-6 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Current phase</dt>
          <dd className="font-semibold" data-testid="current-phase">
            {status.currentPhase ? `${status.currentPhase.name} (${status.currentPhase.trafficPercent}%)` : "Not started"}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Next step</dt>
          <dd className="font-semibold">{status.nextPhase ? `${status.nextPhase.name} (${status.nextPhase.trafficPercent}%)` : "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Planned go-live</dt>
          <dd className="font-semibold">{formatTime(status.rollout.plannedStartAt)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Checklist</dt>
          <dd className="font-semibold" data-testid="status-progress">
            {status.progress.done}/{status.progress.total} ({pct}%)
          </dd>
        </div>
      </dl>
      <section className="mb-6" aria-label="Phases">
        <h2 className="mb-2 font-semibold">Phases</h2>
        <ol className="flex gap-2">
          {status.phases.map((p) => (
            <li key={p.id} className="flex-1 rounded border border-slate-200 bg-white px-3 py-2 text-sm">
              <div className="font-semibold">{p.name}</div>
              <div className="text-xs text-slate-600">
                {p.trafficPercent}% · {p.status.toLowerCase()}
                {p.verdict ? ` · ${p.verdict}` : ""}
              </div>
            </li>
          ))}
        </ol>
      </section>
      <section aria-label="Latest updates">
        <h2 className="mb-2 font-semibold">Latest updates</h2>
        <ol className="space-y-1 text-sm" data-testid="updates">
          {status.updates.map((u) => (
            <li key={u.seq}>
              <time className="mr-2 text-slate-500" dateTime={u.at}>
                {new Date(u.at).toLocaleTimeString()}
              </time>
              {u.text}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
