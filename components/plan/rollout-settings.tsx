"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { RolloutSummary } from "@/lib/domain/selects";
import { ConfirmButton } from "./confirm-button";
import { formText, SubmitButton, TextField } from "./form-fields";

const problemOf = (e: unknown) => (e instanceof ApiError ? `${e.message}${e.body.fields ? ` (${Object.keys(e.body.fields).join(", ")})` : ""}` : "Not saved");

/** `datetime-local` wants local time without a zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The rollout's own fields (admins), and what can be made of it: a copy, a template, a rehearsal; archive. */
export function RolloutSettings({ rollout, canConfigure, canRehearse }: { rollout: RolloutSummary; canConfigure: boolean; canRehearse: boolean }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const patch = (body: Record<string, unknown>) =>
    apiFetch(`/api/v1/rollouts/${rollout.id}`, { method: "PATCH", body }).then(
      () => {
        setMessage(null);
        router.refresh();
      },
      (e: unknown) => setMessage(problemOf(e)),
    );
  const copy = (path: string, body: Record<string, unknown>) =>
    apiFetch<RolloutState>(`/api/v1/rollouts/${rollout.id}/${path}`, { method: "POST", body }).then(
      (state) => router.push(`/rollouts/${state.rollout.id}`),
      (e: unknown) => setMessage(problemOf(e)),
    );
  return (
    <section aria-label="Rollout settings" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Rollout</h2>
      {message ? (
        <p role="alert" className="text-sm text-breach">
          {message}
        </p>
      ) : null}
      {canConfigure ? (
        <form
          key={`${rollout.name}-${rollout.service}-${rollout.plannedStartAt}-${rollout.description}`}
          aria-label="Settings"
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            const t0 = formText(data, "plannedStartAt");
            void patch({ name: formText(data, "name"), service: formText(data, "service"), description: formText(data, "description"), plannedStartAt: t0 ? new Date(t0).toISOString() : null });
          }}
        >
          <TextField label="Name" name="name" defaultValue={rollout.name} required />
          <TextField label="Service" name="service" defaultValue={rollout.service} required />
          <TextField label="Planned go-live (T0)" name="plannedStartAt" type="datetime-local" defaultValue={toLocalInput(rollout.plannedStartAt)} />
          <TextField label="Description" name="description" defaultValue={rollout.description} className="min-w-64 flex-1" />
          <SubmitButton>Save</SubmitButton>
        </form>
      ) : null}
      <div className="flex flex-wrap gap-2 text-sm">
        {canRehearse && !rollout.isRehearsal ? (
          <button type="button" className="rounded border-2 border-dashed border-violet-700 px-3 py-1 font-semibold text-violet-800" onClick={() => void copy("rehearsals", {})}>
            Run as rehearsal
          </button>
        ) : null}
        {canConfigure ? (
          <>
            <button type="button" className="rounded border border-slate-300 px-3 py-1" onClick={() => void copy("clone", {})}>
              Clone
            </button>
            {!rollout.isRehearsal && rollout.status === "DRAFT" ? (
              <button type="button" className="rounded border border-slate-300 px-3 py-1" aria-pressed={rollout.isTemplate} onClick={() => void patch({ isTemplate: !rollout.isTemplate })}>
                {rollout.isTemplate ? "Unmark template" : "Mark as template"}
              </button>
            ) : null}
            {rollout.archivedAt ? (
              <button type="button" className="rounded border border-slate-300 px-3 py-1" onClick={() => void patch({ archived: false })}>
                Unarchive
              </button>
            ) : (
              <ConfirmButton label="Archive" question="Archive this rollout? Its plan becomes read-only." onConfirm={() => void patch({ archived: true })} className="self-center" />
            )}
          </>
        ) : null}
      </div>
    </section>
  );
}
