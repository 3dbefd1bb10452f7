import { errorBody } from "@/lib/domain/errors";
import { toDomainError } from "@/lib/domain/to-domain-error";

/** The socket's form of the HTTP error answer: `{ ok: false, error: { code, message, fields?, status } }` for an ack. */
export function errorAck(error: unknown) {
  const domain = toDomainError(error);
  if (domain.status >= 500 && domain.code === "internal") console.error("[warroom] unhandled socket error", error);
  return { ok: false as const, error: { ...errorBody(domain).error, status: domain.status } };
}
