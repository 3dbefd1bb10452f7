"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formatTime } from "@/components/rollouts/format";
import { ApiError, apiFetch } from "@/lib/api/client";
import { peopleKeys } from "@/lib/api/keys";
import type { ApiTokenView } from "@/lib/domain/tokens";

// The profile page: one's own API tokens (a new token is shown once; listed with last use and expiry; revoke)
// and a password change (which ends one's other sessions).

type TokenView = ApiTokenView;
const field = "rounded border border-slate-300 px-2 py-1";

export function ProfilePanel({ initialTokens, hasPassword }: { initialTokens: TokenView[]; hasPassword: boolean }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [passwordSaved, setPasswordSaved] = useState(false);
  const { data } = useQuery({ queryKey: peopleKeys.tokens(), queryFn: ({ signal }) => apiFetch<{ tokens: TokenView[] }>("/api/v1/tokens", { signal }), initialData: { tokens: initialTokens } });
  const onError = (e: unknown) => setError(e instanceof ApiError ? e.message : "Something went wrong");
  const refresh = () => {
    setError(null);
    void queryClient.invalidateQueries({ queryKey: peopleKeys.tokens() });
  };
  const createToken = useMutation({
    mutationFn: (input: { name: string; expiresInDays?: number }) => apiFetch<{ token: string }>("/api/v1/tokens", { method: "POST", body: input }),
    onSuccess: ({ token }) => {
      setCreated(token);
      refresh();
    },
    onError,
  });
  const revoke = useMutation({ mutationFn: (id: string) => apiFetch(`/api/v1/tokens/${id}`, { method: "DELETE" }), onSuccess: refresh, onError });
  const changePassword = useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => apiFetch("/api/v1/me/password", { method: "POST", body: input }),
    onSuccess: () => {
      setError(null);
      setPasswordSaved(true);
    },
    onError,
  });

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = Number(form.get("days"));
    createToken.mutate({ name: String(form.get("name") ?? "").trim(), ...(days > 0 ? { expiresInDays: days } : {}) });
  }

  return (
    <div className="space-y-6">
      {error ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-breach">
          {error}
        </p>
      ) : null}
      <section aria-label="API tokens" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-1 text-lg font-semibold">API tokens</h2>
        <p className="mb-2 text-sm text-slate-600">A token acts as you, with your role, through `Authorization: Bearer`.</p>
        <form onSubmit={onCreate} className="mb-3 flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-sm">
            Token name
            <input name="name" required maxLength={100} className={field} />
          </label>
          <label className="flex flex-col text-sm">
            Expires after
            <select name="days" defaultValue="90" className={field}>
              <option value="7">7 days</option>
              <option value="30">30 days</option>
              <option value="90">90 days</option>
              <option value="365">1 year</option>
              <option value="0">Never (until revoked)</option>
            </select>
          </label>
          <button type="submit" disabled={createToken.isPending} className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
            Create token
          </button>
        </form>
        {created ? (
          <div className="mb-3 rounded border border-green-300 bg-green-50 p-3 text-sm">
            <p className="mb-1 font-semibold">Copy this token now: it is shown only once.</p>
            <input readOnly value={created} aria-label="New API token" className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          </div>
        ) : null}
        {data.tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No tokens yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 font-normal">Name</th>
                <th className="py-1 font-normal">Token</th>
                <th className="py-1 font-normal">Created</th>
                <th className="py-1 font-normal">Last used</th>
                <th className="py-1 font-normal">Expires</th>
                <th className="py-1 font-normal">State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.tokens.map((token) => (
                <tr key={token.id} className="border-t border-slate-100" data-testid={`token-${token.name}`} data-state={token.state}>
                  <td className="py-1">{token.name}</td>
                  <td className="py-1 font-mono text-xs">{token.prefix}…</td>
                  <td className="py-1" suppressHydrationWarning>
                    {formatTime(token.createdAt)}
                  </td>
                  <td className="py-1" suppressHydrationWarning>
                    {token.lastUsedAt ? formatTime(token.lastUsedAt) : "never"}
                  </td>
                  <td className="py-1" suppressHydrationWarning>
                    {token.expiresAt ? formatTime(token.expiresAt) : "never"}
                  </td>
                  <td className="py-1">{token.state}</td>
                  <td className="py-1 text-right">
                    {token.state === "active" ? (
                      <button type="button" onClick={() => revoke.mutate(token.id)} className="rounded border border-red-300 px-2 py-0.5 text-xs text-breach" aria-label={`Revoke ${token.name}`}>
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {hasPassword ? (
        <section aria-label="Password" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-1 text-lg font-semibold">Password</h2>
          <p className="mb-2 text-sm text-slate-600">Changing it signs you out everywhere else.</p>
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              const form = new FormData(event.currentTarget);
              setPasswordSaved(false);
              changePassword.mutate({ currentPassword: String(form.get("current") ?? ""), newPassword: String(form.get("next") ?? "") });
            }}
          >
            <label className="flex flex-col text-sm">
              Current password
              <input name="current" type="password" required autoComplete="current-password" className={field} />
            </label>
            <label className="flex flex-col text-sm">
              New password
              <input name="next" type="password" minLength={8} required autoComplete="new-password" className={field} />
            </label>
            <button type="submit" disabled={changePassword.isPending} className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
              Change password
            </button>
          </form>
          {passwordSaved ? <p className="mt-2 text-sm text-ok">Password changed. Your other sessions have ended.</p> : null}
        </section>
      ) : null}
    </div>
  );
}
