import type { Metadata } from "next";
import { AppHeader } from "@/components/layout/app-header";
import { PeopleAdmin } from "@/components/people/people-admin";
import { requirePageUser } from "@/lib/auth/page-session";
import { can } from "@/lib/auth/permissions";
import { listInvitations } from "@/lib/domain/invitations";
import { listUsers } from "@/lib/domain/users";
import { ROLE_LABEL } from "@/lib/domain/status";

export const metadata: Metadata = { title: "People" };
export const dynamic = "force-dynamic";

export default async function PeoplePage() {
  const user = await requirePageUser("/admin/users");
  const allowed = can(user.role, "user.manage");
  const [users, invitations] = allowed ? await Promise.all([listUsers(), listInvitations()]) : [[], []];
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-5xl p-6">
        <h1 className="mb-4 text-2xl font-semibold">People</h1>
        {allowed ? (
          <PeopleAdmin me={user.userId} initialUsers={users} initialInvitations={invitations} />
        ) : (
          <p className="rounded border border-slate-300 bg-white px-3 py-2 text-sm">Only an admin can manage people. Your role is {ROLE_LABEL[user.role]}.</p>
        )}
      </main>
    </>
  );
}
