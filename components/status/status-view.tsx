"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { ConnectionBadge } from "@/components/rollouts/connection-badge";
import { formatAgo } from "@/components/rollouts/format";
import { useNow } from "@/components/rollouts/use-now";
import { ApiError, apiFetch } from "@/lib/api/client";
import { statusKeys } from "@/lib/api/keys";
import type { PublicStatus } from "@/lib/domain/public-view";
import { formatValue, OVERALL_TONE, PHASE_STATUS, ROLLOUT_STATUS, TONE_CLASSES, VERDICT, type Tone } from "@/lib/domain/status";
import type { MetricLevel } from "@/lib/metrics/tile-level";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";

// The stakeholder view: "are we live, is it healthy, when is the next step", readable from across a room, with
// no controls. Every change arrives over the socket (share token) and triggers a refetch of the reduced view;
// metric values are not events, so the view also refreshes every 15 s.

const LEVEL_TONE: Record<MetricLevel, { tone: Tone; word: string }> = {
  ok: { tone: "ok", word: "Healthy" },
  warn: { tone: "warn", word: "Warning" },
  breach: { tone: "breach", word: "Breach" },
  unknown: { tone: "neutral", word: "No current data" },
  none: { tone: "neutral", word: "" },
};

/** "Dec 1, 21:40 UTC" in the reader's zone, with the zone named: stakeholders read it from anywhere. */
function zonedTime(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
}
const zonedClock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" });

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
        <ConnectionBadge state={connection} />
      </div>
      <p className="mb-4 text-slate-600">
        {status.rollout.service} · updated <span data-testid="updated-at" suppressHydrationWarning>{zonedClock(new Date(dataUpdatedAt).toISOString())}</span>
        {error ? <span className="ml-2 text-warn">(could not refresh; showing the last known status)</span> : null}
      </p>

      <div className={`mb-6 rounded-lg px-5 py-4 ${TONE_CLASSES[OVERALL_TONE[status.overall]].badge}`} role="status" aria-label="Overall status">
        <div className="flex flex-wrap items-baseline gap-3">
          <span className="text-2xl font-semibold" data-testid="overall-status">
            {status.overall}
          </span>
          {status.incident ? (
            <span className="rounded bg-white/20 px-2 py-0.5 text-lg font-semibold" data-testid="incident-state">
              {status.incident}
            </span>
          ) : null}
        </div>
        <p className="text-lg" data-testid="status-summary">
          {status.summary}
        </p>
      </div>

      <dl className="mb-6 grid grid-cols-1 gap-4 sm:grid-cols-3">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-500">Current phase</dt>
          <dd className="text-xl font-semibold" data-testid="current-phase">
            {current ? current.name : status.endedIn ? `${ROLLOUT_STATUS[status.rollout.status].label} in ${status.endedIn.name}` : ROLLOUT_STATUS[status.rollout.status].label}
          </dd>
          <dd className="text-sm text-slate-600" data-testid="traffic" suppressHydrationWarning>
            {current
              ? `${current.trafficPercent}% of traffic${current.status === "PAUSED" ? " · paused" : ""}`
              : status.rollout.endedAt
                ? `Ended ${zonedTime(status.rollout.endedAt)}`
                : `Planned go-live ${zonedTime(status.rollout.plannedStartAt)}`}
          </dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-500">Next step</dt>
          <dd className="text-xl font-semibold" data-testid="next-step">
            {status.nextStep ? status.nextStep.label : status.rollout.endedAt ? "None: the rollout has ended" : "—"}
          </dd>
          {status.nextStep ? (
            <dd className="text-sm text-slate-600" data-testid="next-step-time" suppressHydrationWarning>
              {status.nextStep.plannedAt ? `Planned ${zonedTime(status.nextStep.plannedAt)}` : "When the team decides"}
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
              <li key={m.id} className={`rounded-lg border p-3 ${TONE_CLASSES[LEVEL_TONE[m.level].tone].box}`} data-testid={`metric-${m.id}`} data-level={m.level}>
                <div className="text-sm text-slate-600">{m.label}</div>
                <div className={`text-2xl font-semibold tabular-nums ${TONE_CLASSES[LEVEL_TONE[m.level].tone].text}`}>{formatValue(m.value, m.unit)}</div>
                <div className="text-xs text-slate-600" suppressHydrationWarning>
                  {m.unavailable ? "Source unavailable" : LEVEL_TONE[m.level].word}
                  {m.unavailable || LEVEL_TONE[m.level].word ? " · " : ""}
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
                className={`min-w-36 flex-1 rounded border px-3 py-2 text-sm ${TONE_CLASSES[PHASE_STATUS[p.status].tone].box}`}
              >
                <div className="font-semibold">{p.name}</div>
                <div className="text-xs text-slate-600">
                  {p.trafficPercent}% · {PHASE_STATUS[p.status].label}
                  {p.verdict ? ` · ${VERDICT[p.verdict].label}` : ""}
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
              <time className="w-28 shrink-0 text-slate-500" dateTime={u.at} suppressHydrationWarning>
                {zonedClock(u.at)}
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
