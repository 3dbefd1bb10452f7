import { z } from "zod";
import { requireRolloutRead } from "@/lib/auth/session";
import { listEventsAfter } from "@/lib/domain/events";
import { toPublicEvent } from "@/lib/domain/public-view";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { eventsQuerySchema } from "@/lib/schemas/events";

/** Events after `after`, oldest first: how a client that missed some catches up. Share tokens get the public form. */
export const GET = defineRoute({ params: z.object({ id: idSchema }), query: eventsQuerySchema }, async ({ principal, params, query }) => {
  const reader = requireRolloutRead(principal, params.id);
  const page = await listEventsAfter(params.id, query.after, query.limit);
  return ok(reader.kind === "share" ? { ...page, events: page.events.map(toPublicEvent) } : page);
});
