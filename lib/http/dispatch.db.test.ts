import { readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Operation } from "@/lib/operations/operation";
import { operations } from "@/lib/operations/table";
import { getRolloutState } from "@/lib/domain/rollouts";
import { makeRollout, makeUser } from "@/test/factories";
import { createApiDispatcher } from "./dispatch";
import { securityHeaders } from "./security-headers.mjs";

// server.ts answers the table's requests without Next (lib/http/dispatch.ts). Here every row of the table is sent
// both ways, a real HTTP request to the dispatcher and the route file's own export called with the same Request
// (what Next calls), anonymously, as a viewer and as an admin, and the answers must be the same: status, body and
// the headers a client acts on. What the dispatcher does not serve falls through to what stands for Next here.

type RouteExport = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Answer = { status: number; headers: Record<string, string | undefined>; body: unknown };

const table = operations as Record<string, Operation>;
const COMPARED_HEADERS = ["content-type", "cache-control", "content-disposition", "retry-after", "location"];
const MISSING_ID = "cmissing0000000000000000";

let server: Server;
let base: string;
let rolloutId: string;
let admin: Awaited<ReturnType<typeof makeUser>>;
let viewer: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  [admin, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("VIEWER")]);
  rolloutId = (await makeRollout()).id;
  await getRolloutState(rolloutId);
  const dispatcher = createApiDispatcher(table);
  server = createServer((req, res) => {
    if (!dispatcher.dispatch(req, res)) res.writeHead(599, { "content-type": "text/plain" }).end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const routeFile = (operation: Operation) => path.join(process.cwd(), "app", operation.path.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");

function send(method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, base);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const parsed = (text: string, type: string | undefined) => (type?.includes("json") && text ? (JSON.parse(text) as unknown) : text);
/** The metric series says when it was read (`now`, and `since` from it): an answer that differs by the clock. */
const withoutClock = (answer: Answer): Answer => {
  // So does the go-live report's "Exported: <time>" line.
  if (typeof answer.body === "string") return { ...answer, body: answer.body.replace(/\*\*Exported:\*\* [\d-]+ [\d:]+ UTC/, "**Exported:** (clock)") };
  const body = answer.body as { now?: unknown; since?: unknown } | null;
  return body && typeof body === "object" && "now" in body ? { ...answer, body: { ...body, now: "(clock)", since: "(clock)" } } : answer;
};

async function viaDispatcher(method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const res = await send(method, urlPath, headers, body);
  const type = res.headers["content-type"] as string | undefined;
  return { status: res.status, headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, res.headers[h] as string | undefined])), body: parsed(res.text, type) };
}

async function viaRouteFile(operation: Operation, params: Record<string, string>, urlPath: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const handler = ((await import(routeFile(operation))) as Record<string, RouteExport>)[operation.method]!;
  const response = await handler(new Request(new URL(urlPath, base), { method: operation.method, headers, body }), { params: Promise.resolve(params) });
  const type = response.headers.get("content-type") ?? undefined;
  return { status: response.status, headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, response.headers.get(h) ?? undefined])), body: parsed(await response.text(), type) };
}

/** Reads get the real rollout (they change nothing); writes get an id that is not there, so neither call changes state. */
function probe(operation: Operation, caller: "anonymous" | "viewer" | "admin") {
  const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const idFor = operation.method === "GET" && operation.path.startsWith("/api/v1/rollouts/{id}") ? rolloutId : MISSING_ID;
  const params = Object.fromEntries(names.map((name) => [name, idFor]));
  const urlPath = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  const headers: Record<string, string> = {};
  if (caller !== "anonymous") headers.authorization = `Bearer ${(caller === "admin" ? admin : viewer).apiToken}`;
  const body = operation.body ? "{}" : undefined;
  if (body !== undefined) headers["content-type"] = "application/json";
  return { params, urlPath, headers, body };
}

// Each row, each caller: the dispatcher and the route file answer alike.
const cases = Object.entries(table).flatMap(([name, operation]) => (["anonymous", "viewer", "admin"] as const).map((caller) => [name, caller, operation] as const));

describe("the API dispatcher", () => {
  it.each(cases)("answers %s as the route file does (%s)", async (_name, caller, operation) => {
    const { params, urlPath, headers, body } = probe(operation, caller);
    const fast = await viaDispatcher(operation.method, urlPath, headers, body);
    const next = await viaRouteFile(operation, params, urlPath, headers, body);
    expect(withoutClock(fast)).toEqual(withoutClock(next));
  });

  it("answers a tick, a bad body and a wrong content type alike, with the security headers Next adds", async () => {
    const itemId = (await getRolloutState(rolloutId)).items[0]!.id;
    const auth = { authorization: `Bearer ${admin.apiToken}`, "content-type": "application/json" };
    const items = operations["items.update"] as unknown as Operation;
    const fast = await viaDispatcher("PATCH", `/api/v1/items/${itemId}`, auth, JSON.stringify({ note: "fast" }));
    const next = await viaRouteFile(items, { id: itemId }, `/api/v1/items/${itemId}`, auth, JSON.stringify({ note: "next" }));
    expect(fast.status).toBe(200);
    const strip = (a: Answer) => {
      const item = (a.body as { item: Record<string, unknown> }).item;
      return { ...a, body: { item: { ...item, note: undefined, version: undefined, updatedAt: undefined } } };
    };
    expect(strip(fast)).toEqual(strip(next));
    expect([(fast.body as { item: { note: string } }).item.note, (next.body as { item: { note: string } }).item.note]).toEqual(["fast", "next"]);
    for (const [headers, payload] of [
      [auth, "{not json"],
      [auth, JSON.stringify({ state: "NOPE" })],
      [{ ...auth, "content-type": "text/plain" }, "{}"],
      [auth, JSON.stringify({ note: "x".repeat(300 * 1024) })],
    ] as const) {
      expect(await viaDispatcher("PATCH", `/api/v1/items/${itemId}`, headers, payload)).toEqual(await viaRouteFile(items, { id: itemId }, `/api/v1/items/${itemId}`, headers, payload));
    }
    const raw = await send("GET", "/api/health", {});
    for (const { key, value } of securityHeaders(false)) expect(raw.headers[key.toLowerCase()]).toBe(value);
  });

  it("accepts the session cookie as the route does", async () => {
    const headers = { cookie: viewer.cookie };
    const list = operations["rollouts.list"] as unknown as Operation;
    const fast = await viaDispatcher("GET", "/api/v1/rollouts", headers);
    expect(fast.status).toBe(200);
    expect(fast).toEqual(await viaRouteFile(list, {}, "/api/v1/rollouts", headers));
  });

  it("leaves to Next what the table does not serve", async () => {
    for (const [method, urlPath] of [
      ["GET", "/api/auth/session"],
      ["HEAD", "/api/health"],
      ["OPTIONS", "/api/health"],
      ["GET", "/api/health/"],
      ["GET", "/api/v1/rollouts/import"], // a literal path beats {id}: its route file has POST only, so Next's 405
      ["DELETE", "/api/v1/rollouts"],
      ["GET", "/rollouts"],
      ["GET", "/api/v1/nothing-here"],
    ] as const) {
      expect((await send(method, urlPath, {})).status, `${method} ${urlPath}`).toBe(599);
    }
    // and takes the literal path when it has the method
    expect((await send("POST", "/api/v1/rollouts/import", {})).status).toBe(401);
  });

  it("is fed by route files that are one line each, routeFor(the row)", () => {
    const thin = /^(import \{ routeFor \} from "@\/lib\/http\/operation-route";|import \{ operations \} from "@\/lib\/operations\/table";|export const (GET|POST|PUT|PATCH|DELETE) = routeFor\(operations\["[\w.]+"\]\);|export const dynamic = "force-dynamic";|\/\/.*|)$/;
    const files = [...new Set(Object.values(table).map(routeFile))];
    const extra = files.flatMap((file) => readFileSync(file, "utf8").split("\n").filter((line) => !thin.test(line)).map((line) => `${path.relative(process.cwd(), file)}: ${line}`));
    expect(extra).toEqual([]);
  });
});
