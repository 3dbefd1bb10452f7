import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { notFound } from "@/lib/domain/errors";
import { defineRoute, ok } from "@/lib/http/route";
import { publishEvents } from "@/lib/realtime/publisher";
import { eventEnvelopeSchema } from "@/lib/schemas/events";

// The benchmark's baseline: the same HTTP request, auth and io.to(room).emit as a tick, minus the database.
// Exists only when the server was started with WARROOM_BENCH=1 (npm run bench does); 404 otherwise.
export const POST = defineRoute({ body: z.object({ envelope: eventEnvelopeSchema }).strict() }, async ({ principal, body }) => {
  if (process.env.WARROOM_BENCH !== "1") throw notFound("Route");
  requirePermission(principal, "rollout.configure");
  publishEvents([body.envelope]);
  return ok({ ok: true });
});
