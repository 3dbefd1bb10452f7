"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Checklist, type Person } from "@/components/checklist/checklist";
import { optimisticChange, type ItemChange } from "@/components/checklist/optimistic-change";
import { OnCallStrip } from "@/components/contacts/on-call-strip";
import { ContactsPanel } from "@/components/contacts/contacts-panel";
import { MetricsPanel } from "@/components/metrics/metrics-panel";
import { RolloutActivity } from "@/components/phases/rollout-activity";
import { GateSummary } from "@/components/signoff/gate-summary";
import { UndoBar } from "@/components/plan/undo-bar";
import { usePlanEdit } from "@/components/plan/use-plan-edit";
import { ApiError, apiFetch } from "@/lib/api/client";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import { rolloutKeys } from "@/lib/api/keys";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { ItemView } from "@/lib/domain/selects";
import { applyLiveMessage, applyRolloutEvent, replaceItem } from "@/lib/realtime/apply-event";
import type { PresencePayload, PresenceUser } from "@/lib/realtime/contract";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";
import type { UpdateItemInput } from "@/lib/schemas/checklist";
import type { EventEnvelope } from "@/lib/schemas/events";
import { ConnectionBadge } from "./connection-badge";
import { DoThisNow } from "./do-this-now";
import { WallBanner } from "./wall-banner";
import { clockEnd, roleLabel, ROLLOUT_STATUS, rolloutPosition, TONE_CLASSES } from "@/lib/domain/status";
import { formatElapsed, formatTNow } from "./format";
import { PhaseStepper } from "./phase-stepper";
import { PresenceList } from "./presence-list";
import { RehearsalBadge } from "./rehearsal-badge";
import { Timeline } from "./timeline";
import { useNow } from "./use-now";

// Header links: 44 px tap targets on a phone, compact on wide screens.
const HEADER_LINK = "inline-flex min-h-11 items-center rounded border border-slate-300 bg-white px-3 py-1 text-sm lg:min-h-0";

type Props = {
  initialState: RolloutState;
  me: { id: string; name: string };
  /** Active users an item can be assigned to. */
  people?: Person[];
  canEditItems: boolean;
  canSign: boolean;
  /** May add, edit, move, skip/block and delete checklist items and sections (plan.checklist). */
  canEditChecklist?: boolean;
  /** The viewer's role: who may act on the "Do this now" banner. */
  role: Role;
  /** Wall display: dark, large, no controls. */
  wall: boolean;
};

export function WarRoom({ initialState, me, people, canEditItems: canEditAtLoad, canSign: canSignAtLoad, canEditChecklist: canEditChecklistAtLoad = false, role, wall }: Props) {
  const rolloutId = initialState.rollout.id;
  const queryKey = rolloutKeys.state(rolloutId);
  const queryClient = useQueryClient();
  const now = useNow(1000);
  const [notice, setNotice] = useState<string | null>(null);
  const [recent, setRecent] = useState<EventEnvelope[]>([]);
  const [presence, setPresence] = useState<PresenceUser[]>([]);
  // The role as the server says it is now: an admin's change reaches the open page through its socket.
  const [liveRole, setLiveRole] = useState<Role | null>(null);
  const canEditItems = liveRole ? can(liveRole, "item.update") : canEditAtLoad;
  const canSign = liveRole ? can(liveRole, "signoff.sign") : canSignAtLoad;
  const canEditChecklist = liveRole ? can(liveRole, "plan.checklist") : canEditChecklistAtLoad;

  const { data: state } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<RolloutState>(`/api/v1/rollouts/${rolloutId}`, { signal }),
    initialData: initialState,
  });
  const connection = useRolloutLive<RolloutState>({
    rolloutId,
    queryKey,
    apply: applyRolloutEvent,
    applyLive: applyLiveMessage,
    onEvent: (envelope) => setRecent((list) => [envelope, ...list].slice(0, 50)),
    onLive: ({ channel, payload }) => channel === "presence" && setPresence((payload as PresencePayload).users),
    onPrincipal: (message) => {
      setLiveRole(message.role as Role);
      setNotice(`Your role is now ${roleLabel(message.role)}.`);
    },
    // Deactivated or signed out elsewhere: the page can only watch now (the server refuses every command anyway).
    onSignedOut: () => {
      setLiveRole("VIEWER");
      setNotice("Your session has ended: sign in again to act.");
    },
  });

  const updateItem = useMutation({
    // One at a time per rollout, in click order: each request names the version the previous one makes.
    scope: { id: `items:${rolloutId}` },
    mutationFn: ({ item, body }: { item: ItemView; body: UpdateItemInput; shown: ItemView }) =>
      apiFetch<{ item: ItemView }>(`/api/v1/items/${item.id}`, { method: "PATCH", body }),
    onError: (error, { item, shown }) => {
      if (error instanceof ApiError && error.status === 409 && error.body.current) {
        const current = error.body.current as ItemView;
        queryClient.setQueryData<RolloutState>(queryKey, (s) => (s ? { ...s, items: s.items.map((i) => (i.id === current.id ? current : i)) } : s));
        setNotice(`${current.checkedBy?.name ?? "Someone else"} changed “${current.text}” first — showing their version.`);
        return;
      }
      // Put back what was shown before, unless something newer has replaced this change's copy since.
      queryClient.setQueryData<RolloutState>(queryKey, (s) => (s ? { ...s, items: s.items.map((i) => (i.id === item.id && i.version === shown.version ? item : i)) } : s));
      setNotice(error instanceof Error ? `Not saved: ${error.message}` : "Not saved");
    },
    onSuccess: ({ item }) => {
      queryClient.setQueryData<RolloutState>(queryKey, (s) => (s ? { ...s, items: replaceItem(s.items, item) } : s));
    },
  });

  /**
   * Optimistic: the change shows in the same event handler that made it (a controlled checkbox must not
   * flicker back while the request is out), with the version the server will give it (optimistic-change.ts);
   * the server's answer and event replace it, and a 409 or an error puts back what the server says.
   */
  const changeItem = (item: ItemView, change: ItemChange) => {
    const { body, shown } = optimisticChange(item, change);
    void queryClient.cancelQueries({ queryKey });
    queryClient.setQueryData<RolloutState>(queryKey, (s) => (s ? { ...s, items: s.items.map((i) => (i.id === item.id ? shown : i)) } : s));
    setNotice(null);
    updateItem.mutate({ item, body, shown });
  };

  const plan = usePlanEdit(rolloutId);
  const { rollout } = state;
  const done = state.items.filter((i) => i.state === "DONE" || i.state === "SKIPPED").length;
  // Clocks stop when the rollout ends.
  const until = clockEnd(rollout, now);
  const tNow = formatTNow(rollout.plannedStartAt, until);
  const elapsed = formatElapsed(rollout.startedAt, until);
  const clockStart = rollout.startedAt ? new Date(rollout.startedAt).getTime() : null;

  return (
    <div className={wall ? "min-h-screen bg-slate-950 p-6 text-slate-100 [&_.bg-white]:bg-slate-900 [&_.border-slate-200]:border-slate-700 [&_.text-slate-600]:text-slate-300 [&_.text-slate-500]:text-slate-400 [&_.text-slate-700]:text-slate-200 [&_.bg-slate-100]:bg-slate-800" : "mx-auto max-w-7xl p-4"}>
      {wall ? <WallBanner state={state} /> : null}
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h1 className={wall ? "text-4xl font-semibold" : "text-2xl font-semibold"}>{rollout.name}</h1>
        {rollout.isRehearsal ? <RehearsalBadge large={wall} /> : null}
        {rollout.isTemplate ? <span className="rounded bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900">TEMPLATE</span> : null}
        {rollout.archivedAt ? <span className="rounded bg-slate-300 px-2 py-0.5 text-xs font-semibold">ARCHIVED</span> : null}
        <span className="text-slate-600">{rollout.service}</span>
        <span className={`rounded px-2 py-0.5 text-xs font-semibold ${TONE_CLASSES[ROLLOUT_STATUS[rollout.status].tone].badge}`} data-testid="header-rollout-status" data-status={rollout.status}>
          {ROLLOUT_STATUS[rollout.status].label}
        </span>
        <span className={wall ? "text-2xl" : "text-sm"} data-testid="current-phase">
          {rolloutPosition(rollout, state.phases)}
        </span>
        {tNow ? (
          <span className={`font-mono ${wall ? "text-2xl" : "text-sm"}`} title="Now relative to the planned go-live (T0)" data-testid="t-now" suppressHydrationWarning>
            {tNow}
          </span>
        ) : null}
        {elapsed ? (
          <span className={`font-mono ${wall ? "text-2xl" : "text-sm"}`} title="Since the rollout started" suppressHydrationWarning>
            ⏱ {elapsed}
            {until !== now ? " (ended)" : ""}
          </span>
        ) : null}
        <span className={wall ? "text-2xl" : "text-sm text-slate-600"} data-testid="progress">
          {done}/{state.items.length} items done
        </span>
        <ConnectionBadge state={connection} />
        <div className="flex-1" />
        <PresenceList users={presence} />
        {wall ? null : (
          <>
            <Link href={`/rollouts/${rolloutId}?wall=1`} className={HEADER_LINK}>
              Wall mode
            </Link>
            <Link href={`/rollouts/${rolloutId}/plan`} className={HEADER_LINK}>
              Plan
            </Link>
            {rollout.isRehearsal ? (
              <Link href={`/rollouts/${rolloutId}/rehearsal`} className={`${HEADER_LINK} border-violet-400`}>
                Rehearsal report
              </Link>
            ) : null}
            <a href={`/api/v1/rollouts/${rolloutId}/export.md`} download className={HEADER_LINK}>Export report</a>
            <Link href={`/rollouts/${rolloutId}/signoff`} className={HEADER_LINK}>
              {canSign ? "Sign-off page" : "Sign-offs"}
            </Link>
          </>
        )}
      </div>
      {plan.error ? (
        <p role="alert" className="mb-3 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-breach">
          {plan.error}
        </p>
      ) : null}
      <UndoBar offer={plan.undo} onUndo={(seq) => void plan.edit({ op: "undo", seq })} onDismiss={plan.dismissUndo} />
      <DoThisNow state={state} role={liveRole ?? role} userId={me.id} now={now} wall={wall} />
      {wall ? null : <OnCallStrip rolloutId={rolloutId} contacts={state.contacts} clockStart={clockStart} now={now} canAct={canSign} />}
      {notice ? (
        <p role="alert" className="mb-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-warn">
          {notice}
        </p>
      ) : null}
      {!canEditItems && !wall ? <p className="mb-3 text-sm text-slate-600">Read-only: your role can watch but not tick items.</p> : null}
      <div className="mb-4">
        <PhaseStepper phases={state.phases} rolloutStatus={rollout.status} wall={wall} />
      </div>
      <MetricsPanel rolloutId={rolloutId} tiles={state.tiles} phases={state.phases} wall={wall} />
      <div className={`grid gap-4 ${wall ? "lg:grid-cols-[1fr_28rem]" : "lg:grid-cols-[1fr_22rem]"}`}>
        <Checklist
          sections={state.sections}
          items={state.items}
          plannedStartAt={rollout.plannedStartAt}
          now={now}
          me={me}
          wall={wall}
          canEdit={canEditItems}
          onSetState={(item, next) => changeItem(item, { state: next })}
          onSaveNote={(item, note) => changeItem(item, { note })}
          editing={canEditChecklist && !wall ? { users: people ?? [], onEdit: (edit, label) => void plan.edit(edit, label) } : null}
          people={people}
          onAssign={(item, ownerId) => changeItem(item, { ownerId })}
        />
        <aside className="space-y-4">
          <RolloutActivity state={state} now={now} />
          <GateSummary gates={state.gates} />
          <ContactsPanel contacts={state.contacts} clockStart={clockStart} now={now} />
          <Timeline rolloutId={rolloutId} lastSeq={state.lastSeq} live={recent} />
        </aside>
      </div>
    </div>
  );
}
