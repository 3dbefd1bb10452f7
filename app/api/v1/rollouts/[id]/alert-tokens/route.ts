import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { defineRoute, ok } from "@/lib/http/route";
import { createAlertToken } from "@/lib/notifications/alerts";
import { idSchema } from "@/lib/schemas/common";
import { createAlertTokenSchema } from "@/lib/schemas/notifications";

/** A bearer token for Alertmanager's / Grafana's webhook to this rollout; shown in this response only. ADMIN. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: createAlertTokenSchema }, async ({ principal, params, body, request }) => {
  const user = requirePermission(principal, "notifications.configure");
  const created = await createAlertToken(user, params.id, body.label);
  const base = process.env.NEXTAUTH_URL ?? request.url;
  return ok({ ...created, alertmanagerUrl: new URL("/api/v1/alerts/alertmanager", base).toString(), grafanaUrl: new URL("/api/v1/alerts/grafana", base).toString() }, 201);
});
