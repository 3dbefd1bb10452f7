import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { listDeliveries } from "@/lib/notifications/channels";
import { idSchema } from "@/lib/schemas/common";

/** The channel's delivery log, newest first: sent, failed and why, retrying (and when next). */
export const GET = defineRoute(
  { params: z.object({ id: idSchema }), query: z.object({ rolloutId: idSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  async ({ principal, params, query }) => {
    requirePermission(principal, "notifications.read");
    return ok({ deliveries: await listDeliveries(params.id, { rolloutId: query.rolloutId, limit: query.limit }) });
  },
);
