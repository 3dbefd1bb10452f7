import type { ErrorBody } from "@/lib/domain/errors";

// The browser's one fetch wrapper: JSON in and out, abort signal forwarded, errors as ApiError with the
// server's code, message, fields and extra details (e.g. the current item on 409).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody["error"],
  ) {
    super(body.message);
    this.name = "ApiError";
  }
}

export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? "GET",
    headers: { ...init.headers, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
    credentials: "same-origin",
    cache: "no-store",
  });
  const payload = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (payload as Partial<ErrorBody> | null)?.error ?? { code: "internal" as const, message: `HTTP ${response.status}` };
    throw new ApiError(response.status, error);
  }
  return payload as T;
}

/** A fresh Idempotency-Key (also where crypto.randomUUID is missing: plain-HTTP origins other than localhost). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
