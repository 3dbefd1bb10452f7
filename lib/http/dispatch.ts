import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Operation } from "@/lib/operations/operation";
import { errorResponse } from "./errors";
import { routeFor } from "./operation-route";
import { securityHeaders } from "./security-headers.mjs";

// The API without Next's router. Every route file under app/api is one line, `export const METHOD =
// routeFor(operations[row])` (lib/operations/table.test.ts holds them to it), so server.ts can answer a request for
// a row of the table by calling that same handler itself: the same authentication (sessions and API tokens),
// access check, zod parsing, body limits, domain function and error shapes, minus the several milliseconds Next
// spends routing each request. The request is handed over as the same Fetch Request a route handler gets, and the
// answer written with the headers Next would add (next.config.js's security headers; gzip for a large body when
// the client accepts it). What the table does not have (next-auth, HEAD, OPTIONS, a method a path does not serve,
// a trailing slash) goes on to Next, which answers it as before. lib/http/dispatch.db.test.ts sends every row of
// the table both ways and compares the answers.

type RouteHandler = ReturnType<typeof routeFor>;
type Route = { path: string; pattern: RegExp; names: string[]; segments: string[]; methods: Map<string, RouteHandler> };
export type ApiMatch = { handler: RouteHandler; params: Record<string, string> };

const gzip = promisify(gzipCallback);
/** Next's compression (the `compression` middleware) leaves small answers alone too. */
const GZIP_MIN_BYTES = 1024;
const COMPRESSIBLE = /^(application\/(.+\+)?json|text\/)/i;

const isParam = (segment: string) => /^\{\w+\}$/.test(segment);

/** Next's precedence: at the first segment where two paths differ in kind, the literal one wins. */
function byPrecedence(a: Route, b: Route): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const dynamicA = isParam(a.segments[i]!);
    const dynamicB = isParam(b.segments[i]!);
    if (dynamicA !== dynamicB) return dynamicA ? 1 : -1;
  }
  return 0;
}

function compile(table: Record<string, Operation>): Route[] {
  const byPath = new Map<string, Route>();
  for (const operation of Object.values(table)) {
    let route = byPath.get(operation.path);
    if (!route) {
      const segments = operation.path.split("/").slice(1);
      const names = segments.filter(isParam).map((s) => s.slice(1, -1));
      const source = segments.map((s) => (isParam(s) ? "([^/]+)" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
      route = { path: operation.path, pattern: new RegExp(`^/${source}$`), names, segments, methods: new Map() };
      byPath.set(operation.path, route);
    }
    route.methods.set(operation.method, routeFor(operation));
  }
  return [...byPath.values()].sort(byPrecedence);
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export type ApiDispatcher = {
  /** The table's handler for this request, or null when Next should answer it. */
  match: (method: string, url: string) => ApiMatch | null;
  /** Answers the request when the table has it (true); false leaves it to Next. */
  dispatch: (req: IncomingMessage, res: ServerResponse) => boolean;
};

export function createApiDispatcher(table: Record<string, Operation>, opts: { dev?: boolean } = {}): ApiDispatcher {
  const routes = compile(table);
  const extraHeaders = Object.fromEntries(securityHeaders(Boolean(opts.dev)).map(({ key, value }) => [key, value]));

  const match = (method: string, url: string): ApiMatch | null => {
    const path = pathOf(url);
    if (!path.startsWith("/api/")) return null;
    for (const route of routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      // The path is this route file's: a method it does not export is Next's 405, as before.
      const handler = route.methods.get(method);
      if (!handler) return null;
      try {
        return { handler, params: Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)])) };
      } catch {
        return null; // broken percent-encoding: server.ts's guard answers it before this
      }
    }
    return null;
  };

  return {
    match,
    dispatch: (req, res) => {
      const found = match(req.method ?? "GET", req.url ?? "/");
      if (!found) return false;
      void answer(found, req, res, extraHeaders);
      return true;
    },
  };
}

/** The Fetch Request a route handler gets for this Node request: full URL, every header, the body as a stream. */
export function toFetchRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    } catch {
      // a header value Fetch refuses (Node accepted it); Next drops those too
    }
  }
  // server.ts sets its own headers (the peer address) on req.headers after parsing, so they win over rawHeaders.
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD" && (req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0);
  const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: bodyOf(req), duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * The request body as a stream that reads only when the handler reads it: a handler that answers first (401, a
 * Content-Length over the limit) leaves it unread, and Node then discards it and keeps the connection, as under
 * Next. A handler that stops reading (over the limit while streaming) lets the rest drain away unread.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull: (controller) =>
      new Promise<void>((resolve) => {
        if (req.readableEnded) {
          controller.close();
          return resolve();
        }
        const settle = (then: () => void) => {
          req.off("data", onData).off("end", onEnd).off("error", onError);
          req.pause();
          then();
          resolve();
        };
        const onData = (chunk: Buffer) => settle(() => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
        const onEnd = () => settle(() => controller.close());
        const onError = (error: Error) => settle(() => controller.error(error));
        req.on("data", onData).once("end", onEnd).once("error", onError);
        req.resume();
      }),
    cancel: () => {
      req.resume();
    },
    // Nothing is read before the handler asks (the default strategy would pull one chunk at once).
  }, { highWaterMark: 0 });
}

async function answer(found: ApiMatch, req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string>) {
  let response: Response;
  try {
    response = await found.handler(toFetchRequest(req), { params: Promise.resolve(found.params) });
  } catch (error) {
    response = errorResponse(error);
  }
  try {
    await writeResponse(response, req, res, extraHeaders);
  } catch {
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end('{"error":{"code":"internal","message":"Internal error"}}');
    else res.destroy();
  }
}

async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string>) {
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  let body: Buffer = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get("content-type") ?? "";
  if (body.length > 0 && COMPRESSIBLE.test(type)) headers.vary = "Accept-Encoding";
  if (body.length >= GZIP_MIN_BYTES && COMPRESSIBLE.test(type) && !response.headers.has("content-encoding") && /\bgzip\b/i.test(String(req.headers["accept-encoding"] ?? ""))) {
    body = await gzip(body);
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
