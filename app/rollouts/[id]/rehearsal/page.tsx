import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/layout/app-header";
import { RehearsalReportView } from "@/components/plan/rehearsal-report";
import { RehearsalBadge } from "@/components/rollouts/rehearsal-badge";
import { loadRolloutPage } from "@/lib/auth/page-rollout";
import { can } from "@/lib/auth/permissions";
import { getRehearsalReport } from "@/lib/domain/rehearsals";

export const metadata: Metadata = { title: "Rehearsal report" };
export const dynamic = "force-dynamic";

export default async function RehearsalReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, state } = await loadRolloutPage(id, `/rollouts/${id}/rehearsal`);
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-5xl space-y-4 p-6">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold">Rehearsal report · {state.rollout.name}</h1>
          {state.rollout.isRehearsal ? <RehearsalBadge /> : null}
          <div className="flex-1" />
          <Link href={`/rollouts/${id}`} className="text-sm underline">
            Back to the war room
          </Link>
        </div>
        {state.rollout.isRehearsal ? (
          <RehearsalReportView rehearsalId={id} initialReport={await getRehearsalReport(id)} canRebaseline={can(user.role, "rollout.rehearse")} />
        ) : (
          <p className="text-sm">This rollout is not a rehearsal. Run one from its Plan page.</p>
        )}
      </main>
    </>
  );
}
