import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { createChannel, listChannels } from "@/lib/notifications/channels";
import { createChannelSchema } from "@/lib/schemas/notifications";

/** Default channels: every rollout notifies them. */
export const GET = defineRoute({}, async ({ principal }) => {
  requirePermission(principal, "notifications.read");
  return ok({ channels: await listChannels(null) });
});

/** A default channel for every rollout. ADMIN. */
export const POST = defineRoute({ body: createChannelSchema }, async ({ principal, body }) => {
  const user = requirePermission(principal, "notifications.configure");
  return ok(await createChannel(user, null, body), 201);
});
