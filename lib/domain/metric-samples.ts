import "server-only";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { can } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { publishVolatile } from "@/lib/realtime/publisher";
import { compactionPlan, DEFAULT_RETENTION_PLAN, type RetentionPlan } from "@/lib/metrics/downsample";
import { seriesBucketSeconds, type SeriesPoint } from "@/lib/metrics/series";
import { METRICS_CHANNEL, type MetricsLivePayload, type MetricUpdate, type PushMetricsInput } from "@/lib/schemas/metrics";
import { badRequest, forbidden, notFound, type FieldErrors } from "./errors";
import { recordReadingsSql, type ReadingRow } from "./record-readings-sql";

// Metric readings: samples stored for charts and evaluation, the tile's latest reading (lastValue / lastSampleAt, or
// lastError / lastErrorAt), and the live "metrics" channel. Readings are NOT events: they are far too frequent for
// the log, and a client that misses some refetches the series.

/** One poll (or push) result for one tile. `no-data`: the source answered, with nothing to report. */
export type TileReading = { tileId: string; rolloutId: string; key: string; at: Date } & (
  | { kind: "value"; value: number }
  | { kind: "no-data" }
  | { kind: "error"; error: string }
);

const MAX_ERROR_LENGTH = 500;

/**
 * Stores readings in one statement (record-readings-sql.ts): the samples, each tile's latest reading (never moved
 * backwards by an older sample) and its latest error; then one live message per rollout. A source error sets
 * lastError/lastErrorAt and leaves the last value alone: the tile shows the error because lastErrorAt is newer than
 * lastSampleAt (lib/metrics/evaluate latestReading).
 */
export async function recordReadings(readings: readonly TileReading[]): Promise<void> {
  if (readings.length === 0) return;
  const rows: ReadingRow[] = readings.map((r) => ({
    tileId: r.tileId,
    atMs: r.at.getTime(),
    kind: r.kind,
    value: r.kind === "value" ? r.value : null,
    error: r.kind === "error" ? r.error : null,
  }));
  await getDb().$queryRaw(recordReadingsSql(rows, MAX_ERROR_LENGTH));

  const byRollout = new Map<string, MetricUpdate[]>();
  for (const reading of readings) {
    const update: MetricUpdate = { tileId: reading.tileId, key: reading.key, at: reading.at.getTime() };
    if (reading.kind === "value") update.value = reading.value;
    else if (reading.kind === "no-data") update.value = null;
    else update.error = reading.error.slice(0, MAX_ERROR_LENGTH);
    const list = byRollout.get(reading.rolloutId) ?? [];
    list.push(update);
    byRollout.set(reading.rolloutId, list);
  }
  for (const [rolloutId, updates] of byRollout) {
    const payload: MetricsLivePayload = { updates };
    publishVolatile(rolloutId, METRICS_CHANNEL, payload);
  }
}

/** A pushed sample may be at most this far ahead of the server's clock... */
const MAX_FUTURE_MS = 60_000;
/** ...and this far behind it: a backfill of the last days, not a date that no chart or gate will ever read. */
const MAX_PAST_MS = 7 * 86_400_000;

/**
 * `POST /api/v1/metrics`: samples for the rollout's PUSH tiles, matched by tile key. All or nothing: an unknown key or
 * a sample from the future or more than 7 days old rejects the whole request (400 naming `samples.N.key` / `samples.N.at`).
 */
export async function pushSamples(principal: UserPrincipal, input: PushMetricsInput, now = new Date()): Promise<{ accepted: number }> {
  if (!can(principal.role, "metrics.push")) throw forbidden("Your role cannot push metrics");
  const db = getDb();
  const rollout = await db.rollout.findUnique({ where: { id: input.rolloutId }, select: { id: true } });
  if (!rollout) throw notFound("Rollout");
  const keys = [...new Set(input.samples.map((s) => s.key))];
  const tiles = await db.metricTile.findMany({ where: { rolloutId: input.rolloutId, key: { in: keys } }, select: { id: true, key: true, sourceKind: true } });
  const byKey = new Map(tiles.map((t) => [t.key, t]));
  const fields: FieldErrors = {};
  const readings: TileReading[] = [];
  input.samples.forEach((sample, i) => {
    const tile = byKey.get(sample.key);
    if (!tile) fields[`samples.${i}.key`] = [`no tile with key "${sample.key}" in this rollout`];
    else if (tile.sourceKind !== "PUSH") fields[`samples.${i}.key`] = [`tile "${sample.key}" reads from ${tile.sourceKind}, not PUSH`];
    const at = sample.at ? new Date(sample.at) : now;
    if (at.getTime() > now.getTime() + MAX_FUTURE_MS) fields[`samples.${i}.at`] = ["is in the future"];
    else if (!(at.getTime() >= now.getTime() - MAX_PAST_MS)) fields[`samples.${i}.at`] = ["is more than 7 days in the past"];
    if (tile && tile.sourceKind === "PUSH") readings.push({ tileId: tile.id, rolloutId: input.rolloutId, key: tile.key, at, kind: "value", value: sample.value });
  });
  if (Object.keys(fields).length) throw badRequest(`Invalid ${Object.keys(fields).join(", ")}`, fields);
  await recordReadings(readings);
  return { accepted: readings.length };
}

export type TileSeries = {
  id: string;
  key: string;
  pollIntervalSeconds: number;
  lastValue: number | null;
  /** Epoch ms. */
  lastSampleAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  points: SeriesPoint[];
};
export type MetricSeries = { now: number; since: number; bucketSeconds: number; tiles: TileSeries[] };

/**
 * Every tile's latest reading and its series since `since`: raw samples for short windows, else averaged into
 * buckets (lib/metrics/series.ts) so a 48-hour window is a few hundred points per tile.
 */
export async function getMetricSeries(rolloutId: string, opts: { since?: Date; now?: Date } = {}): Promise<MetricSeries> {
  const db = getDb();
  const now = opts.now ?? new Date();
  const since = opts.since ?? new Date(now.getTime() - 30 * 60_000);
  const rollout = await db.rollout.findUnique({ where: { id: rolloutId }, select: { id: true } });
  if (!rollout) throw notFound("Rollout");
  const tiles = await db.metricTile.findMany({
    where: { rolloutId },
    select: { id: true, key: true, pollIntervalSeconds: true, lastValue: true, lastSampleAt: true, lastError: true, lastErrorAt: true },
    orderBy: { position: "asc" },
  });
  const bucketSeconds = seriesBucketSeconds(now.getTime() - since.getTime());
  const points = new Map<string, SeriesPoint[]>(tiles.map((t) => [t.id, []]));
  if (tiles.length) {
    const ids = tiles.map((t) => t.id);
    if (bucketSeconds === 0) {
      const rows = await db.metricSample.findMany({
        where: { tileId: { in: ids }, at: { gte: since } },
        select: { tileId: true, at: true, value: true },
        orderBy: [{ at: "asc" }, { id: "asc" }],
      });
      for (const row of rows) points.get(row.tileId)?.push({ at: row.at.getTime(), value: row.value });
    } else {
      const rows = await db.$queryRaw<{ tileId: string; bucket: number; value: number }[]>`
        SELECT "tileId",
               (floor(extract(epoch FROM "at") / ${bucketSeconds}::integer) * ${bucketSeconds}::integer * 1000)::float8 AS bucket,
               avg("value")::float8 AS value
        FROM "MetricSample"
        WHERE "tileId" IN (${Prisma.join(ids)}) AND "at" >= ${epochParam(since.getTime())}
        GROUP BY 1, 2
        ORDER BY 1, 2`;
      for (const row of rows) points.get(row.tileId)?.push({ at: Number(row.bucket), value: Number(row.value) });
    }
  }
  return {
    now: now.getTime(),
    since: since.getTime(),
    bucketSeconds,
    tiles: tiles.map((t) => ({
      id: t.id,
      key: t.key,
      pollIntervalSeconds: t.pollIntervalSeconds,
      lastValue: t.lastValue,
      lastSampleAt: t.lastSampleAt?.getTime() ?? null,
      lastError: t.lastError,
      lastErrorAt: t.lastErrorAt?.getTime() ?? null,
      points: points.get(t.id) ?? [],
    })),
  };
}

/**
 * Retention: applies compactionPlan (lib/metrics/downsample.ts) to every tile in SQL. In each window, samples finer than
 * the window's resolution are replaced by their per-bucket mean (each sample weighs the same, as in compactSeries);
 * samples past retention are deleted. Window edges are aligned to whole buckets, so running it again is a no-op.
 */
export async function compactSamples(now: Date = new Date(), plan: RetentionPlan = DEFAULT_RETENTION_PLAN): Promise<{ removed: number; inserted: number }> {
  const { windows, dropBefore } = compactionPlan(now.getTime(), plan);
  return getDb().$transaction(
    async (tx) => {
      let removed = 0;
      let inserted = 0;
      if (dropBefore !== null) removed += await tx.$executeRaw`DELETE FROM "MetricSample" WHERE "at" < ${epochParam(dropBefore)}`;
      for (const window of windows) {
        const from = window.from === null ? Prisma.empty : Prisma.sql`AND "at" >= ${epochParam(window.from)}`;
        const rows = await tx.$queryRaw<{ removed: bigint; inserted: bigint }[]>`
          WITH moved AS (
            DELETE FROM "MetricSample"
            WHERE "resolutionSeconds" < ${window.resolutionSeconds}::integer AND "at" < ${epochParam(window.to)} ${from}
            RETURNING "tileId", "at", "value"
          ), buckets AS (
            INSERT INTO "MetricSample" ("tileId", "at", "value", "resolutionSeconds")
            SELECT "tileId",
                   to_timestamp(floor(extract(epoch FROM "at") / ${window.resolutionSeconds}::integer) * ${window.resolutionSeconds}::integer) AT TIME ZONE 'UTC',
                   avg("value"),
                   ${window.resolutionSeconds}::integer
            FROM moved GROUP BY 1, 2
            RETURNING 1
          )
          SELECT (SELECT count(*) FROM moved) AS removed, (SELECT count(*) FROM buckets) AS inserted`;
        removed += Number(rows[0]?.removed ?? 0);
        inserted += Number(rows[0]?.inserted ?? 0);
      }
      return { removed, inserted };
    },
    { timeout: 120_000 },
  );
}

/**
 * A UTC timestamp(3) parameter built from epoch ms. MetricSample.at is `timestamp without time zone` holding UTC (as
 * Prisma writes it), so SQL must not let the session's time zone shift it.
 */
function epochParam(ms: number): Prisma.Sql {
  return Prisma.sql`(to_timestamp(${ms}::float8 / 1000) AT TIME ZONE 'UTC')`;
}
