import { formatAgo } from "@/components/rollouts/format";
import type { ActionRunView } from "@/lib/domain/selects";
import { ACTION_RUN_STATUS, softBadge } from "@/lib/domain/status";

// Who ran what, why, and how it went: shown in the war room and on the sign-off page, fed by the live cache.

/** A pending approval whose window has passed shows as expired even before anyone tries to approve it. */
export function effectiveRunStatus(run: ActionRunView, now: number): ActionRunView["status"] {
  return run.status === "PENDING_APPROVAL" && run.expiresAt && new Date(run.expiresAt).getTime() <= now ? "EXPIRED" : run.status;
}

export function runTitle(run: ActionRunView): string {
  const percentage = (run.params as { percentage?: number } | null)?.percentage;
  return typeof percentage === "number" ? `${run.action.name} → ${percentage}%` : run.action.name;
}

export function ActionRunList({ runs, now, limit = 8 }: { runs: ActionRunView[]; now: number; limit?: number }) {
  if (runs.length === 0) return <p className="text-sm text-slate-500">No actions run yet.</p>;
  return (
    <ol className="space-y-2 text-sm" aria-label="Action runs">
      {runs.slice(0, limit).map((run) => {
        const status = effectiveRunStatus(run, now);
        return (
          <li key={run.id} data-testid={`action-run-${run.id}`} data-status={status} data-kind={run.action.kind} className="rounded border border-slate-200 bg-white px-2 py-1">
            <div className="flex flex-wrap items-baseline gap-2">
              <span className="font-medium">{runTitle(run)}</span>
              <span className={`rounded px-1.5 text-xs font-semibold ${softBadge(ACTION_RUN_STATUS[status])}`}>{ACTION_RUN_STATUS[status].label}</span>
              {run.responseStatus !== null ? <span className="text-xs text-slate-500">HTTP {run.responseStatus}</span> : null}
              {run.durationMs !== null ? <span className="text-xs text-slate-500">{run.durationMs} ms</span> : null}
              {run.attempts > 1 ? <span className="text-xs text-slate-500">{run.attempts} attempts</span> : null}
              <time className="ml-auto text-xs text-slate-500" dateTime={run.createdAt} suppressHydrationWarning>
                {formatAgo(run.createdAt, now)}
              </time>
            </div>
            <div className="text-xs text-slate-600">
              {run.requestedBy ? run.requestedBy.name : "War Room (automatic)"}
              {run.approvedBy ? `, approved by ${run.approvedBy.name}` : ""}: “{run.reason}”
            </div>
            {run.error ? <div className="text-xs text-breach">{run.error}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}
