import type { z } from "zod";
import { authorizeOperation, authorizeTargets, type Access, type CallerOf, type Touches } from "@/lib/auth/access";
import type { TokenUse } from "@/lib/auth/token-scope";
import { authenticateRequest } from "@/lib/auth/session";
import type { Principal } from "@/lib/auth/principal";
import { DomainError, badRequest, unauthorized } from "@/lib/domain/errors";
import { assertSafeJson } from "@/lib/schemas/json-guards";
import { errorResponse, invalidInput } from "./errors";
import { readBodyText, type TooLarge } from "./read-body";

// One wrapper for every route handler: authenticate, authorize, parse params / query / JSON body with zod,
// run, and turn every failure into `{ error: { code, message, fields? } }` with the right status. The order
// matters: 401/403 come before the input is looked at, and the body is read (as a stream, stopped at its
// limit) only for a caller who may send it. Handlers stay thin.

const DEFAULT_MAX_BODY = 256 * 1024;

export type RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, A extends Access> = {
  /** Who may call; checked before the params are parsed (or just after, for a rollout read) and before the body is read. */
  access?: A;
  /** Older form of `access: { public: true }`; without either, any signed-in caller passes and the handler checks. */
  public?: boolean;
  /** The operation's method and path (for messages) and what a scoped API token needs (lib/auth/access.ts: AccessSpec). */
  method?: string;
  path?: string;
  tokenUse?: TokenUse;
  touches?: Touches;
  params?: P;
  query?: Q;
  body?: B;
  maxBodyBytes?: number;
  /** Over maxBodyBytes the answer is 413, unless the route's contract makes it a 400 naming this field. */
  tooLarge?: TooLarge;
};

export type RouteCtx<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, A extends Access> = {
  request: Request;
  caller: CallerOf<A>;
  /** Whoever sent the request (null when anonymous on a public route); `caller` is the same, narrowed by `access`. */
  principal: Principal | null;
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown, A extends Access = Access>(
  spec: RouteSpec<P, Q, B, A>,
  handler: (ctx: RouteCtx<P, Q, B, A>) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const access: Access = spec.access ?? (spec.public ? { public: true } : { signedIn: true });
      const gate = { access, method: spec.method ?? request.method, path: spec.path ?? new URL(request.url).pathname, tokenUse: spec.tokenUse, touches: spec.touches };
      const principal: Principal | null = await authenticateRequest(request);
      if (!principal && !("public" in access)) throw unauthorized();
      let caller = "rolloutRead" in access ? undefined : authorizeOperation(gate, principal, undefined);
      const params = spec.params ? parseWith(spec.params, await context.params, "params") : undefined;
      caller ??= authorizeOperation(gate, principal, params);
      await authorizeTargets(gate, caller, { id: (params as { id?: unknown } | undefined)?.id });
      const query = spec.query ? parseWith(spec.query, Object.fromEntries(new URL(request.url).searchParams), "query") : undefined;
      let body: unknown;
      if (spec.body) {
        const raw = await readJsonBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY, spec.tooLarge);
        // A token limited to other rollouts gets its 403 before the body is judged.
        await authorizeTargets(gate, caller, { body: raw });
        body = parseWith(spec.body, raw, "body");
      }
      return await handler({ request, caller, principal, params, query, body } as RouteCtx<P, Q, B, A>);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  assertSafeJson(value, root);
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, root);
  return result.data;
}

async function readJsonBody(request: Request, maxBytes: number, overLimit?: TooLarge): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new DomainError("unsupported_media_type", 415, "Send the body as JSON (Content-Type: application/json)", {
      "content-type": ["must be application/json"],
    });
  }
  const text = await readBodyText(request, maxBytes, overLimit);
  if (text.trim() === "") throw badRequest("The request body is empty", { body: ["is required"] });
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON", { body: ["is not valid JSON"] });
  }
}

/** JSON success response; `status` 200 unless given. */
export function ok(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store" } });
}
