import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/layout/app-header";
import { NotificationChannels } from "@/components/notifications/notification-channels";
import { ReminderSettings } from "@/components/notifications/reminder-settings";
import { loadRolloutPage } from "@/lib/auth/page-rollout";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Notifications" };
export const dynamic = "force-dynamic";

/** Where this rollout's notifications go, and what happened to each (commanders read, admins configure). */
export default async function NotificationsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, state } = await loadRolloutPage(id, `/rollouts/${id}/notifications`);
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-4xl p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">Notifications · {state.rollout.name}</h1>
          <div className="flex-1" />
          <Link href={`/rollouts/${id}/signoff`} className="text-sm underline">
            Sign-off page
          </Link>
        </div>
        {can(user.role, "notifications.read") ? (
          <div className="space-y-6">
            <NotificationChannels rolloutId={id} canConfigure={can(user.role, "notifications.configure")} />
            <ReminderSettings rolloutId={id} canConfigure={can(user.role, "notifications.configure")} />
          </div>
        ) : (
          <p className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">Only a commander or an admin can see where notifications go.</p>
        )}
      </main>
    </>
  );
}
