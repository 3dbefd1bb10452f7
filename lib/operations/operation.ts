import type { z } from "zod";
import type { Access, CallerOf, Touches } from "@/lib/auth/access";
import type { TokenUse } from "@/lib/auth/token-scope";
import type { DomainError } from "@/lib/domain/errors";

// What one operation of the API is: where it lives on HTTP, who may call it, the schemas of its input, the
// domain function it runs and, when the socket offers it too, its command. The route handlers (lib/http/
// operation-route.ts), the socket's commands (lib/realtime/commands.ts) and the OpenAPI document
// (lib/operations/openapi.ts) are all built from lib/operations/table.ts, so they cannot drift apart.

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Which id field a socket command carries; it becomes the operation's `id` path parameter. */
export type CommandTarget = "rolloutId" | "gateId" | "actionId" | "runId";

export type OperationInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, A extends Access> = {
  caller: CallerOf<A>;
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
  /** The HTTP request's headers (empty for a socket command). */
  headers: Headers;
  /** The HTTP request's URL (null for a socket command). */
  url: string | null;
};

/** A success with a status or headers of its own, or a failure whose answer still carries headers and details. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly init: { status?: number; headers?: Record<string, string>; error?: DomainError } = {},
  ) {}
}

export type Operation<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, A extends Access = Access> = {
  method: HttpMethod;
  /** OpenAPI form: `/api/v1/rollouts/{id}/start`; the route file is app + this path with `{x}` as `[x]`. */
  path: string;
  summary: string;
  access: A;
  /**
   * What an API token's scope must allow to call it (lib/auth/token-scope.ts): a GET is a read, any other method
   * a write, unless this says otherwise.
   */
  tokenUse?: TokenUse;
  /**
   * Which rollouts it touches, so that a token limited to some rollouts is refused the others; left out, the
   * operation is not about one rollout and such a token is refused it (lib/auth/access.ts).
   */
  touches?: Touches;
  params?: P;
  query?: Q;
  body?: B;
  maxBodyBytes?: number;
  tooLarge?: { field: string; message: string };
  /** The success status when `run` returns plain data (200 unless given). */
  status?: number;
  /** What a success answers with, for the OpenAPI document (JSON unless given). */
  produces?: "application/json" | "text/markdown" | "none";
  /** Left out of the OpenAPI document (the benchmark's baseline). */
  internal?: boolean;
  /** Offered over the socket as `{ type, [target]: id, input }`, input parsed with `commandInput` (else `body`). */
  command?: { type: string; target: CommandTarget; commandInput?: z.ZodType };
  /** Returns the answer's JSON (or a Reply; a Response is passed through on HTTP only). */
  run: (input: OperationInput<P, Q, B, A>) => Promise<unknown>;
};

/** Keeps each operation's schema types tied to its `run` (an identity function at run time). */
export function defineOperation<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown, A extends Access = Access>(
  operation: Operation<P, Q, B, A>,
): Operation<P, Q, B, A> {
  return operation;
}
