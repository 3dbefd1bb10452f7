import { z } from "zod";
import { bucketIncreases, histogramQuantile, sumIncrease } from "./rates";
import type { Sample } from "./sample";
import { parseSelector, selectSamples, SelectorParseError, type Selector } from "./selector";

// What a SCRAPE tile computes from two consecutive scrapes of a /metrics endpoint. Deliberately small: enough for
// error rates, throughput, latency percentiles and gauges, which is what rollout criteria are written against.

const selectorString = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .superRefine((value, ctx) => {
    try {
      parseSelector(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof SelectorParseError ? error.message : "invalid selector" });
    }
  });

// Multiplier applied to the result, e.g. 100 for a percentage or 1000 for seconds → milliseconds.
const scale = z.number().finite().default(1);

export const scrapeQuerySchema = z.discriminatedUnion("kind", [
  /** Per-second rate of a counter, summed over the matching series. */
  z.strictObject({ kind: z.literal("rate"), selector: selectorString, scale }),
  /** rate(numerator) / rate(denominator) × scale, e.g. 5xx / all requests × 100 = error rate in %. */
  z.strictObject({
    kind: z.literal("ratio"),
    numerator: selectorString,
    denominator: selectorString,
    scale: z.number().finite().default(100),
  }),
  /** Current value of a gauge, aggregated over the matching series. */
  z.strictObject({
    kind: z.literal("gauge"),
    selector: selectorString,
    aggregate: z.enum(["sum", "avg", "min", "max"]).default("sum"),
    scale,
  }),
  /** histogram_quantile over the bucket increases between the two scrapes; `_bucket` is appended to the name if missing. */
  z.strictObject({ kind: z.literal("quantile"), selector: selectorString, quantile: z.number().min(0).max(1), scale }),
]);
export type ScrapeQuery = z.infer<typeof scrapeQuerySchema>;
export type ScrapeQueryInput = z.input<typeof scrapeQuerySchema>;

/**
 * Reads MetricTile.query for a SCRAPE tile: a JSON object matching scrapeQuerySchema, or a bare selector, which means
 * the gauge of that selector (the simplest thing a runbook author would write).
 */
export function parseScrapeQuery(text: string): { ok: true; query: ScrapeQuery } | { ok: false; error: string } {
  let candidate: unknown = { kind: "gauge", selector: text };
  if (text.trim().startsWith("{")) {
    try {
      candidate = JSON.parse(text);
    } catch {
      // `{__name__="x"}` is a selector, not JSON: keep the gauge reading.
    }
  }
  const parsed = scrapeQuerySchema.safeParse(candidate);
  return parsed.success ? { ok: true, query: parsed.data } : { ok: false, error: z.prettifyError(parsed.error) };
}

/**
 * The tile's value for the interval between two scrapes, or null when there is nothing to report yet: the first
 * scrape (no previous), no matching series, no traffic for a ratio or quantile, or a non-finite result.
 */
export function evaluateScrapeQuery(
  query: ScrapeQuery,
  previous: readonly Sample[] | null,
  current: readonly Sample[],
  elapsedSeconds: number,
): number | null {
  const result = evaluate(query, previous, current, elapsedSeconds);
  return result !== null && Number.isFinite(result) ? result : null;
}

function evaluate(query: ScrapeQuery, previous: readonly Sample[] | null, current: readonly Sample[], elapsedSeconds: number): number | null {
  if (query.kind === "gauge") {
    const values = selectSamples(current, selector(query.selector))
      .map((sample) => sample.value)
      .filter((value) => !Number.isNaN(value));
    if (values.length === 0) return null;
    return aggregate(values, query.aggregate) * query.scale;
  }

  if (previous === null || !(elapsedSeconds > 0)) return null;
  switch (query.kind) {
    case "rate": {
      const increase = sumIncrease(previous, current, selector(query.selector));
      return increase === null ? null : (increase / elapsedSeconds) * query.scale;
    }
    case "ratio": {
      // Both rates share the interval, so the ratio of increases is the ratio of rates.
      const denominator = sumIncrease(previous, current, selector(query.denominator));
      if (denominator === null || denominator <= 0) return null;
      // No numerator series usually means the event never happened (no 5xx yet): that is 0, not "unknown".
      const numerator = sumIncrease(previous, current, selector(query.numerator)) ?? 0;
      return (numerator / denominator) * query.scale;
    }
    case "quantile": {
      const buckets = bucketIncreases(previous, current, bucketSelector(query.selector));
      const value = histogramQuantile(query.quantile, buckets);
      return Number.isNaN(value) ? null : value * query.scale;
    }
  }
}

function aggregate(values: number[], how: "sum" | "avg" | "min" | "max"): number {
  switch (how) {
    case "sum":
      return values.reduce((a, b) => a + b, 0);
    case "avg":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "min":
      return Math.min(...values);
    case "max":
      return Math.max(...values);
  }
}

// Tiles are evaluated on every poll; parse (and compile regexes for) each selector string once.
const selectorCache = new Map<string, Selector>();
function selector(text: string): Selector {
  let parsed = selectorCache.get(text);
  if (!parsed) {
    if (selectorCache.size >= 1000) selectorCache.clear();
    parsed = parseSelector(text);
    selectorCache.set(text, parsed);
  }
  return parsed;
}

function bucketSelector(text: string): Selector {
  const parsed = selector(text);
  if (parsed.name === null || parsed.name.endsWith("_bucket")) return parsed;
  return { ...parsed, name: `${parsed.name}_bucket` };
}
