import "server-only";
import { getDb, type DbTx } from "@/lib/db/client";
import { actorOf, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { tileConfigSchema, type CreateTileInput, type TileConfig, type UpdateTileInput } from "@/lib/schemas/metrics";
import { outboundUrlProblem } from "@/lib/net/outbound-policy";
import { badRequest, conflict, forbidden, notFound } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { tileConfigSelect, tileSelect, type TileConfigView, type TileView } from "./selects";

// Metric tiles: what a rollout measures and where each number comes from. Configuration is ADMIN-only and every change
// is an event (clients update their tile list from it); readings are not events (see metric-samples.ts).

function requireConfigure(principal: UserPrincipal) {
  if (!can(principal.role, "rollout.configure")) throw forbidden("Only an admin can configure metric tiles");
}

/** Tiles with their source configuration, for admins. */
export async function listTileConfigs(principal: UserPrincipal, rolloutId: string): Promise<TileConfigView[]> {
  requireConfigure(principal);
  const rollout = await getDb().rollout.findUnique({ where: { id: rolloutId }, select: { id: true } });
  if (!rollout) throw notFound("Rollout");
  const tiles = await getDb().metricTile.findMany({ where: { rolloutId }, select: tileConfigSelect, orderBy: { position: "asc" } });
  return jsonify(tiles);
}

export async function createTile(principal: UserPrincipal, rolloutId: string, input: CreateTileInput): Promise<TileConfigView> {
  requireConfigure(principal);
  return createTileAs(actorOf(principal), rolloutId, input);
}

/** createTile for the system itself (demo seed); no permission check. */
export async function createTileAs(actor: Actor, rolloutId: string, input: CreateTileInput): Promise<TileConfigView> {
  const config = parseConfig(input);
  const { result } = await changeRollout(rolloutId, actor, async (tx, record) => {
    await assertKeyFree(tx, rolloutId, config.key, null);
    const last = await tx.metricTile.findFirst({ where: { rolloutId }, orderBy: { position: "desc" }, select: { position: true } });
    const tile = await tx.metricTile.create({
      data: { ...config, rolloutId, position: config.position ?? (last ? last.position + 1 : 0) },
      select: tileConfigSelect,
    });
    await record("tile.created", { tile: publicView(tile), publicSummary: `Metric tile "${tile.label}" added` });
    return jsonify(tile);
  });
  return result;
}

export async function updateTile(principal: UserPrincipal, tileId: string, patch: UpdateTileInput): Promise<TileConfigView> {
  requireConfigure(principal);
  return updateTileAs(actorOf(principal), tileId, patch);
}

/**
 * Applies a partial change; the merged tile must still be valid for its source kind. Changing where the number comes
 * from (kind, URL or query) clears the last reading, which described the old source; stored samples are kept.
 */
export async function updateTileAs(actor: Actor, tileId: string, patch: UpdateTileInput): Promise<TileConfigView> {
  const rolloutId = await rolloutOfTile(tileId);
  const { result } = await changeRollout(rolloutId, actor, async (tx, record) => {
    const current = await tx.metricTile.findUnique({ where: { id: tileId }, select: tileConfigSelect });
    if (!current) throw notFound("Metric tile");
    const merged = parseConfig({
      key: current.key,
      label: current.label,
      unit: current.unit,
      sourceKind: current.sourceKind,
      query: current.sourceKind === "SCRAPE" && current.query ? safeJson(current.query) : current.query,
      sourceUrl: current.sourceUrl,
      pollIntervalSeconds: current.pollIntervalSeconds,
      direction: current.direction,
      warnThreshold: current.warnThreshold,
      breachThreshold: current.breachThreshold,
      position: current.position,
      ...patch,
    });
    if (merged.key !== current.key) await assertKeyFree(tx, rolloutId, merged.key, tileId);
    const sourceChanged = merged.sourceKind !== current.sourceKind || merged.sourceUrl !== current.sourceUrl || merged.query !== current.query;
    const tile = await tx.metricTile.update({
      where: { id: tileId },
      data: {
        ...merged,
        position: merged.position ?? current.position,
        ...(sourceChanged ? { lastValue: null, lastSampleAt: null, lastError: null, lastErrorAt: null } : {}),
      },
      select: tileConfigSelect,
    });
    const changed = Object.keys(patch);
    await record("tile.updated", { tile: publicView(tile), changed, publicSummary: `Metric tile "${tile.label}" changed` });
    return jsonify(tile);
  });
  return result;
}

/** Deletes a tile and its samples. Criteria that name its key then have no data (INCONCLUSIVE) until a tile has it again. */
export async function deleteTile(principal: UserPrincipal, tileId: string): Promise<void> {
  requireConfigure(principal);
  const rolloutId = await rolloutOfTile(tileId);
  await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const tile = await tx.metricTile.findUnique({ where: { id: tileId }, select: { key: true, label: true } });
    if (!tile) throw notFound("Metric tile");
    await tx.metricTile.delete({ where: { id: tileId } });
    await record("tile.deleted", { tileId, key: tile.key, publicSummary: `Metric tile "${tile.label}" removed` });
  });
}

async function rolloutOfTile(tileId: string): Promise<string> {
  const tile = await getDb().metricTile.findUnique({ where: { id: tileId }, select: { rolloutId: true } });
  if (!tile) throw notFound("Metric tile");
  return tile.rolloutId;
}

async function assertKeyFree(tx: DbTx, rolloutId: string, key: string, exceptTileId: string | null) {
  const existing = await tx.metricTile.findUnique({ where: { rolloutId_key: { rolloutId, key } }, select: { id: true } });
  if (existing && existing.id !== exceptTileId) throw conflict(`This rollout already has a tile with key "${key}"`);
}

/** Throws the ZodError itself: route handlers answer it as 400 naming the fields. */
function parseConfig(input: unknown): TileConfig {
  const config = tileConfigSchema.parse(input);
  // The same outbound policy the poller applies at call time, said at once (after DNS it is checked again).
  const problem = config.sourceUrl ? outboundUrlProblem(config.sourceUrl) : null;
  if (problem) throw badRequest(`Invalid sourceUrl: ${problem}`, { sourceUrl: [`is not allowed: ${problem}`] });
  return config;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Exactly tileSelect's fields, which every client may see (events, rollout state): no source URL, no query. */
function publicView(tile: object): TileView {
  const json = jsonify(tile) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(tileSelect).map((key) => [key, json[key]])) as TileView;
}

/** The tiles the poller reads (PROMETHEUS and SCRAPE) of rollouts still running or ended after `endedAfter`. */
export function listPolledTiles(endedAfter: Date) {
  return getDb().metricTile.findMany({
    where: { sourceKind: { in: ["PROMETHEUS", "SCRAPE"] }, rollout: { OR: [{ endedAt: null }, { endedAt: { gt: endedAfter } }] } },
    select: { id: true, rolloutId: true, key: true, sourceKind: true, sourceUrl: true, query: true, pollIntervalSeconds: true },
  });
}

/** Points every tile that reads `from` at `to` instead (the demo target moved port), as `actor`. */
export async function moveTileSources(actor: Actor, from: string, to: string): Promise<number> {
  const tiles = await getDb().metricTile.findMany({ where: { sourceUrl: from }, select: { id: true } });
  for (const tile of tiles) await updateTileAs(actor, tile.id, { sourceUrl: to });
  return tiles.length;
}
