import { appMetrics } from "@/lib/observability/metrics";
import { recordReadings, type TileReading } from "@/lib/domain/metric-samples";
import { listPolledTiles } from "@/lib/domain/tiles";
import { evaluateScrapeQuery, parseScrapeQuery } from "@/lib/metrics/scrape-query";
import type { Sample } from "@/lib/metrics/sample";
import { queryPrometheusInstant, scrapeMetricsPage, SourceError, type FetchLike } from "@/lib/metrics/sources";

// Polls PROMETHEUS and SCRAPE tiles, each at its own interval: called every tick, it reads the tiles that are due and
// stores what they read (lib/domain/metric-samples.ts). Tiles of one /metrics URL due in the same tick share one
// scrape. A SCRAPE tile turns counters into rates between its previous scrape and this one, so its first scrape
// (after a start or a change of source) records nothing for rate, ratio and quantile queries.
//
// Its memory (when each tile is due, each tile's previous scrape) belongs to the one process that runs the workers.

/** Tiles of rollouts that ended more than this long ago are no longer polled. */
const POLL_AFTER_END_MS = 60 * 60 * 1000;

type TileState = { sourceKey: string; nextDueAt: number; previous: { samples: Sample[]; at: number } | null };

export type MetricPoller = {
  /** Polls the tiles due at `now` (epoch ms); returns how many were read. */
  pollDue: (now: number) => Promise<number>;
};

export function createMetricPoller(opts: { timeoutMs: number; fetch?: FetchLike }): MetricPoller {
  const state = new Map<string, TileState>();

  return {
    pollDue: async (now) => {
      const tiles = await listPolledTiles(new Date(now - POLL_AFTER_END_MS));
      const present = new Set(tiles.map((t) => t.id));
      for (const id of state.keys()) if (!present.has(id)) state.delete(id);

      const due = tiles.filter((tile) => {
        const sourceKey = `${tile.sourceKind}\n${tile.sourceUrl}\n${tile.query}`;
        let entry = state.get(tile.id);
        if (!entry || entry.sourceKey !== sourceKey) {
          entry = { sourceKey, nextDueAt: now, previous: null };
          state.set(tile.id, entry);
        }
        if (entry.nextDueAt > now) return false;
        entry.nextDueAt = now + tile.pollIntervalSeconds * 1000;
        return true;
      });
      if (due.length === 0) return 0;

      const at = new Date(now);
      const readings: TileReading[] = [];
      const failed = (tile: (typeof due)[number], error: unknown): TileReading => {
        appMetrics().sourceErrors.inc({ source: tile.sourceKind });
        return {
          tileId: tile.id,
          rolloutId: tile.rolloutId,
          key: tile.key,
          at,
          kind: "error",
          error: error instanceof SourceError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
        };
      };
      const read = (tile: (typeof due)[number], value: number | null): TileReading =>
        value === null ? { tileId: tile.id, rolloutId: tile.rolloutId, key: tile.key, at, kind: "no-data" } : { tileId: tile.id, rolloutId: tile.rolloutId, key: tile.key, at, kind: "value", value };

      const prometheus = due.filter((t) => t.sourceKind === "PROMETHEUS");
      const byUrl = new Map<string, typeof due>();
      for (const tile of due.filter((t) => t.sourceKind === "SCRAPE")) {
        const list = byUrl.get(tile.sourceUrl ?? "") ?? [];
        list.push(tile);
        byUrl.set(tile.sourceUrl ?? "", list);
      }

      await Promise.all([
        ...prometheus.map(async (tile) => {
          try {
            if (!tile.sourceUrl || !tile.query) throw new SourceError("the tile has no Prometheus URL or query");
            readings.push(read(tile, await queryPrometheusInstant(tile.sourceUrl, tile.query, { timeoutMs: opts.timeoutMs, fetch: opts.fetch })));
          } catch (error) {
            readings.push(failed(tile, error));
          }
        }),
        ...[...byUrl].map(async ([url, group]) => {
          let samples: Sample[];
          try {
            if (!url) throw new SourceError("the tile has no /metrics URL");
            samples = await scrapeMetricsPage(url, { timeoutMs: opts.timeoutMs, fetch: opts.fetch });
          } catch (error) {
            // Keep each tile's previous scrape: the next success computes its rate over the whole gap.
            for (const tile of group) readings.push(failed(tile, error));
            return;
          }
          for (const tile of group) {
            const entry = state.get(tile.id)!;
            const parsed = parseScrapeQuery(tile.query ?? "");
            if (!parsed.ok) {
              readings.push(failed(tile, new SourceError(`invalid query: ${parsed.error}`)));
              continue;
            }
            const previous = entry.previous;
            entry.previous = { samples, at: now };
            const value = evaluateScrapeQuery(parsed.query, previous?.samples ?? null, samples, previous ? (now - previous.at) / 1000 : 0);
            // Rates need two scrapes: the first one only starts the clock.
            if (value === null && previous === null && parsed.query.kind !== "gauge") continue;
            readings.push(read(tile, value));
          }
        }),
      ]);
      await recordReadings(readings);
      return readings.length;
    },
  };
}
