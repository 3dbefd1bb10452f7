import "server-only";
import { getDb } from "@/lib/db/client";
import type { UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { readEnv } from "@/lib/config";
import { evaluateScrapeQuery, parseScrapeQuery } from "@/lib/metrics/scrape-query";
import { queryPrometheusInstant, scrapeMetricsPage, SourceError, type FetchLike } from "@/lib/metrics/sources";
import { tileConfigSchema, type CreateTileInput } from "@/lib/schemas/metrics";
import { forbidden, notFound } from "./errors";

// "Test source": reads a tile's source once, as the poller would, and says what it got, without storing anything.
// A counter-based SCRAPE query (rate, ratio, quantile) needs two scrapes, so it scrapes twice, a second apart.

export type SourceTestResult = { ok: true; value: number | null; at: string; note?: string } | { ok: false; error: string };

export async function testTileSource(principal: UserPrincipal, rolloutId: string, input: CreateTileInput, opts: { fetch?: FetchLike; rateGapMs?: number } = {}): Promise<SourceTestResult> {
  if (!can(principal.role, "rollout.configure")) throw forbidden("Only an admin can configure metric tiles");
  const rollout = await getDb().rollout.findUnique({ where: { id: rolloutId }, select: { id: true } });
  if (!rollout) throw notFound("Rollout");
  const tile = tileConfigSchema.parse(input);
  const source = { timeoutMs: readEnv().WARROOM_SOURCE_TIMEOUT_MS, fetch: opts.fetch };
  const at = () => new Date().toISOString();
  try {
    switch (tile.sourceKind) {
      case "PROMETHEUS": {
        const value = await queryPrometheusInstant(tile.sourceUrl!, tile.query!, source);
        return { ok: true, value, at: at(), ...(value === null ? { note: "the query returned no data" } : {}) };
      }
      case "SCRAPE": {
        const parsed = parseScrapeQuery(tile.query!);
        if (!parsed.ok) return { ok: false, error: `invalid query: ${parsed.error}` };
        const first = await scrapeMetricsPage(tile.sourceUrl!, source);
        const startedAt = Date.now();
        if (parsed.query.kind === "gauge") return { ok: true, value: evaluateScrapeQuery(parsed.query, null, first, 0), at: at() };
        await new Promise((resolve) => setTimeout(resolve, opts.rateGapMs ?? 1000));
        const second = await scrapeMetricsPage(tile.sourceUrl!, source);
        const value = evaluateScrapeQuery(parsed.query, first, second, (Date.now() - startedAt) / 1000);
        return { ok: true, value, at: at(), note: "measured between two scrapes a second apart" };
      }
      case "PUSH": {
        const stored = await getDb().metricTile.findUnique({ where: { rolloutId_key: { rolloutId, key: tile.key } }, select: { lastValue: true, lastSampleAt: true } });
        if (!stored?.lastSampleAt) return { ok: false, error: `no sample pushed for "${tile.key}" yet: POST /api/v1/metrics with an API token` };
        return { ok: true, value: stored.lastValue, at: stored.lastSampleAt.toISOString(), note: "the latest pushed sample" };
      }
    }
  } catch (error) {
    return { ok: false, error: error instanceof SourceError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
  }
}
