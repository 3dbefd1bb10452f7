"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RehearsalBadge } from "@/components/rollouts/rehearsal-badge";
import { apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import { planLockedReason } from "@/lib/domain/edit-rules";
import type { RolloutState } from "@/lib/domain/rollouts";
import { applyRolloutEvent } from "@/lib/realtime/apply-event";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";
import { ContactsEditor } from "./contacts-editor";
import { GatesEditor } from "./gates-editor";
import { PhasesEditor } from "./phases-editor";
import { RolloutSettings } from "./rollout-settings";
import { TilesEditor } from "./tiles-editor";
import { UndoBar } from "./undo-bar";
import { usePlanEdit } from "./use-plan-edit";
import { ROLLOUT_STATUS, TONE_CLASSES } from "@/lib/domain/status";
import { ErrorAlert } from "@/components/layout/error-alert";

type Props = { initialState: RolloutState; canStructure: boolean; canConfigure: boolean; canRehearse: boolean };

/** The plan page: the rollout's settings, phases with criteria and triggers, gates, contacts and tiles; live. */
export function PlanEditor({ initialState, canStructure, canConfigure, canRehearse }: Props) {
  const rolloutId = initialState.rollout.id;
  const queryKey = rolloutKeys.state(rolloutId);
  const { data: state } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<RolloutState>(`/api/v1/rollouts/${rolloutId}`, { signal }),
    initialData: initialState,
  });
  useRolloutLive<RolloutState>({ rolloutId, queryKey, apply: applyRolloutEvent });
  const plan = usePlanEdit(rolloutId);
  const onEdit = (edit: Parameters<typeof plan.edit>[0], label?: string) => void plan.edit(edit, label);
  const locked = planLockedReason(state.rollout);
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Plan · {state.rollout.name}</h1>
        {state.rollout.isRehearsal ? <RehearsalBadge /> : null}
        <span className={`rounded px-2 py-0.5 text-xs font-semibold ${TONE_CLASSES[ROLLOUT_STATUS[state.rollout.status].tone].badge}`}>{ROLLOUT_STATUS[state.rollout.status].label}</span>
        <div className="flex-1" />
        <Link href={`/rollouts/${rolloutId}`} className="text-sm underline">
          War room (checklist)
        </Link>
        {canConfigure ? (
          <Link href={`/rollouts/${rolloutId}/actions`} className="text-sm underline">
            Actions
          </Link>
        ) : null}
      </div>
      {locked ? <p className="rounded border border-slate-300 bg-slate-50 px-3 py-2 text-sm">{locked}</p> : null}
      <ErrorAlert>{plan.error}</ErrorAlert>
      <UndoBar offer={plan.undo} onUndo={(seq) => onEdit({ op: "undo", seq })} onDismiss={plan.dismissUndo} />
      <RolloutSettings rollout={state.rollout} canConfigure={canConfigure} canRehearse={canRehearse} />
      {canStructure ? (
        <fieldset disabled={locked !== null} className="space-y-4">
          <PhasesEditor phases={state.phases} rollout={state.rollout} onEdit={onEdit} />
          <GatesEditor gates={state.gates} phases={state.phases} rollout={state.rollout} onEdit={onEdit} />
          <ContactsEditor contacts={state.contacts} onEdit={onEdit} />
        </fieldset>
      ) : (
        <p className="text-sm text-slate-600">Your role can change the checklist (in the war room) but not phases, gates or contacts.</p>
      )}
      {canConfigure ? <TilesEditor rolloutId={rolloutId} tiles={state.tiles} /> : null}
    </main>
  );
}
