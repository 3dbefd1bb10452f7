import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { createAction, listActionConfigs } from "@/lib/domain/actions";
import { defineRoute, ok } from "@/lib/http/route";
import { createActionSchema } from "@/lib/schemas/actions";
import { idSchema } from "@/lib/schemas/common";

/** The rollout's actions as configured (ADMIN): secret header values are shown as ••••, never sent. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "action.configure");
  return ok({ actions: await listActionConfigs(user, params.id) });
});

/** Configure a new action (ADMIN). */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: createActionSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "action.configure");
  return ok({ action: await createAction(user, params.id, body) }, 201);
});
