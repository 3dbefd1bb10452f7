"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { CredentialTable } from "@/components/credentials/credential-table";
import { OneTimeSecret } from "@/components/credentials/one-time-secret";
import { formatTime } from "@/components/rollouts/format";
import { ApiError, apiFetch } from "@/lib/api/client";
import { peopleKeys } from "@/lib/api/keys";
import type { ApiTokenView } from "@/lib/domain/tokens";
import { API_TOKEN_SCOPE_LABELS, apiTokenScopeSchema, type ApiTokenScopeName, type CreateTokenInput } from "@/lib/schemas/users";
import { ErrorAlert } from "@/components/layout/error-alert";

// The profile page: one's own API tokens (a new token is shown once; listed with its scope, its rollouts, last use
// and expiry; revoke) and a password change (which ends one's other sessions).

type TokenView = ApiTokenView;
export type TokenRolloutChoice = { id: string; name: string };
const field = "rounded border border-slate-300 px-2 py-1";

const SCOPE_HELP: Record<ApiTokenScopeName, string> = {
  FULL: "everything your role allows",
  READ_ONLY: "GETs and live feeds, no changes",
  METRICS_PUSH: "POST /api/v1/metrics",
};

export function ProfilePanel({ initialTokens, hasPassword, rollouts }: { initialTokens: TokenView[]; hasPassword: boolean; rollouts: TokenRolloutChoice[] }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [limited, setLimited] = useState(false);
  const [passwordSaved, setPasswordSaved] = useState(false);
  const { data } = useQuery({ queryKey: peopleKeys.tokens(), queryFn: ({ signal }) => apiFetch<{ tokens: TokenView[] }>("/api/v1/tokens", { signal }), initialData: { tokens: initialTokens } });
  const onError = (e: unknown) => setError(e instanceof ApiError ? e.message : "Something went wrong");
  const refresh = () => {
    setError(null);
    void queryClient.invalidateQueries({ queryKey: peopleKeys.tokens() });
  };
  const createToken = useMutation({
    mutationFn: (input: CreateTokenInput) => apiFetch<{ token: string }>("/api/v1/tokens", { method: "POST", body: input }),
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
    const scope = apiTokenScopeSchema.parse(form.get("scope") ?? "FULL");
    const rolloutIds = limited ? form.getAll("rolloutIds").map(String) : undefined;
    if (rolloutIds && rolloutIds.length === 0) {
      setError("Pick at least one rollout, or let the token reach every rollout");
      return;
    }
    createToken.mutate({ name: String(form.get("name") ?? "").trim(), scope, ...(days > 0 ? { expiresInDays: days } : {}), ...(rolloutIds ? { rolloutIds } : {}) });
  }

  return (
    <div className="space-y-6">
      <ErrorAlert>{error}</ErrorAlert>
      <section aria-label="API tokens" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-1 text-lg font-semibold">API tokens</h2>
        <p className="mb-2 text-sm text-slate-600">
          A token acts as you through <code className="text-xs">Authorization: Bearer</code>, never with more than your role: limit it to what the automation needs.
        </p>
        <form onSubmit={onCreate} className="mb-3 space-y-2">
          <div className="flex flex-wrap items-end gap-2">
            <label className="flex flex-col text-sm">
              Token name
              <input name="name" required maxLength={100} className={field} />
            </label>
            <label className="flex flex-col text-sm">
              Scope
              <select name="scope" defaultValue="FULL" className={field}>
                {apiTokenScopeSchema.options.map((scope) => (
                  <option key={scope} value={scope}>
                    {API_TOKEN_SCOPE_LABELS[scope]}: {SCOPE_HELP[scope]}
                  </option>
                ))}
              </select>
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
          </div>
          <fieldset className="text-sm">
            <legend className="mb-1">Rollouts</legend>
            <div className="flex flex-wrap gap-4">
              <label className="flex items-center gap-1">
                <input type="radio" name="reach" checked={!limited} onChange={() => setLimited(false)} />
                Every rollout
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="reach" checked={limited} onChange={() => setLimited(true)} disabled={rollouts.length === 0} />
                Only the rollouts chosen below
              </label>
            </div>
            {limited ? (
              <ul aria-label="Rollouts this token may touch" className="mt-1 max-h-48 overflow-y-auto rounded border border-slate-200 p-2">
                {rollouts.map((rollout) => (
                  <li key={rollout.id}>
                    <label className="flex items-center gap-1">
                      <input type="checkbox" name="rolloutIds" value={rollout.id} />
                      {rollout.name}
                    </label>
                  </li>
                ))}
              </ul>
            ) : null}
          </fieldset>
          <button type="submit" disabled={createToken.isPending} className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
            Create token
          </button>
        </form>
        {created ? <OneTimeSecret title="Copy this token now: it is shown only once." value={created} label="New API token" /> : null}
        <CredentialTable
          rows={data.tokens}
          empty="No tokens yet."
          rowTestId={(token) => `token-${token.name}`}
          revokeLabel={(token) => `Revoke ${token.name}`}
          onRevoke={(token) => revoke.mutate(token.id)}
          columns={[
            { header: "Name", cell: (token) => token.name },
            { header: "Token", cell: (token) => `${token.prefix}…`, className: "font-mono text-xs" },
            { header: "Scope", cell: (token) => <span data-testid="token-scope">{API_TOKEN_SCOPE_LABELS[token.scope]}</span> },
            {
              header: "Rollouts",
              cell: (token) => <span data-testid="token-rollouts">{token.rollouts === null ? "every rollout" : token.rollouts.length ? token.rollouts.map((r) => r.name).join(", ") : "none left"}</span>,
            },
            { header: "Created", cell: (token) => formatTime(token.createdAt) },
            { header: "Last used", cell: (token) => (token.lastUsedAt ? formatTime(token.lastUsedAt) : "never") },
            { header: "Expires", cell: (token) => (token.expiresAt ? formatTime(token.expiresAt) : "never") },
          ]}
        />
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
