import type { Metadata } from "next";
import Link from "next/link";
import { ActionConfig } from "@/components/actions/action-config";
import { RehearsalBadge } from "@/components/rollouts/rehearsal-badge";
import { AppHeader } from "@/components/layout/app-header";
import { loadRolloutPage } from "@/lib/auth/page-rollout";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Actions" };
export const dynamic = "force-dynamic";

/** ADMIN: configure the rollout's rollback, kill switch and traffic actions. */
export default async function ActionsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, state } = await loadRolloutPage(id, `/rollouts/${id}/actions`);
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-4xl p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">Actions · {state.rollout.name}</h1>
          {state.rollout.isRehearsal ? <RehearsalBadge /> : null}
          <div className="flex-1" />
          <Link href={`/rollouts/${id}/signoff`} className="text-sm underline">
            Sign-off page
          </Link>
        </div>
        {can(user.role, "action.configure") ? (
          <ActionConfig rolloutId={id} />
        ) : (
          <p className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">Only an admin can configure actions.</p>
        )}
      </main>
    </>
  );
}
