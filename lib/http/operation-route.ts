import type { z } from "zod";
import type { Access } from "@/lib/auth/access";
import { Reply, type Operation } from "@/lib/operations/operation";
import { errorResponse } from "./errors";
import { defineRoute } from "./route";

/** A route handler for one row of lib/operations/table.ts; `handler.operation` lets tests tie a file to its row. */
export function routeFor<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, A extends Access>(operation: Operation<P, Q, B, A>) {
  const handler = defineRoute(operation, async ({ request, caller, params, query, body }) => {
    const result = await operation.run({ caller, params, query, body, headers: request.headers, url: request.url });
    return toResponse(result, operation.status ?? 200);
  });
  return Object.assign(handler, { operation: operation as unknown as Operation });
}

function toResponse(result: unknown, status: number): Response {
  if (result instanceof Response) return result;
  if (result instanceof Reply) {
    const { error, headers = {} } = result.init;
    const response = error
      ? errorResponse(error)
      : result.init.status === 204
        ? new Response(null, { status: 204 })
        : Response.json(result.body, { status: result.init.status ?? status, headers: { "cache-control": "no-store" } });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  }
  return Response.json(result, { status, headers: { "cache-control": "no-store" } });
}
