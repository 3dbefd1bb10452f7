import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { createChannel, listChannels } from "@/lib/notifications/channels";
import { idSchema } from "@/lib/schemas/common";
import { createChannelSchema } from "@/lib/schemas/notifications";

/** The rollout's channels and the default ones that apply to it; never their URLs or keys. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  requirePermission(principal, "notifications.read");
  return ok({ channels: await listChannels(params.id) });
});

/** A channel for this rollout. A generated webhook signing key is in this response only. ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: createChannelSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "notifications.configure");
  return ok(await createChannel(user, params.id, body), 201);
});
