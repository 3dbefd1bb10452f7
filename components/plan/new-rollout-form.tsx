"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import type { RolloutState } from "@/lib/domain/rollouts";
import { ErrorAlert } from "@/components/layout/error-alert";

type Source = { id: string; name: string; isTemplate: boolean };

/** From scratch (name, service, T0, description), or a copy of a template or an earlier rollout; then the plan editor. */
export function NewRolloutForm({ sources }: { sources: Source[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [sourceId, setSourceId] = useState(sources.find((s) => s.isTemplate)?.id ?? sources[0]?.id ?? "");
  const fail = (e: unknown) => setError(e instanceof ApiError ? `${e.message}${e.body.fields ? ` (${Object.keys(e.body.fields).join(", ")})` : ""}` : "Not created");
  const open = (state: RolloutState) => router.push(`/rollouts/${state.rollout.id}/plan`);
  const templates = sources.filter((s) => s.isTemplate);
  const earlier = sources.filter((s) => !s.isTemplate);

  return (
    <div className="space-y-6">
      <ErrorAlert>{error}</ErrorAlert>
      <form
        aria-label="From scratch"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const t0 = String(data.get("plannedStartAt") ?? "");
          const description = String(data.get("description") ?? "").trim();
          apiFetch<RolloutState>("/api/v1/rollouts", {
            method: "POST",
            body: { name: data.get("name"), service: data.get("service"), ...(t0 ? { plannedStartAt: new Date(t0).toISOString() } : {}), ...(description ? { description } : {}) },
          }).then(open, fail);
        }}
      >
        <h2 className="font-semibold">From scratch</h2>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="flex flex-col text-sm">
            Name
            <input name="name" required maxLength={200} className="rounded border border-slate-300 px-2 py-1" />
          </label>
          <label className="flex flex-col text-sm">
            Service
            <input name="service" required maxLength={200} className="rounded border border-slate-300 px-2 py-1" />
          </label>
          <label className="flex flex-col text-sm">
            Planned go-live (T0, your time)
            <input name="plannedStartAt" type="datetime-local" className="rounded border border-slate-300 px-2 py-1" />
          </label>
        </div>
        <label className="flex flex-col text-sm">
          Description
          <textarea name="description" maxLength={20000} rows={3} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white">
          Create and plan
        </button>
      </form>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">From Markdown</h2>
        <p className="text-sm text-slate-600">
          Upload or paste a runbook on the <Link href="/rollouts/import" className="underline">import page</Link>, review what it read, and plan from there.
        </p>
      </section>

      <form
        aria-label="Copy a template or a rollout"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const name = String(data.get("name") ?? "").trim();
          apiFetch<RolloutState>(`/api/v1/rollouts/${sourceId}/clone`, { method: "POST", body: name ? { name } : {} }).then(open, fail);
        }}
      >
        <h2 className="font-semibold">Copy a template or an earlier rollout</h2>
        <p className="text-sm text-slate-600">The copy takes the structure: no ticks, signatures, runs or readings.</p>
        {sources.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing to copy yet.</p>
        ) : (
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col text-sm">
              Copy of
              <select aria-label="Copy of" value={sourceId} onChange={(e) => setSourceId(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
                {templates.length ? (
                  <optgroup label="Templates">
                    {templates.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
                <optgroup label="Rollouts">
                  {earlier.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>
            <label className="flex flex-col text-sm">
              New name (optional)
              <input name="name" maxLength={200} className="rounded border border-slate-300 px-2 py-1" />
            </label>
            <button type="submit" className="rounded bg-slate-900 px-3 py-1 text-sm font-semibold text-white">
              Copy and plan
            </button>
          </div>
        )}
      </form>
    </div>
  );
}
