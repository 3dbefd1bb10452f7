import type { z } from "zod";
import { authenticateRequest } from "@/lib/auth/session";
import type { Principal } from "@/lib/auth/principal";
import { DomainError, badRequest, unauthorized } from "@/lib/domain/errors";
import { errorResponse, invalidInput } from "./errors";

// One wrapper for every route handler: authenticate, parse params / query / JSON body with zod, run, and turn
// every failure into `{ error: { code, message, fields? } }` with the right status. Handlers stay thin.

const DEFAULT_MAX_BODY = 256 * 1024;

type Spec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  params?: P;
  query?: Q;
  body?: B;
  maxBodyBytes?: number;
  /** Over maxBodyBytes the answer is 413, unless the route's contract makes it a 400 naming this field. */
  tooLarge?: { field: string; message: string };
  /** No sign-in needed (the stakeholder view); every other route answers 401 before looking at the input. */
  public?: boolean;
};

type Ctx<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  request: Request;
  principal: Principal | null;
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
  spec: Spec<P, Q, B>,
  handler: (ctx: Ctx<P, Q, B>) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const principal = await authenticateRequest(request);
      if (!principal && !spec.public) throw unauthorized();
      const params = spec.params ? parseWith(spec.params, await context.params, "params") : undefined;
      const query = spec.query
        ? parseWith(spec.query, Object.fromEntries(new URL(request.url).searchParams), "query")
        : undefined;
      const body = spec.body ? parseWith(spec.body, await readJsonBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY, spec.tooLarge), "body") : undefined;
      return await handler({ request, principal, params, query, body } as Ctx<P, Q, B>);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, root);
  return result.data;
}

async function readJsonBody(request: Request, maxBytes: number, overLimit?: Spec<z.ZodType, z.ZodType, z.ZodType>["tooLarge"]): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new DomainError("unsupported_media_type", 415, "Send the body as JSON (Content-Type: application/json)", {
      "content-type": ["must be application/json"],
    });
  }
  const tooLargeError = () => (overLimit ? badRequest(overLimit.message, { [overLimit.field]: [overLimit.message] }) : tooLarge(maxBytes));
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLargeError();
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLargeError();
  if (text.trim() === "") throw badRequest("The request body is empty", { body: ["is required"] });
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON", { body: ["is not valid JSON"] });
  }
}

const tooLarge = (max: number) =>
  new DomainError("payload_too_large", 413, `The request body is larger than ${Math.round(max / 1024)} KB`, { body: ["is too large"] });

/** JSON success response; `status` 200 unless given. */
export function ok(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store" } });
}
