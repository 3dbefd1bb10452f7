import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/layout/app-header";
import { ImportForm } from "@/components/runbook/import-form";
import { requirePageUser } from "@/lib/auth/page-session";
import { can } from "@/lib/auth/permissions";
import { ROLE_LABEL } from "@/lib/domain/status";

export const metadata: Metadata = { title: "Import a runbook" };
export const dynamic = "force-dynamic";

export default async function ImportRunbookPage() {
  const user = await requirePageUser("/rollouts/import");
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-4xl p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">Import a runbook</h1>
          <div className="flex-1" />
          <Link href="/rollouts" className="text-sm underline">
            All rollouts
          </Link>
        </div>
        {can(user.role, "rollout.configure") ? (
          <ImportForm />
        ) : (
          <p className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">Only an admin can import a runbook. Your role is {ROLE_LABEL[user.role]}.</p>
        )}
      </main>
    </>
  );
}
