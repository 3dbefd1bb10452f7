import { describe, expect, it } from "vitest";
import { makeRollout } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { compactSeries, type RetentionPlan, type StoredSample } from "@/lib/metrics/downsample";
import { createTileAs } from "./tiles";
import { compactSamples } from "./metric-samples";

// Retention in SQL must do exactly what the pure compactSeries (lib/metrics/downsample.ts) specifies.

const MIN = 60_000;
const HOUR = 60 * MIN;

async function pushTile(key: string) {
  const { id: rolloutId } = await makeRollout();
  return createTileAs(SYSTEM_ACTOR, rolloutId, { key, label: key, sourceKind: "PUSH" });
}

async function rowsOf(tileId: string): Promise<StoredSample[]> {
  const rows = await getDb().metricSample.findMany({ where: { tileId }, orderBy: [{ at: "asc" }, { resolutionSeconds: "asc" }] });
  return rows.map((r) => ({ at: r.at.getTime(), value: r.value, resolutionSeconds: r.resolutionSeconds }));
}

function expectSameSeries(actual: StoredSample[], expected: StoredSample[]) {
  expect(actual.map(({ at, resolutionSeconds }) => ({ at, resolutionSeconds }))).toEqual(expected.map(({ at, resolutionSeconds }) => ({ at, resolutionSeconds })));
  actual.forEach((row, i) => expect(row.value).toBeCloseTo(expected[i]!.value, 9));
}

describe("compactSamples", () => {
  it("matches compactSeries for three days of 15-second samples, and a second run changes nothing", async () => {
    const now = Date.UTC(2026, 10, 25, 21, 7, 31, 250);
    const tiles = [await pushTile("a"), await pushTile("b")];
    const raw = new Map<string, StoredSample[]>();
    for (const [t, tile] of tiles.entries()) {
      // Irregular times (jitter) and values, 3 days back.
      const samples = Array.from({ length: (72 * HOUR) / 15_000 }, (_, i) => ({
        at: now - i * 15_000 - ((i * 7919 + t * 13) % 4000),
        value: Math.sin(i / 50 + t) * 10 + (i % 7),
        resolutionSeconds: 0,
      }));
      raw.set(tile.id, samples);
      await getDb().metricSample.createMany({ data: samples.map((s) => ({ tileId: tile.id, at: new Date(s.at), value: s.value })) });
    }
    const result = await compactSamples(new Date(now));
    expect(result.removed).toBeGreaterThan(0);
    for (const tile of tiles) expectSameSeries(await rowsOf(tile.id), compactSeries(raw.get(tile.id)!, now));

    const before = await rowsOf(tiles[0]!.id);
    expect(await compactSamples(new Date(now))).toEqual({ removed: 0, inserted: 0 });
    expect(await rowsOf(tiles[0]!.id)).toEqual(before);
    // Cheap to keep: 2 h raw (480) + 46 h of minutes (2760) + a day of 10-minute buckets (144), plus the few samples and
    // buckets at each tier edge (edges are aligned to whole buckets), instead of 17,280 raw samples.
    expect(before.length).toBeGreaterThan(480 + 2760 + 144 - 5);
    expect(before.length).toBeLessThan(480 + 2760 + 144 + 20);

    // An hour later only the newly aged samples move.
    const later = now + HOUR;
    const expected = compactSeries(before, later);
    await compactSamples(new Date(later));
    expectSameSeries(await rowsOf(tiles[0]!.id), expected);
  });

  it("deletes samples past the last tier of a plan that does not keep them forever", async () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 0);
    const plan: RetentionPlan = [
      { maxAgeSeconds: 3600, resolutionSeconds: 0 },
      { maxAgeSeconds: 6 * 3600, resolutionSeconds: 300 },
    ];
    const tile = await pushTile("short");
    const samples = Array.from({ length: 8 * 60 }, (_, i) => ({ at: now - i * MIN, value: i, resolutionSeconds: 0 }));
    await getDb().metricSample.createMany({ data: samples.map((s) => ({ tileId: tile.id, at: new Date(s.at), value: s.value })) });
    await compactSamples(new Date(now), plan);
    const rows = await rowsOf(tile.id);
    expectSameSeries(rows, compactSeries(samples, now, plan));
    expect(Math.min(...rows.map((r) => r.at))).toBeGreaterThanOrEqual(now - 6 * HOUR);
  });
});
