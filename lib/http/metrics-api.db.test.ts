import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { ctx, json, request } from "@/test/http";
import { GET as listTilesRoute, POST as createTileRoute } from "@/app/api/v1/rollouts/[id]/tiles/route";
import { DELETE as deleteTileRoute, PATCH as patchTileRoute } from "@/app/api/v1/tiles/[id]/route";
import { POST as pushRoute } from "@/app/api/v1/metrics/route";
import { GET as seriesRoute } from "@/app/api/v1/rollouts/[id]/metrics/route";
import { PATCH as patchCriterionRoute } from "@/app/api/v1/criteria/[id]/route";
import { POST as createShareLinkRoute } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { getDb } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/domain/events";
import { getRolloutState } from "@/lib/domain/rollouts";
import type { TileConfigView } from "@/lib/domain/selects";
import type { MetricSeries } from "@/lib/domain/metric-samples";
import { registerRealtime } from "@/lib/realtime/publisher";

// The metrics API through its route handlers, against a real database: tile configuration (ADMIN), push (API token),
// the series read, and opting a trigger into automatic rollback.

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User, commander: User, engineer: User, viewer: User;
let rolloutId: string;
const live: { rolloutId: string; channel: string; payload: unknown }[] = [];

beforeAll(async () => {
  [admin, commander, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("ENGINEER"), makeUser("VIEWER")]);
  rolloutId = (await makeRollout()).id;
  registerRealtime({ publishEvents: () => undefined, publishVolatile: (rolloutId, channel, payload) => live.push({ rolloutId, channel, payload }) });
});

afterAll(() => registerRealtime(undefined));

const errorRateTile = {
  key: "error_rate",
  label: "Error rate",
  unit: "%",
  sourceKind: "SCRAPE",
  sourceUrl: "http://127.0.0.1:9/metrics",
  query: { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" },
  warnThreshold: 0.5,
  breachThreshold: 1,
};

const createTile = (body: unknown, auth = admin.apiToken, id = rolloutId) =>
  json<{ tile: TileConfigView }>(createTileRoute(request("POST", `/api/v1/rollouts/${id}/tiles`, { body, auth }), ctx({ id })));

async function eventsOfType(type: string) {
  return (await listEventsAfter(rolloutId, 0)).events.filter((e) => e.type === type);
}

describe("tiles", () => {
  it("lets an admin add a SCRAPE tile; clients see it without its source, admins with it", async () => {
    const created = await createTile(errorRateTile);
    expect(created.status).toBe(201);
    expect(created.body.tile).toMatchObject({ key: "error_rate", sourceKind: "SCRAPE", sourceUrl: "http://127.0.0.1:9/metrics", pollIntervalSeconds: 15, position: 0 });
    expect(JSON.parse(created.body.tile.query!)).toEqual({ ...errorRateTile.query, scale: 100 });

    const listed = await json<{ tiles: TileConfigView[] }>(listTilesRoute(request("GET", `/api/v1/rollouts/${rolloutId}/tiles`, { cookie: admin.cookie }), ctx({ id: rolloutId })));
    expect(listed.body.tiles.map((t) => t.key)).toEqual(["error_rate"]);

    const state = await getRolloutState(rolloutId);
    expect(state.tiles).toHaveLength(1);
    expect(state.tiles[0]).not.toHaveProperty("sourceUrl");
    expect(state.tiles[0]).not.toHaveProperty("query");
    const [event] = await eventsOfType("tile.created");
    expect(event?.data.tile).toMatchObject({ key: "error_rate", label: "Error rate" });
    expect(JSON.stringify(event?.data)).not.toContain("127.0.0.1:9");
  });

  it.each([
    ["PROMETHEUS without a query", { ...errorRateTile, key: "a", sourceKind: "PROMETHEUS", query: undefined, sourceUrl: "http://prom:9090" }, "query"],
    ["SCRAPE without a URL", { ...errorRateTile, key: "b", sourceUrl: undefined }, "sourceUrl"],
    ["a SCRAPE query that is not one", { ...errorRateTile, key: "c", query: { kind: "rate" } }, "query"],
    ["a selector that does not parse", { ...errorRateTile, key: "d", query: 'x{a="b"' }, "query"],
    ["PUSH with a URL", { key: "e", label: "E", sourceKind: "PUSH", sourceUrl: "http://x/metrics" }, "sourceUrl"],
    ["a non-http URL", { ...errorRateTile, key: "f", sourceUrl: "file:///etc/passwd" }, "sourceUrl"],
    ["a key with spaces", { ...errorRateTile, key: "error rate" }, "key"],
    ["a poll interval of 0", { ...errorRateTile, key: "g", pollIntervalSeconds: 0 }, "pollIntervalSeconds"],
    ["an unknown field", { ...errorRateTile, key: "h", headers: { authorization: "x" } }, "body"],
    ["a warn threshold past the breach threshold", { ...errorRateTile, key: "i", warnThreshold: 2, breachThreshold: 1 }, "warnThreshold"],
    ["thresholds in the wrong order for LOWER_IS_WORSE", { ...errorRateTile, key: "j", direction: "LOWER_IS_WORSE", warnThreshold: 99, breachThreshold: 99.9 }, "warnThreshold"],
  ])("answers %s with 400 naming the field", async (_name, body, field) => {
    const res = await createTile(body);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error?.fields ?? {})).toContain(field);
  });

  it("answers a duplicate key with 409, other roles with 403, no credentials with 401, an unknown rollout with 404", async () => {
    expect((await createTile(errorRateTile)).status).toBe(409);
    expect((await createTile({ ...errorRateTile, key: "x1" }, commander.apiToken)).status).toBe(403);
    expect((await json(listTilesRoute(request("GET", `/api/v1/rollouts/${rolloutId}/tiles`, { auth: viewer.apiToken }), ctx({ id: rolloutId })))).status).toBe(403);
    expect((await json(listTilesRoute(request("GET", `/api/v1/rollouts/${rolloutId}/tiles`), ctx({ id: rolloutId })))).status).toBe(401);
    expect((await createTile({ ...errorRateTile, key: "x2" }, admin.apiToken, "no-such-rollout")).status).toBe(404);
  });

  it("patches a tile, validating the merged result, and clears the last reading when the source changes", async () => {
    const tile = (await createTile({ key: "p95", label: "p95", sourceKind: "PROMETHEUS", sourceUrl: "http://prom:9090", query: "histogram_quantile(0.95, x)" })).body.tile;
    await getDb().metricTile.update({ where: { id: tile.id }, data: { lastValue: 120, lastSampleAt: new Date() } });
    const patch = (body: unknown, auth = admin.apiToken) => json<{ tile: TileConfigView }>(patchTileRoute(request("PATCH", `/api/v1/tiles/${tile.id}`, { body, auth }), ctx({ id: tile.id })));

    const relabelled = await patch({ label: "Latency p95", unit: "ms" });
    expect(relabelled.body.tile).toMatchObject({ label: "Latency p95", unit: "ms", query: "histogram_quantile(0.95, x)", lastValue: 120 });
    const requeried = await patch({ query: "histogram_quantile(0.95, sum by (le) (rate(x[1m])))" });
    expect(requeried.body.tile).toMatchObject({ lastValue: null, lastSampleAt: null });

    expect((await patch({ sourceKind: "PUSH" })).body.error?.fields).toHaveProperty("sourceUrl");
    expect((await patch({ sourceKind: "PUSH", sourceUrl: null, query: null })).body.tile).toMatchObject({ sourceKind: "PUSH", sourceUrl: null, query: null });
    expect((await patch({ key: "error_rate" })).status).toBe(409);
    expect((await patch({})).status).toBe(400);
    expect((await patch({ label: "x" }, commander.apiToken)).status).toBe(403);
    expect((await json(patchTileRoute(request("PATCH", "/api/v1/tiles/nope", { body: { label: "x" }, auth: admin.apiToken }), ctx({ id: "nope" })))).status).toBe(404);
    // Three changes went through; refused ones record nothing.
    expect((await eventsOfType("tile.updated")).length).toBe(3);
  });

  it("deletes a tile with its samples", async () => {
    const tile = (await createTile({ key: "doomed", label: "Doomed", sourceKind: "PUSH" })).body.tile;
    await getDb().metricSample.create({ data: { tileId: tile.id, at: new Date(), value: 1 } });
    const res = await json(deleteTileRoute(request("DELETE", `/api/v1/tiles/${tile.id}`, { auth: admin.apiToken }), ctx({ id: tile.id })));
    expect(res.status).toBe(200);
    expect(await getDb().metricSample.count({ where: { tileId: tile.id } })).toBe(0);
    expect((await eventsOfType("tile.deleted")).at(-1)?.data).toMatchObject({ tileId: tile.id, key: "doomed" });
  });
});

describe("POST /api/v1/metrics (push)", () => {
  let queueTileId: string;
  beforeAll(async () => {
    queueTileId = (await createTile({ key: "queue_depth", label: "Queue depth", sourceKind: "PUSH", pollIntervalSeconds: 30 })).body.tile.id;
  });
  const push = (body: unknown, auth = engineer.apiToken) => json<{ accepted: number }>(pushRoute(request("POST", "/api/v1/metrics", { body, auth }), ctx()));

  it("stores samples for PUSH tiles by key, moves the tile to the newest one, and streams them on the metrics channel", async () => {
    live.length = 0;
    const t0 = Date.now() - 20_000;
    const res = await push({
      rolloutId,
      samples: [
        { key: "queue_depth", value: 12, at: new Date(t0 + 10_000).toISOString() },
        { key: "queue_depth", value: 7, at: new Date(t0).toISOString() },
      ],
    });
    expect(res).toEqual({ status: 202, body: { accepted: 2 } });
    const tile = await getDb().metricTile.findUniqueOrThrow({ where: { id: queueTileId } });
    expect(tile).toMatchObject({ lastValue: 12, lastSampleAt: new Date(t0 + 10_000) });
    expect(await getDb().metricSample.count({ where: { tileId: queueTileId } })).toBe(2);
    expect(live).toEqual([
      {
        rolloutId,
        channel: "metrics",
        payload: {
          updates: [
            { tileId: queueTileId, key: "queue_depth", at: t0 + 10_000, value: 12 },
            { tileId: queueTileId, key: "queue_depth", at: t0, value: 7 },
          ],
        },
      },
    ]);

    // A late sample is stored for the chart but does not replace the newer reading.
    await push({ rolloutId, samples: [{ key: "queue_depth", value: 99, at: new Date(t0 + 5_000).toISOString() }] });
    expect((await getDb().metricTile.findUniqueOrThrow({ where: { id: queueTileId } })).lastValue).toBe(12);
    // Without `at`, the sample is now.
    await push({ rolloutId, samples: [{ key: "queue_depth", value: 3 }] });
    expect((await getDb().metricTile.findUniqueOrThrow({ where: { id: queueTileId } })).lastValue).toBe(3);
  });

  it("rejects the whole request for an unknown key, a non-PUSH tile or a sample from the future", async () => {
    const before = await getDb().metricSample.count({ where: { tileId: queueTileId } });
    const res = await push({
      rolloutId,
      samples: [
        { key: "queue_depth", value: 1 },
        { key: "nope", value: 1 },
        { key: "error_rate", value: 1 },
        { key: "queue_depth", value: 1, at: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error?.fields ?? {}).sort()).toEqual(["samples.1.key", "samples.2.key", "samples.3.at"]);
    expect(await getDb().metricSample.count({ where: { tileId: queueTileId } })).toBe(before);
  });

  it("rejects samples older than a week (0001-01-01 included), and takes one from an hour ago", async () => {
    const before = await getDb().metricSample.count({ where: { tileId: queueTileId } });
    for (const at of ["0001-01-01T00:00:00Z", new Date(Date.now() - 8 * 86_400_000).toISOString()]) {
      const res = await push({ rolloutId, samples: [{ key: "queue_depth", value: 1, at }] });
      expect(res.status, at).toBe(400);
      expect(res.body.error?.fields, at).toEqual({ "samples.0.at": ["is more than 7 days in the past"] });
    }
    expect(await getDb().metricSample.count({ where: { tileId: queueTileId } })).toBe(before);
    expect((await push({ rolloutId, samples: [{ key: "queue_depth", value: 1, at: new Date(Date.now() - 3_600_000).toISOString() }] })).status).toBe(202);
  });

  it("validates the body and checks the caller", async () => {
    expect((await push({ samples: [{ key: "queue_depth", value: 1 }] })).body.error?.fields).toHaveProperty("rolloutId");
    expect((await push({ rolloutId, samples: [] })).body.error?.fields).toHaveProperty("samples");
    expect((await push({ rolloutId, samples: [{ key: "queue_depth", value: "1" }] })).body.error?.fields).toHaveProperty("samples.0.value");
    expect((await push({ rolloutId, samples: [{ key: "queue_depth", value: 1 }] }, viewer.apiToken)).status).toBe(403);
    expect((await push({ rolloutId, samples: [{ key: "queue_depth", value: 1 }] }, "wr_pat_unknown")).status).toBe(401);
    expect((await push({ rolloutId: "unknown", samples: [{ key: "queue_depth", value: 1 }] })).status).toBe(404);
  });
});

describe("GET /api/v1/rollouts/:id/metrics", () => {
  let seriesRolloutId: string;
  let tileId: string;
  const now = Date.now();
  beforeAll(async () => {
    seriesRolloutId = (await makeRollout()).id;
    tileId = (await createTile({ key: "rps", label: "Throughput", sourceKind: "PUSH", pollIntervalSeconds: 15 }, admin.apiToken, seriesRolloutId)).body.tile.id;
    // One sample every 15 s for the last 48 hours, value = minutes before now (so bucket means are easy to check).
    const data = Array.from({ length: (48 * 3600) / 15 }, (_, i) => ({ tileId, at: new Date(now - i * 15_000), value: (i * 15) / 60 }));
    await getDb().metricSample.createMany({ data });
    await getDb().metricTile.update({ where: { id: tileId }, data: { lastValue: 0, lastSampleAt: new Date(now) } });
  });
  const series = (query: string, auth: string = viewer.apiToken) =>
    json<MetricSeries>(seriesRoute(request("GET", `/api/v1/rollouts/${seriesRolloutId}/metrics${query}`, { auth }), ctx({ id: seriesRolloutId })));

  it("serves raw samples for a short window", async () => {
    const res = await series(`?since=${new Date(now - 10 * 60_000 + 1).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body.bucketSeconds).toBe(0);
    const [tile] = res.body.tiles;
    expect(tile).toMatchObject({ id: tileId, key: "rps", lastValue: 0, lastSampleAt: now, lastError: null });
    expect(tile!.points).toHaveLength(40);
    expect(tile!.points.at(-1)).toEqual({ at: now, value: 0 });
  });

  it("averages a 48-hour window into a few hundred buckets", async () => {
    const res = await series(`?since=${new Date(now - 48 * 3600_000).toISOString()}`);
    expect(res.body.bucketSeconds).toBe(600);
    const points = res.body.tiles[0]!.points;
    expect(points.length).toBeGreaterThan(280);
    expect(points.length).toBeLessThanOrEqual(290);
    // A full 10-minute bucket holds 40 samples, one every 15 s, valued "minutes before now": their mean is the value
    // at the bucket's middle, give or take half a step (where the 15-s grid falls in the bucket).
    const full = points[points.length - 3]!;
    expect(full.at % 600_000).toBe(0);
    const middle = (now - (full.at + 300_000)) / 60_000;
    expect(Math.abs(full.value - middle)).toBeLessThanOrEqual(0.125 + 1e-9);
  });

  it("defaults to the last 30 minutes, lets a share link read it, and checks its input", async () => {
    const res = await series("");
    expect(res.body.since).toBeGreaterThanOrEqual(now - 30 * 60_000 - 5_000);
    expect(res.body.bucketSeconds).toBe(5);
    const link = await json<{ token: string }>(createShareLinkRoute(request("POST", `/api/v1/rollouts/${seriesRolloutId}/share-links`, { body: {}, auth: commander.apiToken }), ctx({ id: seriesRolloutId })));
    expect((await series("", link.body.token)).status).toBe(200);
    expect((await series("?since=yesterday")).body.error?.fields).toHaveProperty("since");
    expect((await series(`?since=${new Date(now + 3_600_000).toISOString()}`)).status).toBe(400);
    expect((await json(seriesRoute(request("GET", "/api/v1/rollouts/nope/metrics", { auth: viewer.apiToken }), ctx({ id: "nope" })))).status).toBe(404);
  });
});

describe("PATCH /api/v1/criteria/:id (automatic rollback opt-in)", () => {
  it("lets a commander turn it on for a trigger, records it, and refuses success criteria and engineers", async () => {
    const state = await getRolloutState(rolloutId);
    const trigger = state.phases[0]!.criteria.find((c) => c.kind === "ROLLBACK_TRIGGER")!;
    expect(trigger.autoRollback).toBe(false);
    const patch = (id: string, body: unknown, auth = commander.apiToken) => json<{ criterion: { autoRollback: boolean } }>(patchCriterionRoute(request("PATCH", `/api/v1/criteria/${id}`, { body, auth }), ctx({ id })));
    expect((await patch(trigger.id, { autoRollback: true })).body.criterion.autoRollback).toBe(true);
    expect((await eventsOfType("criterion.updated")).at(-1)?.data).toMatchObject({ criterion: { id: trigger.id, autoRollback: true } });
    expect((await patch(trigger.id, { autoRollback: false }, engineer.apiToken)).status).toBe(403);
    expect((await patch(trigger.id, { autoRollback: "yes" })).status).toBe(400);

    const other = await makeRollout({
      name: `Success only ${Date.now()}`,
      service: "s",
      sections: [],
      phases: [{ name: "Canary", trafficPercent: 10, criteria: [{ kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 1, description: "Error rate < 1%" }] }],
    });
    const success = (await getRolloutState(other.id)).phases[0]!.criteria[0]!;
    expect((await patch(success.id, { autoRollback: true })).body.error?.fields).toHaveProperty("autoRollback");
  });
});
