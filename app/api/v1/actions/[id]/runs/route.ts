import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { failedRunError, requestActionRun } from "@/lib/domain/actions";
import { errorResponse } from "@/lib/http/errors";
import { idempotencyKeyOf } from "@/lib/http/idempotency";
import { defineRoute } from "@/lib/http/route";
import { runActionSchema } from "@/lib/schemas/actions";
import { idSchema } from "@/lib/schemas/common";

/**
 * Run an action as the caller, with `{ reason, params?: { percentage } }` and an `Idempotency-Key` header (or
 * body field). 201 with the finished run (or the PENDING_APPROVAL one under the two-person rule); the same key
 * again answers 200 with the existing run and `Idempotent-Replayed: true`, without calling the target. A target
 * that fails answers 502 with `error.run`.
 */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: runActionSchema }, async ({ request, principal, params, body }) => {
  const user = requirePermission(principal, "action.run");
  const idempotencyKey = idempotencyKeyOf(request, body.idempotencyKey);
  const { run, replayed } = await requestActionRun(user, params.id, { ...body, idempotencyKey });
  const headers: Record<string, string> = { "cache-control": "no-store", ...(replayed ? { "idempotent-replayed": "true" } : {}) };
  const failed = failedRunError(run);
  if (failed) {
    const response = errorResponse(failed);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  }
  return Response.json({ run, replayed }, { status: replayed ? 200 : 201, headers });
});
