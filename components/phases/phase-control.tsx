"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useNow } from "@/components/rollouts/use-now";
import { ApiError, apiFetch } from "@/lib/api/client";
import type { PhaseChange } from "@/lib/domain/phases";
import { currentPhaseOf, nextPhaseOf, promotionBlockers, startBlockers, type Blocker } from "@/lib/domain/phase-rules";
import type { RolloutState } from "@/lib/domain/rollouts";
import { ACTION_RUN_STATUS, PHASE_STATUS, ROLLOUT_STATUS, TONE_CLASSES, VERDICT } from "@/lib/domain/status";

// Start, promote, pause, resume, abort. The blockers shown are computed by the same pure rules the server
// checks inside its transaction; the server has the last word (409 with its own list).

type Command = "start" | "promote" | "pause" | "resume" | "abort";


export function PhaseControl({ state, canControl, canOverride }: { state: RolloutState; canControl: boolean; canOverride: boolean }) {
  const rolloutId = state.rollout.id;
  const [overrideOn, setOverrideOn] = useState(false);
  const [overrideReason, setOverrideReason] = useState("");
  const [abortOpen, setAbortOpen] = useState(false);
  const [abortReason, setAbortReason] = useState("");
  const [pauseReason, setPauseReason] = useState("");
  const [message, setMessage] = useState<{ tone: "ok" | "warn" | "breach"; text: string; blockers?: Blocker[] } | null>(null);

  const status = state.rollout.status;
  const current = currentPhaseOf(state.phases);
  const next = nextPhaseOf(state.phases);
  const first = [...state.phases].sort((a, b) => a.position - b.position)[0];
  const now = useNow(5000);
  const blockers =
    status === "DRAFT" ? startBlockers(state.rollout, state.phases, state.gates, now) : status === "ACTIVE" && current ? promotionBlockers(current, next ?? null, state.gates, now) : [];
  const hardBlocked = blockers.some((b) => !b.overridable);

  const run = useMutation({
    mutationFn: ({ command, body }: { command: Command; body: Record<string, unknown> }) =>
      apiFetch<PhaseChange>(`/api/v1/rollouts/${rolloutId}/${command}`, { method: "POST", body }),
    onSuccess: (change, { command }) => {
      setOverrideOn(false);
      setOverrideReason("");
      setAbortOpen(false);
      setAbortReason("");
      setPauseReason("");
      const traffic = change.trafficRun;
      if (traffic && traffic.status !== "SUCCEEDED") {
        setMessage({
          tone: traffic.status === "FAILED" ? "breach" : "warn",
          text: `${command === "start" ? "Started" : "Promoted"}, but “${traffic.action.name}” ${ACTION_RUN_STATUS[traffic.status].label.toLowerCase()}${traffic.error ? `: ${traffic.error}` : ""}. Traffic may not match the phase: set it from the actions below.`,
        });
      } else {
        setMessage(traffic ? { tone: "ok", text: `Traffic set to ${(traffic.params as { percentage?: number }).percentage ?? "?"}%.` } : null);
      }
    },
    onError: (error) => {
      const blockersFromServer = error instanceof ApiError ? (error.body.blockers as Blocker[] | undefined) : undefined;
      setMessage({ tone: "breach", text: error instanceof Error ? error.message : "Failed", blockers: blockersFromServer });
    },
  });

  const override = overrideOn && overrideReason.trim() ? { override: { reason: overrideReason.trim() } } : {};
  const blocked = blockers.length > 0 && !(overrideOn && overrideReason.trim() && !hardBlocked);
  const busy = run.isPending;

  return (
    <section aria-label="Phase control" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex flex-wrap items-baseline gap-3">
        <h2 className="text-lg font-semibold">Phases</h2>
        <span className="text-sm text-slate-600" data-testid="phase-control-status">
          {ROLLOUT_STATUS[status].label}
          {current ? ` · ${current.name} at ${current.trafficPercent}%` : ""}
        </span>
      </div>
      <ol className="mb-3 flex flex-wrap gap-2" aria-label="Phase plan">
        {state.phases.map((phase) => {
          const firing = phase.criteria.filter((c) => c.state === "FIRING").length;
          return (
            <li key={phase.id} data-testid={`phase-${phase.id}`} data-status={phase.status} className={`min-w-28 flex-1 rounded border px-3 py-2 text-sm ${TONE_CLASSES[PHASE_STATUS[phase.status].tone].box}`}>
              <div className="font-semibold">
                {phase.name} <span className="font-normal">{phase.trafficPercent}%</span>
              </div>
              <div className="text-xs">
                {PHASE_STATUS[phase.status].label}
                {phase.verdict ? ` · ${VERDICT[phase.verdict].label}` : ""}
                {firing ? <span className="font-semibold text-breach"> · {firing} trigger{firing > 1 ? "s" : ""} firing</span> : null}
              </div>
            </li>
          );
        })}
      </ol>

      {blockers.length > 0 ? (
        <ul className="mb-3 space-y-1 text-sm" aria-label="Blockers">
          {blockers.map((b) => (
            <li key={b.message} className={b.overridable ? "text-warn" : "font-semibold text-breach"}>
              {b.overridable ? "⚠" : "⛔"} {b.message}
            </li>
          ))}
        </ul>
      ) : null}

      {canControl ? (
        <div className="space-y-2">
          {blockers.length > 0 && canOverride && !hardBlocked ? (
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <label className="flex items-center gap-1">
                <input type="checkbox" checked={overrideOn} onChange={(e) => setOverrideOn(e.target.checked)} /> Override the blockers
              </label>
              {overrideOn ? (
                <input
                  aria-label="Override reason"
                  value={overrideReason}
                  onChange={(e) => setOverrideReason(e.target.value)}
                  placeholder="Why it is safe to go ahead (recorded)"
                  maxLength={1000}
                  className="min-w-72 flex-1 rounded border border-slate-300 px-2 py-1"
                />
              ) : null}
            </div>
          ) : null}
          <div className="flex flex-wrap items-center gap-2">
            {status === "DRAFT" && first ? (
              <button type="button" disabled={busy || blocked} onClick={() => run.mutate({ command: "start", body: override })} className="rounded bg-ok px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
                Start rollout ({first.name}, {first.trafficPercent}%)
              </button>
            ) : null}
            {status === "ACTIVE" && next ? (
              <button
                type="button"
                disabled={busy || blocked}
                onClick={() => run.mutate({ command: "promote", body: { toPhaseId: next.id, ...override } })}
                className="rounded bg-ok px-3 py-1 text-sm font-semibold text-white disabled:opacity-50"
              >
                Promote to {next.name} ({next.trafficPercent}%)
              </button>
            ) : null}
            {status === "ACTIVE" && current && !next ? (
              <button type="button" disabled={busy || blocked} onClick={() => run.mutate({ command: "promote", body: override })} className="rounded bg-ok px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
                Complete rollout
              </button>
            ) : null}
            {status === "ACTIVE" ? (
              <>
                <input aria-label="Pause reason" value={pauseReason} onChange={(e) => setPauseReason(e.target.value)} placeholder="Pause reason (optional)" maxLength={1000} className="rounded border border-slate-300 px-2 py-1 text-sm" />
                <button type="button" disabled={busy} onClick={() => run.mutate({ command: "pause", body: pauseReason.trim() ? { reason: pauseReason.trim() } : {} })} className="rounded border border-amber-400 bg-amber-50 px-3 py-1 text-sm font-semibold text-warn disabled:opacity-50">
                  Pause
                </button>
              </>
            ) : null}
            {status === "PAUSED" ? (
              <button type="button" disabled={busy} onClick={() => run.mutate({ command: "resume", body: {} })} className="rounded bg-ok px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
                Resume
              </button>
            ) : null}
            {["DRAFT", "ACTIVE", "PAUSED"].includes(status) ? (
              <button type="button" disabled={busy} onClick={() => setAbortOpen((v) => !v)} className="rounded border border-red-300 px-3 py-1 text-sm font-semibold text-breach disabled:opacity-50">
                Abort…
              </button>
            ) : null}
          </div>
          {abortOpen ? (
            <form
              className="flex flex-wrap items-center gap-2 rounded border border-red-200 bg-red-50 p-2 text-sm"
              onSubmit={(e) => {
                e.preventDefault();
                run.mutate({ command: "abort", body: { reason: abortReason.trim() } });
              }}
            >
              <input aria-label="Abort reason" required value={abortReason} onChange={(e) => setAbortReason(e.target.value)} placeholder="Why abort (recorded)" maxLength={1000} className="min-w-72 flex-1 rounded border border-slate-300 px-2 py-1" />
              <button type="submit" disabled={busy || !abortReason.trim()} className="rounded bg-breach px-3 py-1 font-semibold text-white disabled:opacity-50">
                Confirm abort
              </button>
              <span className="text-xs text-slate-600">Aborting changes no traffic: run the rollback action for that.</span>
            </form>
          ) : null}
        </div>
      ) : (
        <p className="text-sm text-slate-600">Only an incident commander or an admin can start, promote, pause or abort.</p>
      )}

      {message ? (
        <div role={message.tone === "ok" ? "status" : "alert"} className={`mt-3 rounded border px-3 py-2 text-sm ${TONE_CLASSES[message.tone].box} ${TONE_CLASSES[message.tone].text}`}>
          {message.text}
        </div>
      ) : null}
    </section>
  );
}
