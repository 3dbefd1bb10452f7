import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { createTile, listTileConfigs } from "@/lib/domain/tiles";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { tileConfigSchema } from "@/lib/schemas/metrics";

/** The rollout's metric tiles with their source configuration (URL, query). ADMIN only. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "rollout.configure");
  return ok({ tiles: await listTileConfigs(user, params.id) });
});

/** Adds a tile: PROMETHEUS (base URL + PromQL), SCRAPE (/metrics URL + scrape query) or PUSH. ADMIN only. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: tileConfigSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.configure");
  return ok({ tile: await createTile(user, params.id, body) }, 201);
});
