import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { deleteAction, getActionConfig, updateAction } from "@/lib/domain/actions";
import { defineRoute, ok } from "@/lib/http/route";
import { updateActionSchema } from "@/lib/schemas/actions";
import { idSchema } from "@/lib/schemas/common";

const params = z.object({ id: idSchema });

export const GET = defineRoute({ params }, async ({ principal, params }) => {
  const user = requirePermission(principal, "action.configure");
  return ok({ action: await getActionConfig(user, params.id) });
});

/** Change an action (ADMIN). `headers` replaces the list; a secret header sent without `value` keeps its stored value. */
export const PATCH = defineRoute({ params, body: updateActionSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "action.configure");
  return ok({ action: await updateAction(user, params.id, body) });
});

/** Remove an action (ADMIN): it stops being listed or run; its runs stay on record. */
export const DELETE = defineRoute({ params }, async ({ principal, params }) => {
  const user = requirePermission(principal, "action.configure");
  await deleteAction(user, params.id);
  return new Response(null, { status: 204 });
});
