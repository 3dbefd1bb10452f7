import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/layout/app-header";
import { NewRolloutForm } from "@/components/plan/new-rollout-form";
import { requirePageUser } from "@/lib/auth/page-session";
import { can } from "@/lib/auth/permissions";
import { listRollouts } from "@/lib/domain/rollouts";
import { ROLE_LABEL } from "@/lib/domain/status";

export const metadata: Metadata = { title: "New rollout" };
export const dynamic = "force-dynamic";

/** Three ways to a new rollout: from scratch, from Markdown (the import page), or a copy of a template or rollout. */
export default async function NewRolloutPage() {
  const user = await requirePageUser("/rollouts/new");
  const sources = (await listRollouts()).filter((r) => !r.isRehearsal).map((r) => ({ id: r.id, name: r.name, isTemplate: r.isTemplate }));
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-3xl p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">New rollout</h1>
          <div className="flex-1" />
          <Link href="/rollouts" className="text-sm underline">
            All rollouts
          </Link>
        </div>
        {can(user.role, "rollout.configure") ? (
          <NewRolloutForm sources={sources} />
        ) : (
          <p className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">Only an admin can create rollouts. Your role is {ROLE_LABEL[user.role]}.</p>
        )}
      </main>
    </>
  );
}
