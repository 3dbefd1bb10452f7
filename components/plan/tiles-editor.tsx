"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import { tileKeys } from "@/lib/api/keys";
import type { TileConfigView, TileView } from "@/lib/domain/selects";
import type { SourceTestResult } from "@/lib/domain/tile-test";
import { ConfirmButton } from "./confirm-button";
import { Field, formNumber, formText, inputClass, SelectField, SubmitButton, TextField } from "./form-fields";

// Metric tiles for admins: source kind, URL, query and thresholds, with "Test source" (reads the source once and shows
// the value or the error). Tiles go through their own routes (POST …/tiles, PATCH / DELETE /tiles/:id).

const SOURCE_KINDS = [
  { value: "PUSH", label: "push (API token)" },
  { value: "PROMETHEUS", label: "Prometheus (PromQL)" },
  { value: "SCRAPE", label: "/metrics scrape" },
];
const DIRECTIONS = [
  { value: "HIGHER_IS_WORSE", label: "higher is worse" },
  { value: "LOWER_IS_WORSE", label: "lower is worse" },
];

function tileFields(data: FormData) {
  const kind = String(data.get("sourceKind"));
  return {
    key: formText(data, "key") ?? "",
    label: formText(data, "label") ?? "",
    unit: formText(data, "unit"),
    sourceKind: kind as "PUSH",
    sourceUrl: kind === "PUSH" ? null : formText(data, "sourceUrl"),
    query: kind === "PUSH" ? null : formText(data, "query"),
    pollIntervalSeconds: formNumber(data, "pollIntervalSeconds") ?? 15,
    direction: String(data.get("direction")) as "HIGHER_IS_WORSE",
    warnThreshold: formNumber(data, "warnThreshold") ?? null,
    breachThreshold: formNumber(data, "breachThreshold") ?? null,
  };
}

const problemOf = (e: unknown) => (e instanceof ApiError ? `${e.message}${e.body.fields ? ` (${Object.keys(e.body.fields).join(", ")})` : ""}` : "Not saved");

function TileForm({ rolloutId, tile, onDone }: { rolloutId: string; tile?: TileConfigView; onDone: (error: string | null) => void }) {
  const [kind, setKind] = useState(tile?.sourceKind ?? "PUSH");
  const [test, setTest] = useState<SourceTestResult | { ok: false; error: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const name = tile ? `Tile ${tile.label}` : "Add tile";
  return (
    <form
      aria-label={name}
      className="flex flex-wrap items-end gap-2 rounded border border-slate-200 p-2"
      onSubmit={(e) => {
        e.preventDefault();
        const fields = tileFields(new FormData(e.currentTarget));
        const form = e.currentTarget;
        const request = tile ? apiFetch(`/api/v1/tiles/${tile.id}`, { method: "PATCH", body: fields }) : apiFetch(`/api/v1/rollouts/${rolloutId}/tiles`, { method: "POST", body: fields });
        request.then(
          () => {
            if (!tile) form.reset();
            onDone(null);
          },
          (error: unknown) => onDone(problemOf(error)),
        );
      }}
    >
      <TextField label="Key" name="key" defaultValue={tile?.key} required className="w-28" placeholder="error_rate" />
      <TextField label="Label" name="label" defaultValue={tile?.label} required className="w-32" />
      <TextField label="Unit" name="unit" defaultValue={tile?.unit} className="w-14" />
      <Field label="Source">
        <select name="sourceKind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} className={inputClass}>
          {SOURCE_KINDS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      {kind !== "PUSH" ? (
        <>
          <TextField label="Source URL" name="sourceUrl" defaultValue={tile?.sourceUrl} required className="min-w-56" placeholder={kind === "SCRAPE" ? "http://service:8080/metrics" : "http://prometheus:9090"} />
          <TextField label="Query" name="query" defaultValue={tile?.query} required className="min-w-56" />
        </>
      ) : null}
      <TextField label="Every (s)" name="pollIntervalSeconds" type="number" defaultValue={tile?.pollIntervalSeconds ?? 15} className="w-16" />
      <SelectField label="Direction" name="direction" defaultValue={tile?.direction} options={DIRECTIONS} />
      <TextField label="Warn at" name="warnThreshold" type="number" defaultValue={tile?.warnThreshold} className="w-16" />
      <TextField label="Breach at" name="breachThreshold" type="number" defaultValue={tile?.breachThreshold} className="w-16" />
      <SubmitButton>{tile ? "Save" : "Add tile"}</SubmitButton>
      <button
        type="button"
        className="self-end rounded border border-slate-400 px-2 py-1 text-sm"
        disabled={testing}
        onClick={(e) => {
          const fields = tileFields(new FormData(e.currentTarget.form!));
          setTesting(true);
          apiFetch<{ result: SourceTestResult }>(`/api/v1/rollouts/${rolloutId}/tiles/test`, { method: "POST", body: fields })
            .then(
              ({ result }) => setTest(result),
              (error: unknown) => setTest({ ok: false, error: problemOf(error) }),
            )
            .finally(() => setTesting(false));
        }}
      >
        {testing ? "Testing…" : "Test source"}
      </button>
      {tile ? <ConfirmButton label="Delete tile" question={`Delete ${tile.label} and its samples?`} onConfirm={() => apiFetch(`/api/v1/tiles/${tile.id}`, { method: "DELETE", body: {} }).then(() => onDone(null), (e: unknown) => onDone(problemOf(e)))} className="self-end text-xs" /> : null}
      {test ? (
        <p role="status" data-testid="tile-test-result" className={`w-full text-sm ${test.ok ? "text-ok" : "text-breach"}`}>
          {test.ok ? `Read ${test.value === null ? "no data" : test.value}${"note" in test && test.note ? ` (${test.note})` : ""}` : `Source error: ${test.error}`}
        </p>
      ) : null}
    </form>
  );
}

export function TilesEditor({ rolloutId, tiles }: { rolloutId: string; tiles: TileView[] }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  // The live state says which tiles exist; their sources come from the admin-only endpoint, refetched when that changes.
  const signature = tiles.map((t) => `${t.id}:${t.label}:${t.sourceKind}`).join(",");
  const { data } = useQuery({
    queryKey: [...tileKeys.config(rolloutId), signature],
    queryFn: ({ signal }) => apiFetch<{ tiles: TileConfigView[] }>(`/api/v1/rollouts/${rolloutId}/tiles`, { signal }),
  });
  const done = (problem: string | null) => {
    setError(problem);
    void queryClient.invalidateQueries({ queryKey: tileKeys.config(rolloutId) });
  };
  return (
    <section aria-label="Metric tiles" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Metric tiles</h2>
      <p className="text-xs text-slate-600">Criteria and triggers name a tile by its key. PUSH tiles get samples from automation: POST /api/v1/metrics with an API token.</p>
      {error ? (
        <p role="alert" className="text-sm text-breach">
          {error}
        </p>
      ) : null}
      {(data?.tiles ?? []).map((tile) => (
        <TileForm key={`${tile.id}-${tile.label}-${tile.sourceKind}-${tile.sourceUrl}-${tile.query}-${tile.warnThreshold}-${tile.breachThreshold}`} rolloutId={rolloutId} tile={tile} onDone={done} />
      ))}
      <TileForm rolloutId={rolloutId} onDone={done} />
    </section>
  );
}
