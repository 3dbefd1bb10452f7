import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { testTileSource } from "@/lib/domain/tile-test";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { tileConfigSchema } from "@/lib/schemas/metrics";

/** Reads a tile's source once (a tile's fields, saved or not): `{ ok, value, at }` or `{ ok: false, error }`. ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: tileConfigSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "rollout.configure");
  return ok({ result: await testTileSource(user, params.id, body) });
});
