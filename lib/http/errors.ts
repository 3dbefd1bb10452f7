import { errorBody } from "@/lib/domain/errors";
import { toDomainError } from "@/lib/domain/to-domain-error";
import { appMetrics } from "@/lib/observability/metrics";

// The HTTP answer for anything thrown below a route handler: our one error shape with the right status.
export { fieldErrorsOf, invalidInput, toDomainError } from "@/lib/domain/to-domain-error";

export function errorResponse(error: unknown): Response {
  const domain = toDomainError(error);
  appMetrics().httpErrors.inc({ status: String(domain.status) });
  if (domain.status >= 500 && domain.code === "internal") console.error("[warroom] unhandled error", error);
  const headers: Record<string, string> = domain.status === 503 ? { "retry-after": "2" } : {};
  return Response.json(errorBody(domain), { status: domain.status, headers });
}
