"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import type { RolloutSummary } from "@/lib/domain/selects";
import { convertElement, draftFromPlan } from "@/lib/runbook/plan";
import type { RunbookSummary } from "@/lib/runbook/result";
import { planElementKinds, type ImportPlan, type PlanCriterion, type PlanElement, type PlanElementKind } from "@/lib/schemas/import-plan";
import { ErrorAlert } from "@/components/layout/error-alert";

// The review step of an import: the plan a dry run read, beside the Markdown it was read from. Clicking an
// element highlights its source lines. Before creating, the admin can change an element's kind, edit a
// criterion (metric / tile key, comparator, threshold, unit, pending period) and drop an element; the counts are
// recomputed from the edited plan with the same function the server stores it with, so they are what will be
// stored. Reusable: give it a dry run's plan and the Markdown (the import page does; plan editing can too).

export type ImportResult = { rollout: RolloutSummary; summary: RunbookSummary };

export const SUMMARY_ROWS: Array<[keyof RunbookSummary, string]> = [
  ["sections", "Sections"],
  ["items", "Checklist items"],
  ["checkedItems", "Already done ([x])"],
  ["gates", "Sign-off gates"],
  ["signoffs", "Approvers to sign"],
  ["contacts", "Contacts"],
  ["phases", "Phases"],
  ["criteria", "Success criteria"],
  ["triggers", "Rollback triggers"],
];

const KIND_LABEL: Record<PlanElementKind, string> = { item: "item", note: "note", criterion: "criterion", trigger: "trigger", gate: "gate", contact: "contact" };
const KIND_STYLE: Record<PlanElementKind, string> = {
  item: "bg-stone-100 text-stone-800",
  note: "bg-stone-50 text-stone-600",
  // Kinds, not states: hues the status vocabulary does not use, so a trigger does not read as a breach.
  criterion: "bg-cyan-50 text-cyan-900",
  trigger: "bg-fuchsia-50 text-fuchsia-900",
  gate: "bg-indigo-50 text-indigo-900",
  contact: "bg-violet-50 text-violet-900",
};
const COMPARATORS: Array<[PlanCriterion["comparator"], string]> = [["LT", "<"], ["LTE", "≤"], ["GT", ">"], ["GTE", "≥"], ["EQ", "="]];
// Tile keys the war room's metric tiles commonly use; the plan's own keys are offered too.
const COMMON_TILE_KEYS = ["error_rate", "latency_p50", "latency_p95", "latency_p99", "availability", "success_rate", "throughput", "cpu", "memory"];

export function SummaryCounts({ summary, label }: { summary: RunbookSummary; label: string }) {
  return (
    <dl aria-label={label} className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
      {SUMMARY_ROWS.map(([key, text]) => (
        <div key={key} className="flex justify-between gap-2 border-b border-slate-100 py-1">
          <dt className="text-slate-600">{text}</dt>
          <dd className="font-semibold tabular-nums" data-testid={`summary-${key}`}>
            {summary[key]}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ImportReview({ markdown, plan: initial, onCancel }: { markdown: string; plan: ImportPlan; onCancel?: () => void }) {
  const [plan, setPlan] = useState<ImportPlan>(initial);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { summary } = useMemo(() => draftFromPlan(plan), [plan]);
  const lines = useMemo(() => markdown.replace(/\r\n?/g, "\n").split("\n"), [markdown]);
  const sectionTitle = useMemo(() => new Map(plan.sections.map((s) => [s.id, s.title])), [plan.sections]);
  const tileKeys = useMemo(() => [...new Set([...COMMON_TILE_KEYS, ...plan.elements.flatMap((e) => (e.criterion?.metricKey ? [e.criterion.metricKey] : []))])], [plan.elements]);
  const highlighted = plan.elements.find((e) => e.id === selected)?.lines ?? null;

  const create = useMutation({
    mutationFn: () => apiFetch<ImportResult>("/api/v1/rollouts/import", { method: "POST", body: { plan } }),
    onSuccess: () => setError(null),
    onError: (e) => setError(e instanceof ApiError ? (Object.values(e.body.fields ?? {})[0]?.[0] ?? e.message) : "The import failed; nothing was stored."),
  });

  const update = (id: string, change: (element: PlanElement) => PlanElement) =>
    setPlan((current) => ({ ...current, elements: current.elements.map((e) => (e.id === id ? change(e) : e)) }));

  function select(element: PlanElement) {
    setSelected(element.id);
    if (element.lines) document.getElementById(`source-line-${element.lines.start}`)?.scrollIntoView({ block: "center" });
  }

  if (create.data) {
    const result = create.data;
    return (
      <section className="rounded-lg border border-green-300 bg-white p-4" aria-label="Import result" data-testid="import-result">
        <h2 className="mb-1 text-lg font-semibold">Imported “{result.rollout.name}”</h2>
        <p className="mb-3 text-sm text-slate-600">Service: {result.rollout.service}. This is what War Room stored:</p>
        <div className="mb-4">
          <SummaryCounts summary={result.summary} label="Stored counts" />
        </div>
        <Link href={`/rollouts/${result.rollout.id}`} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">
          Open the war room
        </Link>
      </section>
    );
  }

  return (
    <section aria-label="Review the import" className="space-y-3" data-testid="import-review">
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <label className="flex items-center gap-2 text-sm">
          <span className="font-semibold">Name</span>
          <input
            value={plan.name}
            onChange={(e) => setPlan({ ...plan, name: e.target.value })}
            maxLength={200}
            className="w-72 rounded border border-slate-300 px-2 py-1"
            aria-label="Rollout name"
          />
        </label>
        <div className="flex-1" />
        {onCancel ? (
          <button type="button" onClick={onCancel} className="rounded border border-slate-300 px-3 py-1.5 text-sm">
            Back to the Markdown
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => create.mutate()}
          disabled={create.isPending || plan.name.trim() === ""}
          className="rounded bg-slate-900 px-4 py-1.5 text-sm font-semibold text-white disabled:opacity-50"
        >
          {create.isPending ? "Creating…" : "Create rollout"}
        </button>
      </div>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="rounded-lg border border-slate-200 bg-white p-3">
        <h2 className="mb-1 text-sm font-semibold">What will be stored</h2>
        <SummaryCounts summary={summary} label="Counts to be stored" />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <div className="max-h-[75vh] overflow-auto rounded-lg border border-slate-200 bg-white" aria-label="Runbook Markdown source" role="region">
          <pre className="text-xs leading-5">
            {lines.map((line, index) => {
              const n = index + 1;
              const on = highlighted !== null && n >= highlighted.start && n <= highlighted.end;
              return (
                <div key={n} id={`source-line-${n}`} data-testid={`source-line-${n}`} data-highlighted={on ? "true" : undefined} className={on ? "bg-amber-100" : undefined}>
                  <span className="inline-block w-10 select-none pr-2 text-right text-slate-400">{n}</span>
                  {line || " "}
                </div>
              );
            })}
          </pre>
        </div>
        <ol className="max-h-[75vh] space-y-1 overflow-auto" aria-label="Import plan">
          {plan.elements.map((element) => (
            <PlanRow
              key={element.id}
              element={element}
              section={element.sectionId ? sectionTitle.get(element.sectionId) : undefined}
              selected={element.id === selected}
              onSelect={() => select(element)}
              onChange={(change) => update(element.id, change)}
            />
          ))}
        </ol>
      </div>
      <datalist id="tile-keys">
        {tileKeys.map((key) => (
          <option key={key} value={key} />
        ))}
      </datalist>
    </section>
  );
}

function PlanRow({
  element,
  section,
  selected,
  onSelect,
  onChange,
}: {
  element: PlanElement;
  section: string | undefined;
  selected: boolean;
  onSelect: () => void;
  onChange: (change: (element: PlanElement) => PlanElement) => void;
}) {
  const label = element.text.split("\n")[0]?.slice(0, 160) ?? "";
  const lineText = element.lines ? (element.lines.start === element.lines.end ? `line ${element.lines.start}` : `lines ${element.lines.start}–${element.lines.end}`) : "no source line";
  const measured = element.kind === "criterion" || element.kind === "trigger";
  const criterion = element.criterion;
  const setCriterion = (patch: Partial<PlanCriterion>) =>
    onChange((e) => ({ ...e, criterion: { ...(e.criterion ?? { metricKey: "", comparator: "GT", threshold: null, pendingSeconds: 0 }), ...patch } }));
  return (
    <li
      data-testid={`plan-element-${element.id}`}
      data-kind={element.kind}
      aria-label={`${KIND_LABEL[element.kind]}: ${label}`}
      aria-current={selected ? "true" : undefined}
      className={`rounded border p-2 text-sm ${selected ? "border-amber-400 ring-1 ring-amber-300" : "border-slate-200"} ${element.dropped ? "opacity-50" : ""} bg-white`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <select
          aria-label={`Kind of “${label.slice(0, 60)}”`}
          value={element.kind}
          onChange={(e) => onChange((current) => convertElement(current, e.target.value as PlanElementKind))}
          className={`rounded border border-slate-300 px-1 py-0.5 text-xs font-semibold ${KIND_STYLE[element.kind]}`}
        >
          {planElementKinds.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_LABEL[kind]}
            </option>
          ))}
        </select>
        <button type="button" onClick={onSelect} className={`min-w-0 flex-1 text-left ${element.dropped ? "line-through" : ""}`} title="Show its lines in the Markdown">
          {label}
        </button>
        <span className="text-xs text-slate-500">{lineText}</span>
        <label className="flex items-center gap-1 text-xs">
          <input type="checkbox" checked={element.dropped} onChange={(e) => onChange((current) => ({ ...current, dropped: e.target.checked }))} aria-label={`Drop “${label.slice(0, 60)}”`} />
          drop
        </label>
      </div>
      <p className="mt-0.5 text-xs text-slate-500">
        {section ? <span className="font-medium">{section} · </span> : null}
        {element.reason}
      </p>
      {element.review ? <p className="mt-0.5 text-xs font-medium text-amber-800">Check: {element.review}</p> : null}
      {element.kind === "gate" && element.gate ? <p className="mt-0.5 text-xs">Approvers: {element.gate.approverTitles.join(", ") || "the commander"}</p> : null}
      {element.kind === "contact" && element.contact ? (
        <p className="mt-0.5 text-xs">
          {element.contact.role} · {element.contact.name}
          {element.contact.phone ? ` · ${element.contact.phone}` : ""} · level {element.contact.escalationLevel}
          {element.contact.escalateAfterMinutes !== undefined ? ` after ${element.contact.escalateAfterMinutes} min` : ""}
        </p>
      ) : null}
      {measured && criterion ? (
        <fieldset className="mt-1 flex flex-wrap items-end gap-2 text-xs" aria-label={`Criterion “${label.slice(0, 60)}”`}>
          <label className="flex flex-col">
            <span className="text-slate-600">Tile key</span>
            <input list="tile-keys" value={criterion.metricKey} onChange={(e) => setCriterion({ metricKey: e.target.value })} className="w-36 rounded border border-slate-300 px-1 py-0.5" aria-label={`Tile key of “${label.slice(0, 60)}”`} />
          </label>
          <label className="flex flex-col">
            <span className="text-slate-600">Comparator</span>
            <select value={criterion.comparator} onChange={(e) => setCriterion({ comparator: e.target.value as PlanCriterion["comparator"] })} className="rounded border border-slate-300 px-1 py-0.5" aria-label={`Comparator of “${label.slice(0, 60)}”`}>
              {COMPARATORS.map(([value, symbol]) => (
                <option key={value} value={value}>
                  {symbol}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col">
            <span className="text-slate-600">Threshold</span>
            <input
              type="number"
              step="any"
              value={criterion.threshold ?? ""}
              placeholder={criterion.relativeTo ? "relative" : ""}
              onChange={(e) => setCriterion({ threshold: e.target.value === "" ? null : Number(e.target.value), ...(e.target.value === "" ? {} : { relativeTo: undefined }) })}
              className="w-24 rounded border border-slate-300 px-1 py-0.5"
              aria-label={`Threshold of “${label.slice(0, 60)}”`}
            />
          </label>
          <label className="flex flex-col">
            <span className="text-slate-600">Unit</span>
            <input value={criterion.unit ?? ""} onChange={(e) => setCriterion({ unit: e.target.value || undefined })} maxLength={20} className="w-16 rounded border border-slate-300 px-1 py-0.5" aria-label={`Unit of “${label.slice(0, 60)}”`} />
          </label>
          <label className="flex flex-col">
            <span className="text-slate-600">Held for (s)</span>
            <input
              type="number"
              min={0}
              value={criterion.pendingSeconds}
              onChange={(e) => setCriterion({ pendingSeconds: Math.max(0, Math.round(Number(e.target.value) || 0)) })}
              className="w-20 rounded border border-slate-300 px-1 py-0.5"
              aria-label={`Pending seconds of “${label.slice(0, 60)}”`}
            />
          </label>
          {criterion.threshold === null ? <span className="text-amber-800">not armed until it has a threshold</span> : null}
        </fieldset>
      ) : null}
    </li>
  );
}
