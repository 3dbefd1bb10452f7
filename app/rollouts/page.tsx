import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/layout/app-header";
import { requirePageUser } from "@/lib/auth/page-session";
import { can } from "@/lib/auth/permissions";
import { listRollouts } from "@/lib/domain/rollouts";
import { RehearsalBadge } from "@/components/rollouts/rehearsal-badge";
import { ROLLOUT_STATUS, TONE_CLASSES } from "@/lib/domain/status";

export const metadata: Metadata = { title: "Rollouts" };
export const dynamic = "force-dynamic";


export default async function RolloutsPage({ searchParams }: { searchParams: Promise<{ archived?: string }> }) {
  const user = await requirePageUser("/rollouts");
  const showArchived = (await searchParams).archived === "1";
  const all = await listRollouts();
  const rollouts = all.filter((r) => showArchived || !r.archivedAt);
  const archivedCount = all.filter((r) => r.archivedAt).length;
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-5xl p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">Rollouts</h1>
          <div className="flex-1" />
          {archivedCount ? (
            <Link href={showArchived ? "/rollouts" : "/rollouts?archived=1"} className="text-sm underline">
              {showArchived ? "Hide archived" : `Show archived (${archivedCount})`}
            </Link>
          ) : null}
          {can(user.role, "rollout.configure") ? (
            <>
              <Link href="/rollouts/new" className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white">
                New rollout
              </Link>
              <Link href="/rollouts/import" className="rounded border border-slate-300 bg-white px-3 py-1 text-sm font-semibold">
                Import a runbook
              </Link>
            </>
          ) : null}
        </div>
        {rollouts.length === 0 ? (
          <p className="text-slate-600">No rollouts yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {rollouts.map((r) => {
              const pct = r.progress.total ? Math.round((r.progress.done / r.progress.total) * 100) : 0;
              return (
                <li key={r.id} className="flex items-center gap-4 p-4">
                  <div className="flex-1">
                    <Link href={`/rollouts/${r.id}`} className="text-lg font-medium hover:underline">
                      {r.name}
                    </Link>{" "}
                    {r.isRehearsal ? <RehearsalBadge /> : null}
                    {r.isTemplate ? <span className="rounded bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900">TEMPLATE</span> : null}
                    {r.archivedAt ? <span className="rounded bg-slate-300 px-2 py-0.5 text-xs font-semibold">ARCHIVED</span> : null}
                    <div className="text-sm text-slate-600">
                      {r.service}
                      {r.currentPhase ? ` · ${r.currentPhase.name} (${r.currentPhase.trafficPercent}%)` : ""}
                    </div>
                  </div>
                  <div className="w-40">
                    <div className="h-2 rounded bg-slate-200" aria-hidden>
                      <div className="h-2 rounded bg-ok" style={{ width: `${pct}%` }} />
                    </div>
                    <div className="mt-1 text-xs text-slate-600">
                      {r.progress.done}/{r.progress.total} checklist items
                    </div>
                  </div>
                  <span className={`rounded px-2 py-0.5 text-xs font-semibold ${TONE_CLASSES[ROLLOUT_STATUS[r.status].tone].badge}`}>{ROLLOUT_STATUS[r.status].label}</span>
                  <Link href={`/rollouts/${r.id}/signoff`} className="text-sm text-slate-700 underline">
                    Sign-off
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </main>
    </>
  );
}
