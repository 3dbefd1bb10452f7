import { z } from "zod";
import { requireRolloutRead } from "@/lib/auth/session";
import { getMetricSeries } from "@/lib/domain/metric-samples";
import { badRequest } from "@/lib/domain/errors";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { seriesQuerySchema } from "@/lib/schemas/metrics";

const MAX_WINDOW_MS = 90 * 24 * 3600 * 1000;

/** Each tile's latest reading and its series since `since` (default 30 min), downsampled for long windows. */
export const GET = defineRoute({ params: z.object({ id: idSchema }), query: seriesQuerySchema }, async ({ principal, params, query }) => {
  requireRolloutRead(principal, params.id);
  const now = new Date();
  const since = query.since ? new Date(query.since) : undefined;
  if (since && (since.getTime() > now.getTime() || now.getTime() - since.getTime() > MAX_WINDOW_MS)) {
    throw badRequest("since must be in the past 90 days", { since: ["must be in the past 90 days"] });
  }
  return ok(await getMetricSeries(params.id, { since, now }));
});
