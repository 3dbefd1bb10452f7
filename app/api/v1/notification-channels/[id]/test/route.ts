import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { sendTestMessage } from "@/lib/notifications/channels";
import { idSchema } from "@/lib/schemas/common";

/** `{ rolloutId }`: sends a test message about that rollout now and answers what the channel said. ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: z.strictObject({ rolloutId: idSchema }) }, async ({ principal, params, body }) => {
  requirePermission(principal, "notifications.configure");
  return ok({ outcome: await sendTestMessage(params.id, body.rolloutId) });
});
