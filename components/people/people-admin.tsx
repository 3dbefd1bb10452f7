"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { CredentialTable } from "@/components/credentials/credential-table";
import { OneTimeSecret } from "@/components/credentials/one-time-secret";
import { formatTime } from "@/components/rollouts/format";
import { ApiError, apiFetch } from "@/lib/api/client";
import { peopleKeys } from "@/lib/api/keys";
import { ROLE_LABEL } from "@/lib/domain/status";
import type { InvitationView } from "@/lib/domain/invitations";
import type { UserView } from "@/lib/domain/users";
import type { CreateInvitationInput, CreateUserInput, UpdateUserInput } from "@/lib/schemas/users";
import { ErrorAlert } from "@/components/layout/error-alert";

// /admin/users: everyone with an account (change a role, deactivate, reactivate), invitations (a single-use link
// shown once), and accounts created with a password the admin hands over.

const ROLES = ["ADMIN", "COMMANDER", "ENGINEER", "VIEWER"] as const;
const field = "rounded border border-slate-300 px-2 py-1";

export function PeopleAdmin({ me, initialUsers, initialInvitations }: { me: string; initialUsers: UserView[]; initialInvitations: InvitationView[] }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [inviteUrl, setInviteUrl] = useState<string | null>(null);
  const users = useQuery({ queryKey: peopleKeys.users(), queryFn: ({ signal }) => apiFetch<{ users: UserView[] }>("/api/v1/users", { signal }), initialData: { users: initialUsers } });
  const invitations = useQuery({
    queryKey: peopleKeys.invitations(),
    queryFn: ({ signal }) => apiFetch<{ invitations: InvitationView[] }>("/api/v1/invitations", { signal }),
    initialData: { invitations: initialInvitations },
  });
  const onError = (e: unknown) => setError(e instanceof ApiError ? e.message : "Something went wrong");
  const refresh = () => {
    setError(null);
    void queryClient.invalidateQueries({ queryKey: peopleKeys.users() });
    void queryClient.invalidateQueries({ queryKey: peopleKeys.invitations() });
  };
  const update = useMutation({ mutationFn: ({ id, change }: { id: string; change: UpdateUserInput }) => apiFetch(`/api/v1/users/${id}`, { method: "PATCH", body: change }), onSuccess: refresh, onError });
  const invite = useMutation({
    mutationFn: (input: CreateInvitationInput) => apiFetch<{ url: string }>("/api/v1/invitations", { method: "POST", body: input }),
    onSuccess: ({ url }) => {
      setInviteUrl(url);
      refresh();
    },
    onError,
  });
  const revoke = useMutation({ mutationFn: (id: string) => apiFetch(`/api/v1/invitations/${id}`, { method: "DELETE" }), onSuccess: refresh, onError });
  const create = useMutation({ mutationFn: (input: CreateUserInput) => apiFetch("/api/v1/users", { method: "POST", body: input }), onSuccess: refresh, onError });

  const values = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    return (name: string) => String(form.get(name) ?? "").trim();
  };

  return (
    <div className="space-y-6">
      <ErrorAlert>{error}</ErrorAlert>
      <section aria-label="People" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 text-lg font-semibold">People</h2>
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 font-normal">Name</th>
              <th className="py-1 font-normal">E-mail</th>
              <th className="py-1 font-normal">Role</th>
              <th className="py-1 font-normal">State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((user) => (
              <tr key={user.id} className="border-t border-slate-100" data-testid={`user-${user.email}`}>
                <td className="py-1">
                  {user.name}
                  {user.singleSignOn ? <span className="ml-1 text-xs text-slate-500">(SSO)</span> : null}
                </td>
                <td className="py-1">{user.email}</td>
                <td className="py-1">
                  <select
                    aria-label={`Role of ${user.name}`}
                    value={user.role}
                    disabled={user.id === me || !user.active || update.isPending}
                    onChange={(e) => update.mutate({ id: user.id, change: { role: e.target.value as UserView["role"] } })}
                    className={field}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>{ROLE_LABEL[role]}</option>
                    ))}
                  </select>
                </td>
                <td className="py-1">{user.active ? "Active" : <span suppressHydrationWarning>Deactivated {formatTime(user.deactivatedAt!)}</span>}</td>
                <td className="py-1 text-right">
                  {user.id === me ? null : (
                    <button
                      type="button"
                      disabled={update.isPending}
                      onClick={() => update.mutate({ id: user.id, change: { active: !user.active } })}
                      className={`rounded border px-2 py-0.5 text-xs ${user.active ? "border-red-300 text-breach" : "border-slate-300"}`}
                    >
                      {user.active ? `Deactivate ${user.name}` : `Reactivate ${user.name}`}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-label="Invite someone" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-1 text-lg font-semibold">Invite someone</h2>
        <p className="mb-2 text-sm text-slate-600">They get a link that works once, for 3 days, and choose their own password.</p>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            const v = values(event);
            invite.mutate({ email: v("email"), role: v("role") as CreateInvitationInput["role"], ...(v("name") ? { name: v("name") } : {}) });
          }}
        >
          <label className="flex flex-col text-sm">
            E-mail
            <input name="email" type="email" required className={field} />
          </label>
          <label className="flex flex-col text-sm">
            Name (optional)
            <input name="name" maxLength={200} className={field} />
          </label>
          <label className="flex flex-col text-sm">
            Role
            <select name="role" defaultValue="ENGINEER" className={field}>
              {ROLES.map((role) => (
                <option key={role} value={role}>{ROLE_LABEL[role]}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={invite.isPending} className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
            Create invitation
          </button>
        </form>
        {inviteUrl ? (
          <div className="mt-3">
            <OneTimeSecret title="Send this link now: it is shown only once." value={inviteUrl} label="Invitation link" />
          </div>
        ) : null}
        <CredentialTable
          className="mt-3 w-full text-left text-sm"
          rows={invitations.data.invitations}
          empty={null}
          revokeLabel={(inv) => `Revoke the invitation of ${inv.email}`}
          onRevoke={(inv) => revoke.mutate(inv.id)}
          columns={[
            { header: "E-mail", cell: (inv) => inv.email },
            { header: "Role", cell: (inv) => inv.role },
            { header: "Expires", cell: (inv) => formatTime(inv.expiresAt) },
          ]}
        />
      </section>

      <section aria-label="Create an account" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-1 text-lg font-semibold">Create an account</h2>
        <p className="mb-2 text-sm text-slate-600">With a password you hand over yourself (an invitation is better: they choose it).</p>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            const v = values(event);
            const form = event.currentTarget;
            create.mutate({ email: v("email"), name: v("name"), role: v("role") as CreateUserInput["role"], password: v("password") }, { onSuccess: () => form.reset() });
          }}
        >
          <label className="flex flex-col text-sm">
            E-mail
            <input name="email" type="email" required className={field} />
          </label>
          <label className="flex flex-col text-sm">
            Name
            <input name="name" required maxLength={200} className={field} />
          </label>
          <label className="flex flex-col text-sm">
            Role
            <select name="role" defaultValue="ENGINEER" className={field}>
              {ROLES.map((role) => (
                <option key={role} value={role}>{ROLE_LABEL[role]}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-sm">
            Password
            <input name="password" type="password" minLength={8} required autoComplete="new-password" className={field} />
          </label>
          <button type="submit" disabled={create.isPending} className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
            Create account
          </button>
        </form>
      </section>
    </div>
  );
}
