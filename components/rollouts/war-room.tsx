"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Checklist } from "@/components/checklist/checklist";
import { MetricsPanel } from "@/components/metrics/metrics-panel";
import { GateSummary } from "@/components/signoff/gate-summary";
import { ApiError, apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { ItemView } from "@/lib/domain/selects";
import { applyRolloutEvent, replaceItem } from "@/lib/realtime/apply-event";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";
import type { UpdateItemInput } from "@/lib/schemas/checklist";
import type { EventEnvelope } from "@/lib/schemas/events";
import { ConnectionBadge } from "./connection-badge";
import { Timeline } from "./timeline";
import { useNow } from "./use-now";

type Props = { initialState: RolloutState; canEditItems: boolean; canSign: boolean };

export function WarRoom({ initialState, canEditItems, canSign }: Props) {
  const rolloutId = initialState.rollout.id;
  const queryKey = rolloutKeys.state(rolloutId);
  const queryClient = useQueryClient();
  const now = useNow(5000);
  const [notice, setNotice] = useState<string | null>(null);
  const [recent, setRecent] = useState<EventEnvelope[]>([]);

  const { data: state } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<RolloutState>(`/api/v1/rollouts/${rolloutId}`, { signal }),
    initialData: initialState,
  });
  const connection = useRolloutLive<RolloutState>({
    rolloutId,
    queryKey,
    apply: applyRolloutEvent,
    onEvent: (envelope) => setRecent((list) => [envelope, ...list].slice(0, 50)),
  });

  const updateItem = useMutation({
    mutationFn: ({ item, change }: { item: ItemView; change: Omit<UpdateItemInput, "expectedVersion"> }) =>
      apiFetch<{ item: ItemView }>(`/api/v1/items/${item.id}`, { method: "PATCH", body: { ...change, expectedVersion: item.version } }),
    // Optimistic: show the tick at once, keep the old version so the server's event (version + 1) replaces it.
    onMutate: async ({ item, change }) => {
      await queryClient.cancelQueries({ queryKey });
      const previous = queryClient.getQueryData<RolloutState>(queryKey);
      queryClient.setQueryData<RolloutState>(queryKey, (s) =>
        s ? { ...s, items: s.items.map((i) => (i.id === item.id ? { ...i, ...change, note: change.note === undefined ? i.note : change.note } : i)) } : s,
      );
      setNotice(null);
      return { previous, item };
    },
    onError: (error, _vars, context) => {
      if (error instanceof ApiError && error.status === 409 && error.body.current) {
        const current = error.body.current as ItemView;
        queryClient.setQueryData<RolloutState>(queryKey, (s) => (s ? { ...s, items: s.items.map((i) => (i.id === current.id ? current : i)) } : s));
        setNotice(`Someone else changed “${current.text}” first — showing their version.`);
        return;
      }
      if (context?.previous) {
        const original = context.previous.items.find((i) => i.id === context.item.id);
        queryClient.setQueryData<RolloutState>(queryKey, (s) => (s && original ? { ...s, items: s.items.map((i) => (i.id === original.id ? original : i)) } : s));
      }
      setNotice(error instanceof Error ? `Not saved: ${error.message}` : "Not saved");
    },
    onSuccess: ({ item }) => {
      queryClient.setQueryData<RolloutState>(queryKey, (s) => (s ? { ...s, items: replaceItem(s.items, item) } : s));
    },
  });

  const { rollout } = state;
  const currentPhase = state.phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED");
  const done = state.items.filter((i) => i.state === "DONE" || i.state === "SKIPPED").length;

  return (
    <div className="mx-auto max-w-7xl p-4">
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{rollout.name}</h1>
        <span className="text-slate-600">{rollout.service}</span>
        <span className="rounded bg-slate-200 px-2 py-0.5 text-xs font-semibold">{rollout.status}</span>
        <span className="text-sm text-slate-600">
          {currentPhase ? `${currentPhase.name} · ${currentPhase.trafficPercent}% traffic` : "Not started"}
        </span>
        <span className="text-sm text-slate-600" data-testid="progress">
          {done}/{state.items.length} items done
        </span>
        <ConnectionBadge state={connection} />
        <div className="flex-1" />
        <Link href={`/rollouts/${rolloutId}/signoff`} className="rounded border border-slate-300 bg-white px-3 py-1 text-sm">
          {canSign ? "Sign-off page" : "Sign-offs"}
        </Link>
      </div>
      {notice ? (
        <p role="alert" className="mb-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-warn">
          {notice}
        </p>
      ) : null}
      {!canEditItems ? <p className="mb-3 text-sm text-slate-600">Read-only: your role can watch but not tick items.</p> : null}
      <ol className="mb-4 flex gap-2" aria-label="Phases">
        {state.phases.map((phase) => (
          <li key={phase.id} className="flex-1 rounded border border-slate-200 bg-white px-3 py-2 text-sm">
            <div className="font-semibold">
              {phase.name} <span className="font-normal text-slate-600">{phase.trafficPercent}%</span>
            </div>
            <div className="text-xs text-slate-600">
              {phase.status.toLowerCase()}
              {phase.verdict ? ` · ${phase.verdict}` : ""} · min {phase.minDurationMinutes} min
            </div>
          </li>
        ))}
      </ol>
      <MetricsPanel rolloutId={rolloutId} tiles={state.tiles} phases={state.phases} />
      <div className="grid gap-4 lg:grid-cols-[1fr_22rem]">
        <Checklist
          sections={state.sections}
          items={state.items}
          plannedStartAt={rollout.plannedStartAt}
          now={now}
          canEdit={canEditItems}
          onSetState={(item, next) => updateItem.mutate({ item, change: { state: next } })}
          onSaveNote={(item, note) => updateItem.mutate({ item, change: { note } })}
        />
        <aside className="space-y-4">
          <GateSummary gates={state.gates} />
          <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Contacts">
            <h2 className="mb-2 font-semibold">Contacts and escalation</h2>
            <ul className="space-y-1 text-sm">
              {state.contacts.map((c) => (
                <li key={c.id}>
                  <span className="font-medium">{c.name}</span> <span className="text-slate-600">— {c.role}</span>
                  <div className="text-xs text-slate-500">
                    L{c.escalationLevel}
                    {c.escalateAfterMinutes !== null ? ` · after ${c.escalateAfterMinutes} min` : ""}
                    {c.phone ? ` · ${c.phone}` : ""}
                    {c.chatHandle ? ` · ${c.chatHandle}` : ""}
                  </div>
                </li>
              ))}
            </ul>
          </section>
          <Timeline rolloutId={rolloutId} lastSeq={state.lastSeq} live={recent} />
        </aside>
      </div>
    </div>
  );
}
