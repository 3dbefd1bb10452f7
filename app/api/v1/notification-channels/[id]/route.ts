import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { deleteChannel, updateChannel } from "@/lib/notifications/channels";
import { idSchema } from "@/lib/schemas/common";
import { updateChannelSchema } from "@/lib/schemas/notifications";

/** `{ name?, rules?, forRehearsals?, enabled? }`; `rules: null` goes back to the defaults. ADMIN. */
export const PATCH = defineRoute({ params: z.object({ id: idSchema }), body: updateChannelSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "notifications.configure");
  return ok({ channel: await updateChannel(user, params.id, body) });
});

/** Removes the channel; its delivery log stays. ADMIN. */
export const DELETE = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "notifications.configure");
  await deleteChannel(user, params.id);
  return ok({ deleted: true });
});
