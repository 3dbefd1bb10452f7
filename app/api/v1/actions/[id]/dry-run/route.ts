import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { dryRunAction } from "@/lib/domain/actions";
import { idempotencyKeyOf } from "@/lib/http/idempotency";
import { defineRoute, ok } from "@/lib/http/route";
import { dryRunActionSchema } from "@/lib/schemas/actions";
import { idSchema } from "@/lib/schemas/common";

/** What a run would send (secret values masked) and whether the target accepts a connection; calls no route, records nothing. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: dryRunActionSchema }, async ({ request, principal, params, body }) => {
  const user = requirePermission(principal, "action.run");
  return ok(await dryRunAction(user, params.id, { ...body, idempotencyKey: idempotencyKeyOf(request, body.idempotencyKey) }));
});
