import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { bindTriggerToAlert } from "@/lib/notifications/alerts";
import { idSchema } from "@/lib/schemas/common";
import { alertBindingSchema } from "@/lib/schemas/notifications";

/** `{ alertName, labels? }`: the rollback trigger follows that alert (Alertmanager or Grafana). COMMANDER, ADMIN. */
export const PUT = defineRoute({ params: z.object({ id: idSchema }), body: alertBindingSchema.unwrap() }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "phase.control");
  return ok({ criterion: await bindTriggerToAlert(user, params.id, body) });
});

/** Unbinds the trigger from its alert. */
export const DELETE = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "phase.control");
  return ok({ criterion: await bindTriggerToAlert(user, params.id, null) });
});
