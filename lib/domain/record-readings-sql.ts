import { Prisma } from "@/lib/db/generated/client";

// Storing a batch of metric readings as one statement: the samples of tiles that still exist (a tile deleted while
// it was polled takes its readings with it), and per tile its latest reading (never moved backwards by an older
// sample; the later of two at the same time wins) and its latest error. Column names are checked against the
// migrated database by lib/db/schema-drift.db.test.ts.

export type ReadingRow = { tileId: string; atMs: number; kind: "value" | "no-data" | "error"; value: number | null; error: string | null };

export function recordReadingsSql(readings: readonly ReadingRow[], maxErrorLength: number): Prisma.Sql {
  // Values travel as text so NaN and ±Infinity (valid float8) survive JSON.
  const json = JSON.stringify(readings.map((r, n) => ({ ...r, value: r.value === null ? null : String(r.value), n })));
  return Prisma.sql`
    WITH readings AS (
      SELECT r."tileId", (to_timestamp(r."atMs" / 1000) AT TIME ZONE 'UTC') AS at, r.kind, r.value::float8 AS value, r.error, r.n
      FROM jsonb_to_recordset(${json}::jsonb) AS r("tileId" text, "atMs" float8, kind text, value text, error text, n int)
      JOIN "MetricTile" t ON t.id = r."tileId"
    ),
    inserted AS (
      INSERT INTO "MetricSample" ("tileId", at, value) SELECT "tileId", at, value FROM readings WHERE kind = 'value' RETURNING 1
    ),
    latest AS (
      SELECT DISTINCT ON ("tileId") "tileId", at, value FROM readings WHERE kind <> 'error' ORDER BY "tileId", at DESC, n DESC
    ),
    failed AS (
      SELECT DISTINCT ON ("tileId") "tileId", at, left(error, ${maxErrorLength}) AS error FROM readings WHERE kind = 'error' ORDER BY "tileId", at DESC, n DESC
    ),
    changes AS (
      SELECT coalesce(l."tileId", f."tileId") AS "tileId", l.at AS "sampleAt", l.value, f.at AS "errorAt", f.error
      FROM latest l FULL JOIN failed f ON f."tileId" = l."tileId"
    ),
    updated AS (
      UPDATE "MetricTile" t SET
        "lastValue" = CASE WHEN c."sampleAt" IS NOT NULL AND (t."lastSampleAt" IS NULL OR t."lastSampleAt" <= c."sampleAt") THEN c.value ELSE t."lastValue" END,
        "lastSampleAt" = CASE WHEN c."sampleAt" IS NOT NULL AND (t."lastSampleAt" IS NULL OR t."lastSampleAt" <= c."sampleAt") THEN c."sampleAt" ELSE t."lastSampleAt" END,
        "lastError" = CASE WHEN c."errorAt" IS NOT NULL THEN c.error ELSE t."lastError" END,
        "lastErrorAt" = coalesce(c."errorAt", t."lastErrorAt")
      FROM changes c
      WHERE t.id = c."tileId"
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM updated)::int AS updated`;
}
