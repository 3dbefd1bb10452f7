import { badRequest } from "@/lib/domain/errors";

// Checks on parsed JSON before any schema sees it, shared by the HTTP wrapper and the socket's commands:
// Postgres refuses NUL in text (a 500 once it reached a query), and recursive schemas (sections, items)
// overflow the stack on input nested a thousand deep.

/** Deeper than any real body: a runbook's sections and items nest a few levels, each level is 2 in JSON. */
export const MAX_JSON_DEPTH = 64;

/** Throws a 400 naming the first field that holds a NUL byte or sits deeper than MAX_JSON_DEPTH. */
export function assertSafeJson(value: unknown, root = "body"): void {
  // Iterative, so the check itself cannot overflow the stack it protects.
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    const field = () => (path.length ? path.join(".") : root);
    if (typeof current === "string") {
      if (current.includes("\u0000")) throw badRequest(`Invalid ${field()}: must not contain a NUL character`, { [field()]: ["must not contain a NUL character"] });
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) {
      throw badRequest(`Invalid ${root}: nested more than ${MAX_JSON_DEPTH} levels deep`, { [root]: [`is nested more than ${MAX_JSON_DEPTH} levels deep`] });
    }
    for (const [key, child] of Object.entries(current)) {
      if (key.includes("\u0000")) throw badRequest(`Invalid ${field()}: a key contains a NUL character`, { [field()]: ["has a key with a NUL character"] });
      stack.push({ value: child, path: [...path, key] });
    }
  }
}
