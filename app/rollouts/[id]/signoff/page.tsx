import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/layout/app-header";
import { RehearsalBadge } from "@/components/rollouts/rehearsal-badge";
import { ShareLinksPanel } from "@/components/share/share-links-panel";
import { SignoffBoard } from "@/components/signoff/signoff-board";
import { loadRolloutPage } from "@/lib/auth/page-rollout";
import { can } from "@/lib/auth/permissions";
import { listShareTokens } from "@/lib/domain/tokens";

export const metadata: Metadata = { title: "Sign-off" };
export const dynamic = "force-dynamic";

export default async function SignoffPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, state } = await loadRolloutPage(id, `/rollouts/${id}/signoff`);
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-4xl p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">Sign-off · {state.rollout.name}</h1>
          {state.rollout.isRehearsal ? <RehearsalBadge /> : null}
          <div className="flex-1" />
          <Link href={`/rollouts/${id}`} className="text-sm underline">
            Back to the war room
          </Link>
        </div>
        <SignoffBoard
          initialState={state}
          userRole={user.role}
          userId={user.userId}
          sharePanel={can(user.role, "share.manage") ? <ShareLinksPanel rolloutId={id} initialLinks={await listShareTokens(user, id)} /> : undefined}
        />
      </main>
    </>
  );
}
