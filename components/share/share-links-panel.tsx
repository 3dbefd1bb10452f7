"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { CredentialTable } from "@/components/credentials/credential-table";
import { OneTimeSecret } from "@/components/credentials/one-time-secret";
import { formatTime } from "@/components/rollouts/format";
import { ApiError, apiFetch } from "@/lib/api/client";
import { shareKeys } from "@/lib/api/keys";
import type { ShareLinkView } from "@/lib/domain/tokens";
import type { CreateShareLinkInput } from "@/lib/schemas/share";

// Stakeholder links of one rollout, for commanders and admins: create one (with an expiry), see which exist and
// whether they still work, revoke one. A link's URL is shown once, right after it is created: only its hash is
// stored.

const EXPIRY_CHOICES = [
  { label: "1 hour", hours: 1 },
  { label: "1 day", hours: 24 },
  { label: "7 days", hours: 24 * 7 },
  { label: "30 days", hours: 24 * 30 },
  { label: "90 days", hours: 24 * 90 },
  { label: "Never (until revoked)", hours: 0 },
] as const;

type Created = { id: string; url: string; label: string | null; expiresAt: string | null };

export function ShareLinksPanel({ rolloutId, initialLinks }: { rolloutId: string; initialLinks: ShareLinkView[] }) {
  const queryKey = shareKeys.byRollout(rolloutId);
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { data } = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiFetch<{ links: ShareLinkView[] }>(`/api/v1/rollouts/${rolloutId}/share-links`, { signal }),
    initialData: { links: initialLinks },
  });
  const onError = (e: unknown) => setError(e instanceof ApiError ? e.message : "Something went wrong");
  const create = useMutation({
    mutationFn: (input: CreateShareLinkInput) => apiFetch<Created>(`/api/v1/rollouts/${rolloutId}/share-links`, { method: "POST", body: input }),
    onSuccess: (link) => {
      setError(null);
      setCreated(link);
      void queryClient.invalidateQueries({ queryKey });
    },
    onError,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/share-links/${id}`, { method: "DELETE" }),
    onSuccess: (_result, id) => {
      setError(null);
      if (created?.id === id) setCreated(null);
      void queryClient.invalidateQueries({ queryKey });
    },
    onError,
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const label = String(form.get("label") ?? "").trim();
    const hours = Number(form.get("expiry"));
    create.mutate({ ...(label ? { label } : {}), ...(hours > 0 ? { expiresInHours: hours } : {}) });
  }

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Stakeholder links">
      <h2 className="text-lg font-semibold">Stakeholder links</h2>
      <p className="mb-3 text-sm text-slate-600">
        A read-only status page without login: overall status, phase, progress, health and next step. No contacts, notes or actions.
      </p>
      <form onSubmit={onSubmit} className="mb-3 flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-sm">
          Label
          <input name="label" maxLength={200} placeholder="e.g. Exec team" className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col text-sm">
          Expires after
          <select name="expiry" defaultValue="24" className="rounded border border-slate-300 px-2 py-1">
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.hours} value={c.hours}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={create.isPending} className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
          Create link
        </button>
      </form>
      {created ? <OneTimeSecret title="Copy this link now: it is shown only once." value={created.url} label="New stakeholder link" testId="new-share-link" copyButton /> : null}
      {error ? (
        <p role="alert" className="mb-2 text-sm text-breach">
          {error}
        </p>
      ) : null}
      <CredentialTable
        rows={data.links}
        empty="No links yet."
        rowTestId={(link) => `share-link-${link.id}`}
        revokeLabel={(link) => `Revoke ${link.label ?? "link"}`}
        onRevoke={(link) => revoke.mutate(link.id)}
        revoking={revoke.isPending}
        columns={[
          { header: "Label", cell: (link) => link.label ?? <span className="text-slate-500">(no label)</span> },
          { header: "Created", cell: (link) => `${formatTime(link.createdAt)}${link.createdBy ? ` by ${link.createdBy.name}` : ""}` },
          { header: "Expires", cell: (link) => (link.revokedAt ? `revoked ${formatTime(link.revokedAt)}` : link.expiresAt ? formatTime(link.expiresAt) : "never") },
        ]}
      />
    </section>
  );
}
