"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formTOffsetOrDash } from "./report-format";
import { ApiError, apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import type { getRehearsalReport } from "@/lib/domain/rehearsals";
import { labelIn, PHASE_STATUS, ROLLOUT_STATUS } from "@/lib/domain/status";

type Report = Awaited<ReturnType<typeof getRehearsalReport>>;

const minutes = (n: number | null) => (n === null ? "—" : `${n} min`);
const signed = (n: number | null) => (n === null ? "—" : `${n > 0 ? "+" : ""}${n} min`);

/** Planned against actual: what ran late, which gates waited longest; "Re-baseline" writes the timings to the plan. */
export function RehearsalReportView({ rehearsalId, initialReport, canRebaseline }: { rehearsalId: string; initialReport: Report; canRebaseline: boolean }) {
  const { data: report } = useQuery({
    queryKey: [...rolloutKeys.state(rehearsalId), "rehearsal-report"],
    queryFn: ({ signal }) => apiFetch<{ report: Report }>(`/api/v1/rollouts/${rehearsalId}/rehearsal-report`, { signal }).then((r) => r.report),
    initialData: initialReport,
    refetchInterval: 15_000,
  });
  const [result, setResult] = useState<string | null>(null);
  const late = report.items.filter((i) => i.late).sort((a, b) => (b.lateByMinutes ?? 0) - (a.lateByMinutes ?? 0));
  return (
    <div className="space-y-4">
      <section aria-label="Summary" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <p>
          {report.rehearsal.startedAt ? `Started ${new Date(report.rehearsal.startedAt).toLocaleString()}` : "Not started yet"}
          {report.summary.totalMinutes !== null ? ` · took ${report.summary.totalMinutes} min` : ""} · status {labelIn(ROLLOUT_STATUS, report.rehearsal.status)}
        </p>
        <p data-testid="report-summary">
          {report.summary.lateItems} of {report.summary.measuredItems} measured items ran late
          {report.summary.longestGateWait ? ` · longest gate wait: ${report.summary.longestGateWait.name} (${minutes(report.summary.longestGateWait.waitedMinutes)})` : ""}
        </p>
        {report.rehearsalOf ? (
          <p>
            Rehearses <Link href={`/rollouts/${report.rehearsalOf.id}`} className="underline">{report.rehearsalOf.name}</Link>
          </p>
        ) : null}
        {canRebaseline && report.rehearsalOf ? (
          <div className="mt-2 flex items-center gap-3">
            <button
              type="button"
              className="rounded bg-violet-800 px-3 py-1 font-semibold text-white"
              onClick={() =>
                apiFetch<{ items: number; phases: number }>(`/api/v1/rollouts/${rehearsalId}/rebaseline`, { method: "POST", body: {} }).then(
                  (r) => setResult(`Plan re-baselined: ${r.items} item times, ${r.phases} phase durations.`),
                  (e: unknown) => setResult(e instanceof ApiError ? e.message : "Not re-baselined"),
                )
              }
            >
              Re-baseline the plan
            </button>
            {result ? <span role="status">{result}</span> : null}
          </div>
        ) : null}
      </section>

      <section aria-label="Phases" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-semibold">Phases</h2>
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr><th>Phase</th><th>Planned (minimum)</th><th>Actual</th><th>Over</th><th>Status</th></tr>
          </thead>
          <tbody>
            {report.phases.map((p) => (
              <tr key={p.phaseId} className={p.overByMinutes !== null && p.overByMinutes > 0 ? "text-warn" : ""}>
                <td>{p.name}</td><td>{minutes(p.plannedMinutes)}</td><td>{minutes(p.actualMinutes)}</td><td>{signed(p.overByMinutes)}</td><td>{labelIn(PHASE_STATUS, p.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-label="Gates" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-semibold">Gates, longest wait first</h2>
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr><th>Gate</th><th>Before</th><th>Waited</th><th>Signed GO</th></tr>
          </thead>
          <tbody>
            {report.gates.map((g) => (
              <tr key={g.gateId}>
                <td>{g.name}</td><td>{g.phaseName ?? "start"}</td><td>{minutes(g.waitedMinutes)}</td><td suppressHydrationWarning>{g.approvedAt ? new Date(g.approvedAt).toLocaleTimeString() : "not yet"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-label="Items" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-semibold">Items{late.length ? ` (${late.length} late)` : ""}</h2>
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr><th>Item</th><th>Section</th><th>Planned</th><th>Actual</th><th>Late by</th></tr>
          </thead>
          <tbody>
            {report.items.map((i) => (
              <tr key={i.itemId} data-late={i.late ? "true" : undefined} className={i.late ? "text-breach" : ""}>
                <td>{i.text}</td><td>{i.section}</td><td className="font-mono">{formTOffsetOrDash(i.plannedOffsetMinutes)}</td><td className="font-mono">{formTOffsetOrDash(i.actualOffsetMinutes)}</td><td>{signed(i.lateByMinutes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
