"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { ActionsPanel } from "@/components/actions/actions-panel";
import { PhaseControl } from "@/components/phases/phase-control";
import { ConnectionBadge } from "@/components/rollouts/connection-badge";
import { useNow } from "@/components/rollouts/use-now";
import { ApiError, apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import { gateStatus, missingWords } from "@/lib/domain/gate-status";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { GateView } from "@/lib/domain/selects";
import { applyLiveMessage, applyRolloutEvent } from "@/lib/realtime/apply-event";
import { useRolloutLive } from "@/lib/realtime/use-rollout-live";
import { DECISION, GATE_KIND_LABEL, GATE_STATE, ROLE_LABEL, roleLabel, TONE_CLASSES } from "@/lib/domain/status";
import type { RecordSignOffInput } from "@/lib/schemas/signoff";
import { GateEvidencePanel, SignedEvidence } from "./gate-evidence";

/**
 * The incident commander's page: phase control, actions, and every gate with its evidence. Live, the viewer's role
 * included: when an admin lowers it (or raises it) the socket says so and the controls follow at once; when the
 * viewer's session ends (deactivated, signed out elsewhere) they all go. The server re-checks every command anyway.
 */
export function SignoffBoard({ initialState, userRole, userId, sharePanel }: { initialState: RolloutState; userRole: Role; userId: string; sharePanel?: ReactNode }) {
  const rolloutId = initialState.rollout.id;
  const [liveRole, setLiveRole] = useState<Role>(userRole);
  const [signedOut, setSignedOut] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // Signed out, the page may only watch: the least role there is.
  const role: Role = signedOut ? "VIEWER" : liveRole;
  const queryKey = rolloutKeys.state(rolloutId);
  const now = useNow(5000);
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
    onPrincipal: (message) => {
      setLiveRole(message.role as Role);
      setNotice(`Your role is now ${roleLabel(message.role)}.`);
    },
    onSignedOut: () => setSignedOut(true),
  });
  const done = state.items.filter((i) => i.state === "DONE" || i.state === "SKIPPED").length;

  return (
    <div className="space-y-4">
      <div className="flex items-center gap-3 text-sm text-slate-600">
        <ConnectionBadge state={connection} />
        <span>
          Checklist now: {done}/{state.items.length} done
        </span>
      </div>
      {signedOut ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-breach">
          Your session has ended. <a href={`/login?callbackUrl=${encodeURIComponent(`/rollouts/${rolloutId}/signoff`)}`} className="underline">Sign in again</a> to act.
        </p>
      ) : notice ? (
        <p role="status" className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">
          {notice}
        </p>
      ) : null}
      {!can(role, "signoff.sign") ? (
        <p className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">
          Only an incident commander or an admin can sign, control phases or run actions. You can follow them here.
        </p>
      ) : null}
      <PhaseControl state={state} canControl={can(role, "phase.control")} canOverride={can(role, "phase.override")} />
      <ActionsPanel state={state} role={role} userId={userId} now={now} />
      <h2 className="pt-2 text-lg font-semibold">Gates</h2>
      {state.gates.map((gate) => (
        <GateCard key={gate.id} gate={gate} state={state} now={now} canSign={can(role, "signoff.sign") && gate.requiredRoles.includes(role)} />
      ))}
      {sharePanel && can(role, "share.manage") ? <div className="pt-2">{sharePanel}</div> : null}
    </div>
  );
}

function GateCard({ gate, state, now, canSign }: { gate: GateView; state: RolloutState; now: number; canSign: boolean }) {
  const status = gateStatus(gate, gate.signatures);
  const phase = gate.phaseId ? state.phases.find((p) => p.id === gate.phaseId) : undefined;
  const firstPhase = [...state.phases].sort((a, b) => a.position - b.position)[0];
  const asksTraffic = gate.kind === "GO_LIVE";
  const [error, setError] = useState<string | null>(null);
  const sign = useMutation({
    mutationFn: (input: RecordSignOffInput) => apiFetch(`/api/v1/gates/${gate.id}/signatures`, { method: "POST", body: input }),
    // signoff.recorded brings the signature to every open page, this one included.
    onSuccess: () => setError(null),
    onError: (e) => setError(e instanceof ApiError ? e.message : "Not signed"),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const decision = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("value") === "NO_GO" ? "NO_GO" : "GO";
    const comment = String(form.get("comment") ?? "").trim();
    const traffic = String(form.get("trafficPercent") ?? "").trim();
    const approverTitle = String(form.get("approverTitle") ?? "");
    sign.mutate({
      decision,
      ...(comment ? { comment } : {}),
      ...(asksTraffic && traffic !== "" ? { trafficPercent: Number(traffic) } : {}),
      ...(approverTitle ? { approverTitle } : {}),
    });
  }

  return (
    <section aria-label={gate.name} data-testid={`gate-${gate.id}`} data-state={status.state} className={`rounded-lg border p-4 ${TONE_CLASSES[GATE_STATE[status.state].tone].box}`}>
      <div className="flex flex-wrap items-baseline gap-2">
        <h3 className="text-lg font-semibold">{gate.name}</h3>
        <span className={`text-sm font-semibold ${TONE_CLASSES[GATE_STATE[status.state].tone].text}`}>{GATE_STATE[status.state].label}</span>
        <span className="text-xs text-slate-500">
          {GATE_KIND_LABEL[gate.kind]}
          {phase ? ` · before ${phase.name} (${phase.trafficPercent}%)` : ""}
        </span>
      </div>
      <p className="text-sm text-slate-600">
        Needs: {gate.requiredRoles.map((r) => ROLE_LABEL[r]).join(" + ")}
        {gate.approverTitles.length ? ` (${gate.approverTitles.join(", ")})` : ""}
        {status.missingApprovers.length || status.missingRoles.length ? <span data-testid="missing-roles"> · missing {missingWords(status)}</span> : null}
      </p>
      <GateEvidencePanel gate={gate} state={state} now={now} />
      {gate.signatures.length ? (
        <ul className="mt-2 space-y-1 text-sm" aria-label="Signatures">
          {gate.signatures.map((s) => (
            <li key={s.id}>
              <span className={`font-semibold ${TONE_CLASSES[DECISION[s.decision].tone].text}`}>{DECISION[s.decision].label}</span> by {s.signer.name} ({s.approverTitle ? `${s.approverTitle}, ` : ""}{ROLE_LABEL[s.signerRole]}) at{" "}
              <time dateTime={s.createdAt} suppressHydrationWarning>
                {new Date(s.createdAt).toLocaleString()}
              </time>
              {s.trafficPercent !== null ? <span> · initial traffic {s.trafficPercent}%</span> : null}
              {s.comment ? <span className="text-slate-600"> — “{s.comment}”</span> : null}
              <SignedEvidence evidence={s.evidence} />
            </li>
          ))}
        </ul>
      ) : null}
      {canSign ? (
        <form onSubmit={onSubmit} className="mt-3 flex flex-wrap items-center gap-2">
          {gate.approverTitles.length > 1 ? (
            <label className="flex items-center gap-1 text-sm">
              Sign as
              <select name="approverTitle" aria-label={`Approver for ${gate.name}`} defaultValue={status.missingApprovers[0] ?? gate.approverTitles[0]} className="rounded border border-slate-300 px-2 py-1">
                {gate.approverTitles.map((title) => (
                  <option key={title} value={title}>
                    {title}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {asksTraffic ? (
            <label className="flex items-center gap-1 text-sm">
              Initial traffic %
              <input
                name="trafficPercent"
                aria-label={`Initial traffic % for ${gate.name}`}
                type="number"
                min={0}
                max={100}
                defaultValue={firstPhase?.trafficPercent ?? ""}
                className="w-20 rounded border border-slate-300 px-2 py-1"
              />
            </label>
          ) : null}
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
