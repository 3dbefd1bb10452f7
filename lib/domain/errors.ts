// Domain failures carry a code and an HTTP-ish status so route handlers and socket handlers map them the same
// way, by class and code, never by message text.

export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable"
  | "bad_gateway"
  | "internal";

export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly fields?: FieldErrors,
    /** Extra JSON the client needs, e.g. the current item on a version conflict. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const badRequest = (message: string, fields?: FieldErrors) => new DomainError("bad_request", 400, message, fields);
export const unauthorized = (message = "Sign in or send a valid API token") => new DomainError("unauthorized", 401, message);
export const forbidden = (message = "Your role does not allow this") => new DomainError("forbidden", 403, message);
export const notFound = (what: string) => new DomainError("not_found", 404, `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", 409, message, undefined, details);

export type ErrorBody = {
  error: { code: ErrorCode; message: string; fields?: FieldErrors } & Record<string, unknown>;
};

export function errorBody(error: DomainError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}), ...error.details } };
}

