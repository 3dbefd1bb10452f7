"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { PendingApproval, RunActionDialog } from "@/components/actions/actions-panel";
import { effectiveRunStatus } from "@/components/actions/action-run-list";
import { criterionLimit } from "@/components/metrics/shape";
import { apiFetch } from "@/lib/api/client";
import { can, canRunAction } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { ActionSummary } from "@/lib/domain/selects";
import { attentionOf, formatValue, TONE_CLASSES, TRIGGER_STATE } from "@/lib/domain/status";
import { formatAgo } from "./format";

// "Do this now": when a trigger of the running phase is Pending or Firing, or its verdict is FAIL, the war room
// and the wall say so at the top: what fired, since when, its value against its threshold; and, for those who
// may act, the next actions right there (Roll back, with the action's own two-person rule; Pause; Override on
// the sign-off page, where the blockers are listed), and the runs waiting for a second approver.

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function DoThisNow({ state, role, userId, now, wall }: { state: RolloutState; role: Role | null; userId: string; now: number; wall: boolean }) {
  const attention = attentionOf(state.phases);
  const [open, setOpen] = useState<ActionSummary | null>(null);
  const pause = useMutation({
    mutationFn: (reason: string) => apiFetch(`/api/v1/rollouts/${state.rollout.id}/pause`, { method: "POST", body: { reason } }),
  });
  const pending = state.actionRuns.filter((r) => effectiveRunStatus(r, now) === "PENDING_APPROVAL");
  if (!attention && pending.length === 0) return null;

  const firing = attention?.triggers.some((t) => t.state === "FIRING") ?? false;
  const tone = firing || attention?.failed ? "breach" : attention ? "warn" : "active";
  const rollback = state.actions.find((a) => a.kind === "ROLLBACK");
  const mayAct = role !== null && !wall;
  const what = attention
    ? [...attention.triggers.map((t) => `${t.description} ${TRIGGER_STATE[t.state].label.toLowerCase()}`), ...(attention.failed ? [`${attention.phase.name} verdict FAIL`] : [])].join("; ")
    : "";

  return (
    <section
      role="alert"
      aria-label="Do this now"
      data-testid="do-this-now"
      data-tone={tone}
      className={`mb-4 rounded-lg border-2 p-4 ${TONE_CLASSES[tone].box} ${wall ? "text-3xl" : "text-base"}`}
    >
      {attention ? (
        <>
          <h2 className={`font-bold ${wall ? "text-5xl" : "text-xl"} ${TONE_CLASSES[tone].text}`}>Do this now: {firing ? "roll back or decide" : attention.failed ? "this step failed" : "watch closely"}</h2>
          <ul className="mt-2 space-y-1">
            {attention.triggers.map((t) => (
              <li key={t.id} data-testid={`alarm-${t.id}`} data-state={t.state}>
                <span className={`font-semibold ${TONE_CLASSES[TRIGGER_STATE[t.state].tone].text}`}>{TRIGGER_STATE[t.state].label}</span>
                {t.stateSince ? (
                  <span suppressHydrationWarning>
                    {" "}
                    since {clock(t.stateSince)} ({formatAgo(t.stateSince, now).replace(" ago", "")})
                  </span>
                ) : null}
                : {t.description} · <span className="font-semibold tabular-nums">{formatValue(t.lastValue, t.unit)}</span> against {criterionLimit({ ...t, pendingSeconds: 0 })}
              </li>
            ))}
            {attention.failed ? (
              <li data-testid="alarm-verdict">
                <span className="font-semibold text-breach">Verdict FAIL</span> in {attention.phase.name}: promotion is blocked
              </li>
            ) : null}
          </ul>
        </>
      ) : null}
      {mayAct && attention ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          {rollback ? (
            <button
              type="button"
              disabled={!canRunAction(role, rollback)}
              onClick={() => setOpen(rollback)}
              className="min-h-11 rounded bg-breach px-4 py-2 font-semibold text-white disabled:opacity-50"
            >
              Roll back…
            </button>
          ) : (
            <span className="text-sm">No rollback action is configured: roll back by hand.</span>
          )}
          {can(role, "phase.control") && state.rollout.status === "ACTIVE" ? (
            <button
              type="button"
              disabled={pause.isPending}
              onClick={() => pause.mutate(`Paused from "Do this now": ${what}`)}
              className="min-h-11 rounded border border-slate-400 bg-white px-4 py-2 font-semibold disabled:opacity-50"
            >
              Pause
            </button>
          ) : null}
          {can(role, "phase.override") ? (
            <Link href={`/rollouts/${state.rollout.id}/signoff`} className="inline-flex min-h-11 items-center rounded border border-slate-400 bg-white px-4 py-2 font-semibold">
              Override…
            </Link>
          ) : null}
          {rollback?.requiresSecondApprover ? <span className="text-sm text-slate-600">Roll back needs a second person to approve.</span> : null}
          {pause.error ? (
            <span role="status" className="text-sm text-breach">
              {pause.error.message}
            </span>
          ) : null}
        </div>
      ) : null}
      {pending.length > 0 && role !== null && can(role, "action.approve") && !wall ? (
        <div className="mt-3" role="group" aria-label="Waiting for your approval">
          <h3 className="text-sm font-semibold">Waiting for a second approver</h3>
          <ul className="space-y-1 text-sm">
            {pending.map((run) => (
              <PendingApproval key={run.id} run={run} role={role} userId={userId} now={now} />
            ))}
          </ul>
        </div>
      ) : null}
      {open ? <RunActionDialog key={open.id} action={open} state={state} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
