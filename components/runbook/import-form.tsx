"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import type { RunbookSummary } from "@/lib/runbook/result";
import { importRunbookSchema, type ImportPlan, type ImportRunbookInput } from "@/lib/schemas/import-plan";
import { ImportReview, SummaryCounts, type ImportResult } from "./import-review";
import { MAX_RUNBOOK_MARKDOWN_BYTES } from "@/lib/schemas/runbook";
import { ErrorAlert } from "@/components/layout/error-alert";

// Upload a .md file or paste Markdown; the server reads it and answers with what it found, stored as a new
// rollout. The same schema checks the input here first, so an empty or oversized runbook is refused at once.

type DryRun = { dryRun: true; plan: ImportPlan; summary: RunbookSummary };

export function ImportForm() {
  const [markdown, setMarkdown] = useState("");
  const [name, setName] = useState("");
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const importRunbook = useMutation({
    mutationFn: (input: ImportRunbookInput) => apiFetch<ImportResult>("/api/v1/rollouts/import", { method: "POST", body: input }),
    onSuccess: () => setError(null),
    onError: (e) => setError(e instanceof ApiError ? (e.body.fields?.markdown?.[0] ?? e.message) : "The import failed; nothing was stored."),
  });
  const review = useMutation({
    mutationFn: (input: ImportRunbookInput) => apiFetch<DryRun>("/api/v1/rollouts/import", { method: "POST", body: { ...input, dryRun: true } }),
    onSuccess: () => setError(null),
    onError: (e) => setError(e instanceof ApiError ? (e.body.fields?.markdown?.[0] ?? e.message) : "The runbook could not be read; nothing was stored."),
  });

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_RUNBOOK_MARKDOWN_BYTES) {
      setError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a runbook can be at most 1 MB.`);
      return;
    }
    setError(null);
    setMarkdown(await file.text());
    setFileNote(`${file.name} · ${(file.size / 1024).toFixed(1)} KB`);
  }

  function checked(): ImportRunbookInput | undefined {
    const parsed = importRunbookSchema.safeParse({ markdown, ...(name.trim() ? { name } : {}) });
    if (!parsed.success) {
      setError(`Runbook ${parsed.error.issues[0]?.message ?? "is not valid"}.`);
      return undefined;
    }
    return parsed.data;
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = checked();
    if (input) importRunbook.mutate(input);
  }

  if (review.data) return <ImportReview markdown={markdown} plan={review.data.plan} onCancel={() => review.reset()} />;

  const result = importRunbook.data;
  if (result) {
    return (
      <section className="rounded-lg border border-green-300 bg-white p-4" aria-label="Import result" data-testid="import-result">
        <h2 className="mb-1 text-lg font-semibold">Imported “{result.rollout.name}”</h2>
        <p className="mb-3 text-sm text-slate-600">Service: {result.rollout.service}. This is what War Room read and stored:</p>
        <div className="mb-4">
          <SummaryCounts summary={result.summary} label="Stored counts" />
        </div>
        <div className="flex gap-3">
          <Link href={`/rollouts/${result.rollout.id}`} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">
            Open the war room
          </Link>
          <button
            type="button"
            className="rounded border border-slate-300 px-3 py-1.5 text-sm"
            onClick={() => {
              importRunbook.reset();
              setMarkdown("");
              setName("");
              setFileNote(null);
            }}
          >
            Import another
          </button>
        </div>
      </section>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <label className="block text-sm">
        <span className="mb-1 block font-semibold">Upload a Markdown file</span>
        <input type="file" accept=".md,.markdown,.txt,text/markdown,text/plain" onChange={(e) => void onFile(e)} aria-label="Markdown file" />
        {fileNote ? <span className="ml-2 text-slate-600">{fileNote}</span> : null}
      </label>
      <label className="block text-sm">
        <span className="mb-1 block font-semibold">…or paste it</span>
        <textarea
          value={markdown}
          onChange={(e) => setMarkdown(e.target.value)}
          rows={16}
          className="w-full rounded border border-slate-300 p-2 font-mono text-xs"
          placeholder={"# Checkout v2 go-live\n\n## Pre-deployment (T-24h)\n- [ ] Backups verified (Owner: DBA)\n\n### Phase 1: Canary (10% traffic, 1h)\n- Error rate > 1% for 5 minutes"}
          aria-label="Runbook Markdown"
        />
      </label>
      <label className="block text-sm">
        <span className="mb-1 block font-semibold">Name (optional)</span>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} className="w-full rounded border border-slate-300 px-2 py-1" placeholder="Read from the runbook's title when empty" aria-label="Rollout name" />
      </label>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="flex flex-wrap gap-3">
        <button
          type="button"
          disabled={review.isPending}
          onClick={() => {
            const input = checked();
            if (input) review.mutate(input);
          }}
          className="rounded bg-slate-900 px-4 py-1.5 text-sm font-semibold text-white disabled:opacity-50"
        >
          {review.isPending ? "Reading…" : "Review before import"}
        </button>
        <button type="submit" disabled={importRunbook.isPending} className="rounded border border-slate-400 px-4 py-1.5 text-sm font-semibold disabled:opacity-50">
          {importRunbook.isPending ? "Importing…" : "Import runbook"}
        </button>
      </div>
      <p className="text-xs text-slate-600">
        Headings become sections; checkboxes are tasks (in a document without checkboxes, list items are); signature lines (“QA Lead: ____”) sign-off gates; contact tables and
        escalation chains contacts; measurable lines, threshold tables and lists under “Rollback Triggers” or “Success Criteria” criteria and triggers; “Phase N (X% traffic)” blocks
        and traffic steps phases. Everything else is kept as notes. Review shows the plan beside the Markdown before anything is stored. A War Room export imports as the runbook it
        was exported from.
      </p>
    </form>
  );
}
