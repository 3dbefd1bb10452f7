"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { useNow } from "@/components/rollouts/use-now";
import { metricKeys } from "@/lib/api/keys";
import type { TileSeries } from "@/lib/domain/metric-samples";
import type { PhaseView, TileView } from "@/lib/domain/selects";
import { PHASE_STATUS, TONE_CLASSES, VERDICT } from "@/lib/domain/status";
import { Sparkline } from "./sparkline";
import {
  criterionLimit,
  describeCriterion,
  describeTile,
  gatedPhase,
  readingOf,
  statusBorder,
  statusText,
} from "./shape";
import { useRolloutMetrics } from "./use-rollout-metrics";

type Props = { rolloutId: string; tiles: TileView[]; phases: PhaseView[]; /** Wall display: numbers readable across a room. */ wall?: boolean };

const noSubscription = () => () => undefined;

/** False while the server renders and the browser hydrates; true after. */
function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/** The live numbers of a rollout: the active phase's gates (verdict, triggers, criteria) and the metric tiles. */
export function MetricsPanel({ rolloutId, tiles, phases, wall = false }: Props) {
  // Freshness ("updated 4s ago", stale or not) depends on the clock, which differs between the server's render and
  // the browser's hydration: those texts appear once hydrated, so both renders match.
  const clock = useNow(1000);
  const now = useHydrated() ? clock : null;
  const { data: series } = useRolloutMetrics(rolloutId);
  const byId = new Map<string, TileSeries>(series?.tiles.map((t) => [t.id, t]));

  // A tile was added, removed or pointed at another source (tile.* events update `tiles`): reload the series.
  const queryClient = useQueryClient();
  const signature = tiles.map((t) => `${t.id}:${t.lastSampleAt ?? ""}`).join(",");
  const seen = useRef(signature);
  useEffect(() => {
    if (seen.current === signature) return;
    seen.current = signature;
    void queryClient.invalidateQueries({ queryKey: metricKeys.series(rolloutId) });
  }, [signature, rolloutId, queryClient]);

  const phase = gatedPhase(phases);
  return (
    <div className="mb-4 space-y-3">
      {phase ? <GatePanel phase={phase} tiles={tiles} series={byId} now={now} /> : null}
      <section aria-label="Metrics">
        <h2 className="sr-only">Metrics</h2>
        {tiles.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-3 text-sm text-slate-600">
            No metric tiles yet: an admin adds them on the Plan page.
          </p>
        ) : (
          <ul className={`grid grid-cols-2 gap-3 md:grid-cols-4 ${wall ? "xl:grid-cols-4" : "xl:grid-cols-7"}`}>
            {tiles.map((tile) => (
              <MetricTile key={tile.id} tile={tile} series={byId.get(tile.id)} now={now} wall={wall} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function MetricTile({ tile, series, now, wall }: { tile: TileView; series: TileSeries | undefined; now: number | null; wall: boolean }) {
  const valueSize = wall ? "text-5xl" : "text-2xl";
  if (now === null) {
    return (
      <li data-testid={`tile-${tile.key}`} data-kind="loading" className="rounded-lg border-2 border-slate-200 bg-white p-3">
        <div className="truncate text-sm font-medium">{tile.label}</div>
        <div className={`${valueSize} font-semibold text-slate-400`}>…</div>
        <div className="h-10" />
        <p className="text-xs text-slate-500">&nbsp;</p>
      </li>
    );
  }
  const display = describeTile(tile, readingOf(tile, series), now);
  const failing = display.kind === "error" || display.kind === "stale";
  return (
    <li
      data-testid={`tile-${tile.key}`}
      data-kind={display.kind}
      data-status={display.status}
      className={`rounded-lg border-2 bg-white p-3 ${failing ? "border-dashed border-slate-400" : statusBorder(display.status)}`}
    >
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="truncate font-medium" title={tile.key}>
          {tile.label}
        </span>
        {failing ? <span className="text-xs font-semibold uppercase text-breach">{display.kind === "error" ? "source error" : "stale"}</span> : null}
      </div>
      <div data-testid="tile-value" className={`${valueSize} font-semibold tabular-nums ${statusText(display.status)}`}>
        {display.text}
      </div>
      {display.error ? (
        <p className="truncate text-xs text-breach" title={display.error} data-testid="tile-error">
          {display.error}
        </p>
      ) : null}
      <Sparkline points={series?.points ?? []} status={failing ? "none" : display.status} />
      <p className="text-xs text-slate-500" data-testid="tile-freshness">
        {display.freshness}
      </p>
    </li>
  );
}

function GatePanel({ phase, tiles, series, now }: { phase: PhaseView; tiles: TileView[]; series: Map<string, TileSeries>; now: number | null }) {
  const byKey = new Map(tiles.map((t) => [t.key, t]));
  const verdictTone = phase.verdict ? VERDICT[phase.verdict].tone : "neutral";
  return (
    <section aria-label="Gates" className="rounded-lg border border-slate-200 bg-white p-3" data-testid="gates">
      <h2 className="mb-2 flex flex-wrap items-center gap-2 font-semibold">
        Gates · {phase.name}
        {phase.status === "ROLLED_BACK" || phase.status === "FAILED" ? <span className={`text-sm font-normal ${TONE_CLASSES[PHASE_STATUS[phase.status].tone].text}`}>({PHASE_STATUS[phase.status].label.toLowerCase()})</span> : null}
        <span data-testid="verdict" data-verdict={phase.verdict ?? "NONE"} className={`rounded px-2 py-0.5 text-sm font-semibold ${TONE_CLASSES[verdictTone].soft}`}>
          {phase.verdict ? VERDICT[phase.verdict].label : "not evaluated yet"}
        </span>
        {phase.verdict === "INCONCLUSIVE" ? <span className="text-sm font-normal text-slate-600">a human decides</span> : null}
      </h2>
      {phase.criteria.length === 0 ? <p className="text-sm text-slate-600">This phase has no success criteria or rollback triggers.</p> : null}
      <ul className="divide-y divide-slate-100 text-sm">
        {phase.criteria.map((criterion) => {
          const tile = byKey.get(criterion.metricKey);
          const display =
            now === null
              ? { state: "LOADING", label: "…", status: "none" as const, value: "…" }
              : describeCriterion(criterion, phase, tile, tile ? readingOf(tile, series.get(tile.id)) : undefined, now);
          return (
            <li key={criterion.id} data-testid={`criterion-${criterion.id}`} data-state={display.state} className="flex flex-wrap items-baseline gap-x-3 py-1">
              <span className="w-28 shrink-0 text-xs uppercase text-slate-500">{criterion.kind === "SUCCESS" ? "success" : "rollback trigger"}</span>
              <span className="font-medium">{criterion.description}</span>
              <span className="text-slate-500">
                {criterion.metricKey} {criterionLimit(criterion)}
              </span>
              <span className="tabular-nums">now {display.value}</span>
              <span data-testid="criterion-state" className={`font-semibold ${statusText(display.status)}`}>
                {display.label}
              </span>
              {criterion.kind === "ROLLBACK_TRIGGER" ? (
                <span className="text-xs text-slate-500">{criterion.autoRollback ? "auto-rollback on" : "auto-rollback off"}</span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
