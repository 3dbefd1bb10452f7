import { badRequest } from "@/lib/domain/errors";
import { idempotencyKeySchema } from "@/lib/schemas/actions";

/** The run's key from the `Idempotency-Key` header or the body's `idempotencyKey` (they must agree when both are given). */
export function idempotencyKeyOf(request: Request, fromBody: string | undefined): string | undefined {
  const header = request.headers.get("idempotency-key");
  if (header === null) return fromBody;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw badRequest(`Invalid Idempotency-Key header: ${parsed.error.issues[0]?.message ?? "bad value"}`, { "Idempotency-Key": parsed.error.issues.map((i) => i.message) });
  if (fromBody !== undefined && fromBody !== parsed.data) {
    throw badRequest("The Idempotency-Key header and the body's idempotencyKey differ", { "Idempotency-Key": ["differs from body.idempotencyKey"] });
  }
  return parsed.data;
}
