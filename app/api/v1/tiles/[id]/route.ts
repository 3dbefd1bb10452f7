import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { deleteTile, updateTile } from "@/lib/domain/tiles";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { updateTileSchema } from "@/lib/schemas/metrics";

/** Changes any of a tile's fields; the result must still be valid for its source kind. ADMIN only. */
export const PATCH = defineRoute({ params: z.object({ id: idSchema }), body: updateTileSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.configure");
  return ok({ tile: await updateTile(user, params.id, body) });
});

/** Removes a tile and its samples. ADMIN only. */
export const DELETE = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "rollout.configure");
  await deleteTile(user, params.id);
  return ok({ deleted: params.id });
});
