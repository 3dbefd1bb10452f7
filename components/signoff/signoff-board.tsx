"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConnectionBadge } from "@/components/rollouts/connection-badge";
import { ApiError, apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import type { Role } from "@/lib/db/generated/enums";
import { gateStatus } from "@/lib/domain/gate-status";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { GateView } from "@/lib/domain/selects";
import { applyRolloutEvent } from "@/lib/realtime/apply-event";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";
import type { RecordSignOffInput } from "@/lib/schemas/signoff";

const STATE_STYLE = { APPROVED: "border-green-300 bg-green-50", REJECTED: "border-red-300 bg-red-50", PENDING: "border-slate-200 bg-white" } as const;

export function SignoffBoard({ initialState, userRole }: { initialState: RolloutState; userRole: Role }) {
  const rolloutId = initialState.rollout.id;
  const queryKey = rolloutKeys.state(rolloutId);
  const { data: state } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<RolloutState>(`/api/v1/rollouts/${rolloutId}`, { signal }),
    initialData: initialState,
  });
  const connection = useRolloutLive<RolloutState>({ rolloutId, queryKey, apply: applyRolloutEvent });
  const done = state.items.filter((i) => i.state === "DONE" || i.state === "SKIPPED").length;

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-sm text-slate-600">
        <ConnectionBadge state={connection} />
        <span>
          Evidence now: checklist {done}/{state.items.length} done
        </span>
      </div>
      {state.gates.map((gate) => (
        <GateCard key={gate.id} gate={gate} rolloutId={rolloutId} canSign={gate.requiredRoles.includes(userRole)} />
      ))}
    </div>
  );
}

function GateCard({ gate, rolloutId, canSign }: { gate: GateView; rolloutId: string; canSign: boolean }) {
  const queryClient = useQueryClient();
  const status = gateStatus(gate, gate.signatures);
  const [error, setError] = useState<string | null>(null);
  const sign = useMutation({
    mutationFn: (input: RecordSignOffInput) => apiFetch(`/api/v1/gates/${gate.id}/signatures`, { method: "POST", body: input }),
    onSuccess: () => {
      setError(null);
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.state(rolloutId) });
    },
    onError: (e) => setError(e instanceof ApiError ? e.message : "Not signed"),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const decision = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("value") === "NO_GO" ? "NO_GO" : "GO";
    const comment = String(form.get("comment") ?? "").trim();
    sign.mutate({ decision, ...(comment ? { comment } : {}) });
  }

  return (
    <section aria-label={gate.name} data-testid={`gate-${gate.id}`} data-state={status.state} className={`rounded-lg border p-4 ${STATE_STYLE[status.state]}`}>
      <div className="flex items-baseline gap-2">
        <h2 className="text-lg font-semibold">{gate.name}</h2>
        <span className="text-sm font-semibold">{status.state === "APPROVED" ? "GO" : status.state === "REJECTED" ? "NO-GO" : "Waiting"}</span>
      </div>
      <p className="text-sm text-slate-600">
        Needs: {gate.requiredRoles.join(" + ")}
        {gate.approverTitles.length ? ` (${gate.approverTitles.join(", ")})` : ""}
        {status.missingRoles.length ? ` · missing ${status.missingRoles.join(", ")}` : ""}
      </p>
      {gate.signatures.length ? (
        <ul className="mt-2 space-y-1 text-sm" aria-label="Signatures">
          {gate.signatures.map((s) => (
            <li key={s.id}>
              <span className={s.decision === "GO" ? "font-semibold text-ok" : "font-semibold text-breach"}>{s.decision === "GO" ? "GO" : "NO-GO"}</span>{" "}
              by {s.signer.name} ({s.signerRole}) at {new Date(s.createdAt).toLocaleString()}
              {s.comment ? <span className="text-slate-600"> — “{s.comment}”</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canSign ? (
        <form onSubmit={onSubmit} className="mt-3 flex flex-wrap items-center gap-2">
          <input name="comment" aria-label={`Comment for ${gate.name}`} placeholder="Comment (required for NO-GO)" className="min-w-64 flex-1 rounded border border-slate-300 px-2 py-1 text-sm" maxLength={2000} />
          <button type="submit" value="GO" disabled={sign.isPending} className="rounded bg-ok px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
            Sign GO
          </button>
          <button type="submit" value="NO_GO" disabled={sign.isPending} className="rounded bg-breach px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
            NO-GO
          </button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 text-sm text-breach">
          {error}
        </p>
      ) : null}
    </section>
  );
}
