import { requirePermission } from "@/lib/auth/session";
import { pushSamples } from "@/lib/domain/metric-samples";
import { defineRoute, ok } from "@/lib/http/route";
import { pushMetricsSchema } from "@/lib/schemas/metrics";

/**
 * Push: `{ rolloutId, samples: [{ key, value, at? }] }`; each key must be a PUSH tile of that rollout. All or nothing.
 * Meant for automation with an API token (`Authorization: Bearer wr_pat_…`); ENGINEER, COMMANDER or ADMIN.
 */
export const POST = defineRoute({ body: pushMetricsSchema, maxBodyBytes: 512 * 1024 }, async ({ principal, body }) => {
  const user = requirePermission(principal, "metrics.push");
  return ok(await pushSamples(user, body), 202);
});
