import { ZodError } from "zod";
import { DomainError, badRequest, type FieldErrors } from "./errors";

// Turns anything thrown below a route handler or socket handler into a DomainError, by class and code, never
// by message text. The HTTP answer (lib/http/errors.ts) and the socket's ack (lib/realtime/error-ack.ts) are
// both built from it.

export function fieldErrorsOf(error: ZodError, root = "body"): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : root;
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

export function invalidInput(error: ZodError, root = "body"): DomainError {
  const fields = fieldErrorsOf(error, root);
  const names = Object.keys(fields);
  return badRequest(`Invalid ${names.join(", ")}: ${Object.values(fields)[0]?.[0] ?? "bad value"}`, fields);
}

// Postgres / driver / Prisma codes that mean "the database is not reachable right now".
// Prisma's driver adapters report the same as a `kind` (P2010 wraps it in meta.driverAdapterError).
const UNAVAILABLE_CODES = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "P1001", "P1002", "P1017", "P2024"]);
// Text Postgres refuses (a NUL byte, a bad \u escape in jsonb): the input is wrong, whichever path let it through.
const BAD_TEXT_CODES = new Set(["22021", "22P05"]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const pending: unknown[] = [error];
  for (let seen = 0; pending.length && seen < 12; seen++) {
    const current = pending.shift();
    if (!current || typeof current !== "object") continue;
    const { code, cause, originalCode, kind, meta } = current as { code?: unknown; cause?: unknown; originalCode?: unknown; kind?: unknown; meta?: { driverAdapterError?: unknown } };
    for (const value of [code, originalCode, kind]) if (typeof value === "string") codes.push(value);
    pending.push(cause, meta?.driverAdapterError);
  }
  return codes;
}

export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof ZodError) return invalidInput(error);
  const codes = codesOf(error);
  if (codes.includes("P2025")) return new DomainError("not_found", 404, "Not found");
  if (codes.includes("P2002") || codes.includes("23505")) return new DomainError("conflict", 409, "Already exists");
  if (codes.some((c) => BAD_TEXT_CODES.has(c))) return badRequest("The input holds text the database cannot store (a NUL character?)", { body: ["holds a NUL character"] });
  if (codes.some((c) => UNAVAILABLE_CODES.has(c))) {
    return new DomainError("unavailable", 503, "The database is unavailable; nothing was changed. Retry shortly.");
  }
  return new DomainError("internal", 500, "Internal error");
}
