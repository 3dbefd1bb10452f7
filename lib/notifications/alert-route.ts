import { errorResponse } from "@/lib/http/errors";
import { defineRoute, ok } from "@/lib/http/route";
import { alertmanagerPayloadSchema } from "@/lib/schemas/notifications";
import { applyAlerts, rolloutOfAlertToken, type AlertSource } from "./alerts";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * The handler both alert webhooks share. The caller is Alertmanager or Grafana, not a user: the alert token is
 * the credential and names the rollout. It is checked before the body is read, so a caller without it gets
 * 401 whatever it sends.
 */
export function receiveAlerts(source: AlertSource) {
  const rolloutOf = new WeakMap<Request, string>();
  const apply = defineRoute({ public: true, body: alertmanagerPayloadSchema, maxBodyBytes: 2 * 1024 * 1024 }, async ({ request, body }) =>
    ok(await applyAlerts(rolloutOf.get(request)!, body, source)),
  );
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      rolloutOf.set(request, await rolloutOfAlertToken(request.headers.get("authorization")));
    } catch (error) {
      return errorResponse(error);
    }
    return apply(request, context);
  };
}
