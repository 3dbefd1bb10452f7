import type { Metadata } from "next";
import { AppHeader } from "@/components/layout/app-header";
import { ProfilePanel } from "@/components/people/profile-panel";
import { requirePageUser } from "@/lib/auth/page-session";
import { listRollouts } from "@/lib/domain/rollouts";
import { listOwnApiTokens } from "@/lib/domain/tokens";
import { getUser } from "@/lib/domain/users";
import { ROLE_LABEL } from "@/lib/domain/status";

export const metadata: Metadata = { title: "Profile" };
export const dynamic = "force-dynamic";

export default async function ProfilePage() {
  const user = await requirePageUser("/profile");
  const [tokens, account, rollouts] = await Promise.all([listOwnApiTokens(user.userId), getUser(user.userId), listRollouts()]);
  // The rollouts a new token may be limited to (archived ones are read-only: no token needs them).
  const choices = rollouts.filter((r) => !r.archivedAt).map((r) => ({ id: r.id, name: r.name }));
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-5xl p-6">
        <h1 className="mb-1 text-2xl font-semibold">{user.name}</h1>
        <p className="mb-4 text-sm text-slate-600">
          {user.email} · {ROLE_LABEL[user.role]}
          {account.singleSignOn ? " · signs in with single sign-on" : ""}
        </p>
        <ProfilePanel initialTokens={tokens} hasPassword={account.hasPassword} rollouts={choices} />
      </main>
    </>
  );
}
