import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { notFound } from "@/lib/domain/errors";
import { defineRoute, ok } from "@/lib/http/route";
import { emitUnloggedEvent, publishVolatile } from "@/lib/realtime/publisher";
import { eventEnvelopeSchema } from "@/lib/schemas/events";

// The benchmark's baseline: the same HTTP request, auth and io.to(room).emit as a tick, minus the database.
// Exists only when the server was started with WARROOM_BENCH=1 (npm run bench does); 404 otherwise.
// With `live`, the same for the live channel: a metrics push's fan-out without storing or reading samples.
const benchEmitSchema = z.union([
  z.object({ envelope: eventEnvelopeSchema }).strict(),
  z.object({ live: z.object({ rolloutId: z.string(), channel: z.string(), payload: z.unknown() }).strict() }).strict(),
]);

export const POST = defineRoute({ body: benchEmitSchema }, async ({ principal, body }) => {
  if (process.env.WARROOM_BENCH !== "1") throw notFound("Route");
  requirePermission(principal, "rollout.configure");
  if ("envelope" in body) emitUnloggedEvent(body.envelope);
  else publishVolatile(body.live.rolloutId, body.live.channel, body.live.payload);
  return ok({ ok: true });
});
