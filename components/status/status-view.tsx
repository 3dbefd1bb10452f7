"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { RehearsalBadge } from "@/components/rollouts/rehearsal-badge";
import { ConnectionBadge } from "@/components/rollouts/connection-badge";
import { formatAgo, formatTime } from "@/components/rollouts/format";
import { useNow } from "@/components/rollouts/use-now";
import { ApiError, apiFetch } from "@/lib/api/client";
import { statusKeys } from "@/lib/api/keys";
import type { PublicStatus } from "@/lib/domain/public-view";
import type { MetricLevel } from "@/lib/metrics/tile-level";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";

// The stakeholder view: "are we live, is it healthy, when is the next step", readable from across a room, with
// no controls. Every change arrives over the socket (share token) and triggers a refetch of the reduced view;
// metric values are not events, so the view also refreshes every 15 s.

const OVERALL_STYLE: Record<PublicStatus["overall"], string> = {
  Operational: "bg-ok text-white",
  "Degraded Performance": "bg-amber-500 text-white",
  "Partial Outage": "bg-orange-600 text-white",
  "Major Outage": "bg-breach text-white",
  "Under Maintenance": "bg-sky-700 text-white",
};

const LEVEL_STYLE: Record<MetricLevel, { box: string; word: string }> = {
  ok: { box: "border-green-300 bg-green-50", word: "Healthy" },
  warn: { box: "border-amber-300 bg-amber-50", word: "Warning" },
  breach: { box: "border-red-300 bg-red-50", word: "Breach" },
  unknown: { box: "border-slate-300 bg-slate-100", word: "No current data" },
  none: { box: "border-slate-200 bg-white", word: "" },
};

const LEVEL_TEXT: Record<MetricLevel, string> = { ok: "text-ok", warn: "text-warn", breach: "text-breach", unknown: "text-slate-500", none: "text-slate-900" };

const UPDATE_ICON: Record<PublicStatus["updates"][number]["kind"], string> = { checklist: "☑", signoff: "✍", phase: "⇪", rollout: "●", other: "•" };

const REFRESH_MS = 15_000;

// Any event means "something changed": refetch the reduced view rather than patching it locally, since the
// stakeholder's events carry summaries only.
const refetchOnEvent = () => null;

export function StatusView({ initialStatus, token }: { initialStatus: PublicStatus; token: string }) {
  const queryKey = useMemo(() => statusKeys.byToken(token), [token]);
  const queryClient = useQueryClient();
  const now = useNow(5000);
  const { data: status, error, dataUpdatedAt } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<PublicStatus>(`/api/v1/status/${encodeURIComponent(token)}`, { signal }),
    initialData: initialStatus,
    refetchInterval: REFRESH_MS,
    // A 404 means the link was revoked or has expired: say so at once.
    retry: (failures, e) => !(e instanceof ApiError && e.status === 404) && failures < 1,
  });
  const connection = useRolloutLive<PublicStatus>({ rolloutId: initialStatus.rollout.id, queryKey, apply: refetchOnEvent, token });
  // The server closes the sockets of a revoked or expired link: ask the API, which then answers 404.
  useEffect(() => {
    if (connection === "offline") void queryClient.invalidateQueries({ queryKey });
  }, [connection, queryClient, queryKey]);

  if (error instanceof ApiError && error.status === 404) {
    return (
      <main className="mx-auto max-w-4xl p-6">
        <p role="alert" className="rounded-lg border border-slate-300 bg-white px-4 py-6 text-lg" data-testid="link-invalid">
          This status link is no longer valid. Ask the rollout&apos;s incident commander for a new one.
        </p>
      </main>
    );
  }

  const pct = status.progress.total ? Math.round((status.progress.done / status.progress.total) * 100) : 0;
  const current = status.currentPhase;

  return (
    <main className="mx-auto max-w-4xl p-6">
      <div className="mb-1 flex flex-wrap items-center gap-3">
        <h1 className="text-3xl font-semibold">{status.rollout.name}</h1>
        {status.rollout.isRehearsal ? <RehearsalBadge large /> : null}
        <ConnectionBadge state={connection} />
      </div>
      <p className="mb-4 text-slate-600">
        {status.rollout.service} · updated <span data-testid="updated-at" suppressHydrationWarning>{new Date(dataUpdatedAt).toLocaleTimeString()}</span>
        {error ? <span className="ml-2 text-warn">(could not refresh; showing the last known status)</span> : null}
      </p>

      <div className={`mb-6 rounded-lg px-5 py-4 text-2xl font-semibold ${OVERALL_STYLE[status.overall]}`} data-testid="overall-status">
        {status.overall}
      </div>

      <dl className="mb-6 grid grid-cols-1 gap-4 sm:grid-cols-3">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-500">Current phase</dt>
          <dd className="text-xl font-semibold" data-testid="current-phase">
            {current ? current.name : status.rollout.status === "COMPLETED" ? "Complete" : "Not started"}
          </dd>
          <dd className="text-sm text-slate-600" data-testid="traffic" suppressHydrationWarning>
            {current ? `${current.trafficPercent}% of traffic${current.status === "PAUSED" ? " · paused" : ""}` : `Planned go-live ${formatTime(status.rollout.plannedStartAt)}`}
          </dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-500">Next step</dt>
          <dd className="text-xl font-semibold" data-testid="next-step">
            {status.nextStep ? status.nextStep.label : "—"}
          </dd>
          {status.nextStep ? (
            <dd className="text-sm text-slate-600" data-testid="next-step-time" suppressHydrationWarning>
              {status.nextStep.plannedAt ? `Planned ${formatTime(status.nextStep.plannedAt)}` : "When the team decides"}
              {status.nextStep.awaiting ? ` · awaiting sign-off: ${status.nextStep.awaiting}` : ""}
            </dd>
          ) : null}
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-500">Checklist</dt>
          <dd className="text-xl font-semibold" data-testid="status-progress">
            {status.progress.done}/{status.progress.total} ({pct}%)
          </dd>
          <dd className="mt-2 h-2 rounded bg-slate-200" aria-hidden>
            <div className="h-2 rounded bg-ok" style={{ width: `${pct}%` }} />
          </dd>
          {status.progress.blocked ? <dd className="mt-1 text-sm text-warn">{status.progress.blocked} blocked</dd> : null}
        </div>
      </dl>

      {status.metrics.length > 0 ? (
        <section className="mb-6" aria-label="Health">
          <h2 className="mb-2 text-lg font-semibold">Health</h2>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            {status.metrics.map((m) => (
              <li key={m.id} className={`rounded-lg border p-3 ${LEVEL_STYLE[m.level].box}`} data-testid={`metric-${m.id}`} data-level={m.level}>
                <div className="text-sm text-slate-600">{m.label}</div>
                <div className={`text-2xl font-semibold ${LEVEL_TEXT[m.level]}`}>
                  {m.value === null ? "—" : formatValue(m.value)}
                  {m.value !== null && m.unit ? <span className="ml-1 text-base font-normal">{m.unit}</span> : null}
                </div>
                <div className="text-xs text-slate-600" suppressHydrationWarning>
                  {LEVEL_STYLE[m.level].word}
                  {LEVEL_STYLE[m.level].word ? " · " : ""}
                  {m.sampledAt ? `as of ${formatAgo(m.sampledAt, now)}` : "never measured"}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {status.phases.length > 0 ? (
        <section className="mb-6" aria-label="Phases">
          <h2 className="mb-2 text-lg font-semibold">Phases</h2>
          <ol className="flex flex-wrap gap-2">
            {status.phases.map((p) => (
              <li
                key={p.id}
                data-testid="phase"
                data-status={p.status}
                className={`min-w-36 flex-1 rounded border px-3 py-2 text-sm ${p.status === "ACTIVE" ? "border-sky-400 bg-sky-50" : p.status === "PASSED" ? "border-green-300 bg-green-50" : p.status === "FAILED" || p.status === "ROLLED_BACK" ? "border-red-300 bg-red-50" : "border-slate-200 bg-white"}`}
              >
                <div className="font-semibold">{p.name}</div>
                <div className="text-xs text-slate-600">
                  {p.trafficPercent}% · {p.status.toLowerCase().replace("_", " ")}
                  {p.verdict ? ` · ${p.verdict.toLowerCase()}` : ""}
                </div>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section aria-label="Latest updates">
        <h2 className="mb-2 text-lg font-semibold">Latest updates</h2>
        <ol className="space-y-1 text-sm" data-testid="updates">
          {status.updates.map((u) => (
            <li key={u.seq} className="flex gap-2">
              <time className="w-20 shrink-0 text-slate-500" dateTime={u.at} suppressHydrationWarning>
                {new Date(u.at).toLocaleTimeString()}
              </time>
              <span aria-hidden className="w-4 text-slate-500">
                {UPDATE_ICON[u.kind]}
              </span>
              <span>{u.text}</span>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}
