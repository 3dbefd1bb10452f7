"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ApiError, apiFetch, newIdempotencyKey } from "@/lib/api/client";
import { can, canRunAction } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import type { ActionRunResult, DryRunResult } from "@/lib/domain/action-runs";
import { currentPhaseOf, nextPhaseOf } from "@/lib/domain/phase-rules";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { ActionRunDetailView, ActionRunView, ActionSummary } from "@/lib/domain/selects";
import { ActionRunList, effectiveRunStatus, runTitle } from "./action-run-list";
import { ACTION_KIND_LABEL, TONE_CLASSES } from "@/lib/domain/status";

/** Actions that take the new build away: their buttons are in the breach tone. */
const DESTRUCTIVE_KINDS: ReadonlySet<string> = new Set(["ROLLBACK", "KILL_SWITCH"]);

// The rollout's actions as one-click, confirmed, recorded steps: run (with a reason), dry run, approve a
// colleague's two-person request, and the recent runs with their outcome.


type Props = { state: RolloutState; role: Role; userId: string; now: number };

export function ActionsPanel({ state, role, userId, now }: Props) {
  const rolloutId = state.rollout.id;
  const [open, setOpen] = useState<ActionSummary | null>(null);
  const pending = state.actionRuns.filter((r) => effectiveRunStatus(r, now) === "PENDING_APPROVAL");

  return (
    <section aria-label="Actions" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex items-baseline gap-3">
        <h2 className="text-lg font-semibold">Actions</h2>
        {can(role, "action.configure") ? (
          <Link href={`/rollouts/${rolloutId}/actions`} className="text-sm underline">
            Configure actions
          </Link>
        ) : null}
        {can(role, "notifications.read") ? (
          <Link href={`/rollouts/${rolloutId}/notifications`} className="text-sm underline">
            Notifications
          </Link>
        ) : null}
      </div>
      {state.actions.length === 0 ? <p className="text-sm text-slate-500">No actions configured for this rollout.</p> : null}
      <ul className="mb-3 flex flex-wrap gap-2">
        {state.actions.map((action) => {
          const allowed = canRunAction(role, action);
          return (
            <li key={action.id}>
              <button
                type="button"
                disabled={!allowed}
                title={allowed ? undefined : `${action.allowedRoles.join(", ")} only`}
                onClick={() => setOpen(action)}
                className={`rounded px-3 py-1.5 text-sm font-semibold disabled:opacity-50 ${DESTRUCTIVE_KINDS.has(action.kind) ? TONE_CLASSES.breach.badge : "border border-slate-300 bg-white"}`}
              >
                {action.name}…
              </button>
              <span className="ml-1 text-xs text-slate-500">
                {ACTION_KIND_LABEL[action.kind]}
                {action.requiresSecondApprover ? " · two-person" : ""}
              </span>
            </li>
          );
        })}
      </ul>

      {pending.length > 0 ? (
        <div className="mb-3 rounded border border-amber-300 bg-amber-50 p-2" aria-label="Pending approvals" role="group">
          <h3 className="mb-1 text-sm font-semibold text-warn">Waiting for a second approver</h3>
          <ul className="space-y-1 text-sm">
            {pending.map((run) => (
              <PendingApproval key={run.id} run={run} role={role} userId={userId} now={now} />
            ))}
          </ul>
        </div>
      ) : null}

      <h3 className="mb-1 text-sm font-semibold">Recent runs</h3>
      <ActionRunList runs={state.actionRuns} now={now} />

      {open ? <RunActionDialog key={open.id} action={open} state={state} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

export function PendingApproval({ run, role, userId, now }: { run: ActionRunView; role: Role; userId: string; now: number }) {
  const [error, setError] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: (decision: "approve" | "reject") => apiFetch<{ run: ActionRunDetailView }>(`/api/v1/action-runs/${run.id}/${decision}`, { method: "POST", body: {} }),
    // The run's events (action.run.*) bring the change to every open page, this one included.
    onSuccess: () => setError(null),
    onError: (e) => setError(e instanceof Error ? e.message : "Failed"),
  });
  const own = run.requestedBy?.id === userId;
  const minutesLeft = run.expiresAt ? Math.max(0, Math.ceil((new Date(run.expiresAt).getTime() - now) / 60_000)) : null;
  return (
    <li data-testid={`pending-${run.id}`}>
      <span className="font-medium">{runTitle(run)}</span> by {run.requestedBy?.name ?? "War Room"}: “{run.reason}”
      {minutesLeft !== null ? <span className="text-xs text-slate-600"> · {minutesLeft} min left</span> : null}{" "}
      {can(role, "action.approve") && !own ? (
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate("approve")} className="ml-2 rounded bg-ok px-2 py-0.5 text-xs font-semibold text-white disabled:opacity-50">
          Approve and run
        </button>
      ) : null}
      {own ? <span className="ml-2 text-xs text-slate-600">(your request: another commander or admin approves)</span> : null}
      {can(role, "action.approve") || own ? (
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate("reject")} className="ml-2 rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-50">
          {own ? "Withdraw" : "Reject"}
        </button>
      ) : null}
      {error ? (
        <span role="alert" className="ml-2 text-xs text-breach">
          {error}
        </span>
      ) : null}
    </li>
  );
}

/** The confirmation step: a reason (and a percentage where the action takes one), an optional dry run, then run. */
export function RunActionDialog({ action, state, onClose }: { action: ActionSummary; state: RolloutState; onClose: () => void }) {
  // One key per confirmation: a double click or a retry after a dropped connection replays instead of re-running.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const takesPercentage = action.kind === "SET_TRAFFIC" || action.kind === "CUSTOM";
  const defaultPercentage = (nextPhaseOf(state.phases) ?? currentPhaseOf(state.phases))?.trafficPercent;
  const [reason, setReason] = useState("");
  const [percentage, setPercentage] = useState(action.kind === "SET_TRAFFIC" && defaultPercentage !== undefined ? String(defaultPercentage) : "");
  const [dry, setDry] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ActionRunDetailView | null>(null);

  const params = takesPercentage && percentage.trim() !== "" ? { percentage: Number(percentage) } : {};
  const dryRun = useMutation({
    mutationFn: () => apiFetch<DryRunResult>(`/api/v1/actions/${action.id}/dry-run`, { method: "POST", body: { ...(reason.trim() ? { reason: reason.trim() } : {}), params, idempotencyKey } }),
    onSuccess: (r) => {
      setDry(r);
      setError(null);
    },
    onError: (e) => setError(e instanceof Error ? e.message : "Dry run failed"),
  });
  const run = useMutation({
    mutationFn: () => apiFetch<ActionRunResult>(`/api/v1/actions/${action.id}/runs`, { method: "POST", body: { reason: reason.trim(), params }, headers: { "Idempotency-Key": idempotencyKey } }),
    onSuccess: (r) => {
      if (r.run.status === "SUCCEEDED") onClose();
      else setResult(r.run);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.body.run) setResult(e.body.run as ActionRunDetailView);
      setError(e instanceof Error ? e.message : "Not run");
    },
  });

  return (
    <div className="fixed inset-0 z-20 flex items-start justify-center bg-slate-900/40 p-6" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div role="dialog" aria-modal="true" aria-label={`Run ${action.name}`} className="max-h-full w-full max-w-2xl overflow-auto rounded-lg bg-white p-4 shadow-xl">
        <h2 className="mb-1 text-lg font-semibold">Run “{action.name}”?</h2>
        <p className="mb-3 text-sm text-slate-600">
          {action.requiresSecondApprover
            ? `Two-person rule: this records your request; a second commander or admin must approve it within ${action.approvalWindowMinutes} minutes before it runs.`
            : "This calls the target now, records the run, and everyone in the room sees it."}
        </p>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            run.mutate();
          }}
        >
          <label className="block text-sm">
            <span className="font-medium">Reason (recorded)</span>
            <textarea aria-label="Reason" required value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} rows={2} className="mt-1 w-full rounded border border-slate-300 px-2 py-1" />
          </label>
          {takesPercentage ? (
            <label className="block text-sm">
              <span className="font-medium">Traffic %</span>
              <input aria-label="Traffic percentage" type="number" min={0} max={100} step="any" value={percentage} onChange={(e) => setPercentage(e.target.value)} className="mt-1 w-28 rounded border border-slate-300 px-2 py-1" />
            </label>
          ) : null}
          <div className="flex flex-wrap gap-2">
            <button type="submit" disabled={run.isPending || !reason.trim() || result !== null} className="rounded bg-breach px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
              {action.requiresSecondApprover ? "Request" : "Run"} {action.name}
            </button>
            <button type="button" disabled={dryRun.isPending} onClick={() => dryRun.mutate()} className="rounded border border-slate-300 px-3 py-1 text-sm">
              Dry run
            </button>
            <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1 text-sm">
              {result ? "Close" : "Cancel"}
            </button>
          </div>
        </form>
        {error ? (
          <p role="alert" className="mt-3 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-breach">
            {error}
          </p>
        ) : null}
        {result && result.status === "PENDING_APPROVAL" ? (
          <p role="status" className="mt-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-warn">
            Requested. It runs when a second commander or admin approves it.
          </p>
        ) : null}
        {result?.responseExcerpt ? (
          <pre className="mt-2 max-h-40 overflow-auto rounded bg-slate-100 p-2 text-xs" aria-label="Response excerpt">
            {result.responseExcerpt}
          </pre>
        ) : null}
        {dry ? (
          <div className="mt-3 text-sm" data-testid="dry-run">
            <p className={dry.reachability.reachable ? "text-ok" : "text-breach"}>
              {dry.reachability.reachable ? `Target reachable (connected in ${dry.reachability.latencyMs} ms).` : `Target not reachable: ${dry.reachability.error}.`} Nothing was sent to the
              route.
            </p>
            <pre className="mt-1 max-h-60 overflow-auto rounded bg-slate-100 p-2 text-xs" aria-label="Request that would be sent">
              {`${dry.request.method} ${dry.request.url}\n${Object.entries(dry.request.headers)
                .map(([name, value]) => `${name}: ${value}`)
                .join("\n")}${dry.request.body !== null ? `\n\n${dry.request.body}` : ""}`}
            </pre>
          </div>
        ) : null}
      </div>
    </div>
  );
}
