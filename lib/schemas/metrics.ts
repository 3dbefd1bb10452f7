import { z } from "zod";
import { metricSourceKindSchema } from "@/lib/metrics/enums";
import { parseScrapeQuery, scrapeQuerySchema } from "@/lib/metrics/scrape-query";
import { idSchema } from "./common";

// Metric tiles (configuration), pushed samples, the series query and the live "metrics" channel's payload. Shared by
// the route handlers, the domain, the workers and the browser.

export const metricDirectionSchema = z.enum(["HIGHER_IS_WORSE", "LOWER_IS_WORSE"]);

/** A tile's key; success criteria and rollback triggers name their metric by it (Criterion.metricKey). */
export const tileKeySchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "is too long")
  .regex(/^[A-Za-z0-9_.:-]+$/, "may contain only letters, digits, _ . : and -");

const sourceUrlSchema = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(2000, "is too long");

const thresholdSchema = z.number().finite().nullable().optional();

const tileFields = z.strictObject({
  key: tileKeySchema,
  label: z.string().trim().min(1, "is required").max(100, "is too long"),
  unit: z.string().trim().max(20, "is too long").nullable().optional(),
  sourceKind: metricSourceKindSchema,
  /**
   * PROMETHEUS: a PromQL expression that returns one series or a scalar. SCRAPE: a scrapeQuerySchema object (or its
   * JSON, or a bare selector meaning that gauge). PUSH: none.
   */
  query: z.union([z.string().trim().min(1, "is required").max(4000, "is too long"), z.record(z.string(), z.unknown())]).nullable().optional(),
  /** PROMETHEUS: the server's base URL (…:9090). SCRAPE: the /metrics URL. PUSH: none. */
  sourceUrl: sourceUrlSchema.nullable().optional(),
  /** How often the source is read; for PUSH, how often samples are expected (a tile is stale after 3 intervals). */
  pollIntervalSeconds: z.number().int().min(1, "must be at least 1 second").max(3600, "must be at most 3600 seconds"),
  direction: metricDirectionSchema,
  warnThreshold: thresholdSchema,
  breachThreshold: thresholdSchema,
  position: z.number().int().min(0).max(10_000).optional(),
});

/** What a tile is stored as: source fields checked against the kind, a SCRAPE query normalised to its JSON. */
export const tileConfigSchema = tileFields
  .extend({ pollIntervalSeconds: tileFields.shape.pollIntervalSeconds.default(15), direction: metricDirectionSchema.default("HIGHER_IS_WORSE") })
  .transform((tile, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    let query: string | null = null;
    const sourceUrl = tile.sourceUrl ?? null;
    const hasQuery = tile.query !== undefined && tile.query !== null;
    switch (tile.sourceKind) {
      case "PROMETHEUS":
        if (!sourceUrl) issue("sourceUrl", "is required for a PROMETHEUS tile (the server's base URL)");
        if (typeof tile.query === "string") query = tile.query;
        else issue("query", "is required for a PROMETHEUS tile (a PromQL expression)");
        break;
      case "SCRAPE": {
        if (!sourceUrl) issue("sourceUrl", "is required for a SCRAPE tile (the /metrics URL)");
        if (!hasQuery) {
          issue("query", "is required for a SCRAPE tile");
        } else if (typeof tile.query === "string") {
          const parsed = parseScrapeQuery(tile.query);
          if (parsed.ok) query = JSON.stringify(parsed.query);
          else issue("query", parsed.error);
        } else {
          const parsed = scrapeQuerySchema.safeParse(tile.query);
          if (parsed.success) query = JSON.stringify(parsed.data);
          else issue("query", z.prettifyError(parsed.error));
        }
        break;
      }
      case "PUSH":
        if (hasQuery) issue("query", "must be empty for a PUSH tile");
        if (sourceUrl) issue("sourceUrl", "must be empty for a PUSH tile");
        break;
    }
    const { warnThreshold = null, breachThreshold = null, unit = null, ...rest } = tile;
    if (warnThreshold !== null && breachThreshold !== null) {
      const inOrder = tile.direction === "HIGHER_IS_WORSE" ? warnThreshold <= breachThreshold : warnThreshold >= breachThreshold;
      if (!inOrder) issue("warnThreshold", `must come before breachThreshold (${tile.direction === "HIGHER_IS_WORSE" ? "lower" : "higher"}) for ${tile.direction}`);
    }
    return { ...rest, unit: unit || null, warnThreshold, breachThreshold, query, sourceUrl };
  });
export type TileConfig = z.infer<typeof tileConfigSchema>;
export type CreateTileInput = z.input<typeof tileConfigSchema>;

/** PATCH: any subset (no defaults: an absent field stays as stored); merged with the stored tile, it must pass tileConfigSchema. */
export const updateTileSchema = tileFields
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: "give at least one field to change", path: ["body"] });
export type UpdateTileInput = z.input<typeof updateTileSchema>;

/** `POST /api/v1/metrics`: samples for the rollout's PUSH tiles, matched by tile key. */
export const pushMetricsSchema = z.strictObject({
  rolloutId: idSchema,
  samples: z
    .array(
      z.strictObject({
        key: tileKeySchema,
        value: z.number().finite("must be a finite number"),
        /** When it was measured (ISO 8601 with offset); now when omitted. At most a minute ahead of the server. */
        at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
      }),
    )
    .min(1, "give at least one sample")
    .max(1000, "at most 1000 samples per request"),
});
export type PushMetricsInput = z.infer<typeof pushMetricsSchema>;

/** `GET /api/v1/rollouts/:id/metrics?since=…`: since defaults to 30 minutes ago. */
export const seriesQuerySchema = z.strictObject({
  since: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
});

/** `PATCH /api/v1/criteria/:id`: opt a rollback trigger in or out of automatic rollback. */
export const updateCriterionSchema = z.strictObject({ autoRollback: z.boolean() });
export type UpdateCriterionInput = z.infer<typeof updateCriterionSchema>;

/**
 * One reading of one tile, as the "metrics" live channel carries it (batched as `{ updates: [...] }`). `at` is epoch
 * ms. A value of null means the source answered but there is nothing to report (no traffic, no series); `error` means
 * the source could not be read, and then there is no value at all.
 */
export const metricUpdateSchema = z.object({
  tileId: z.string(),
  key: z.string(),
  at: z.number(),
  value: z.number().nullable().optional(),
  error: z.string().optional(),
});
export type MetricUpdate = z.infer<typeof metricUpdateSchema>;
export const metricsLivePayloadSchema = z.object({ updates: z.array(metricUpdateSchema) });
export type MetricsLivePayload = z.infer<typeof metricsLivePayloadSchema>;
export const METRICS_CHANNEL = "metrics";
