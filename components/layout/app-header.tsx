import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { SignOutButton } from "./sign-out-button";
import { ROLE_LABEL } from "@/lib/domain/status";

export function AppHeader({ user, children }: { user: UserPrincipal; children?: React.ReactNode }) {
  return (
    <header className="flex items-center gap-4 bg-slate-900 px-4 py-2 text-white">
      <Link href="/rollouts" className="font-semibold tracking-tight">
        War Room
      </Link>
      <div className="flex-1">{children}</div>
      {can(user.role, "user.manage") ? (
        <Link href="/admin/users" className="text-sm text-slate-300 hover:text-white">
          People
        </Link>
      ) : null}
      <Link href="/profile" className="text-sm" data-testid="current-user">
        {user.name} <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs">{ROLE_LABEL[user.role]}</span>
      </Link>
      <SignOutButton />
    </header>
  );
}
