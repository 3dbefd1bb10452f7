import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { createShareToken } from "@/lib/domain/tokens";

// Every route handler under app/api (found on disk, so new routes are covered without editing this file)
// gets generated hostile input: bad JSON, wrong content types, wrong types, missing fields, huge strings,
// unknown ids, SQL and HTML injection strings, prototype pollution. Whoever calls (anonymous, a share
// token, an admin), the answer is never a 5xx, and every 4xx has the error shape.

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Route = { file: string; segments: string[]; methods: Record<string, Handler> };

const API_DIR = path.join(process.cwd(), "app", "api");
// next-auth's own handler is a third-party surface with its own error pages.
const EXCLUDED = [path.join("app", "api", "auth")];

function findRouteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findRouteFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

const INJECTIONS = [
  "'; DROP TABLE \"User\"; --",
  "\" OR 1=1 --",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "{{percentage}}${process.env}",
  "../../etc/passwd",
  "\u0000\u0001\u0002",
  "🚀ðŸš€",
];
const HUGE = "x".repeat(1_100_000);
const WEIRD_VALUES: unknown[] = [null, 0, -1, 1e308, -0.5, true, "", " ", HUGE, [], {}, [1, "a", null], { nested: { deeper: [1] } }, ...INJECTIONS];
const FIELD_NAMES = [
  "state", "note", "expectedVersion", "decision", "comment", "trafficPercent", "name", "service", "sections", "phases", "gates",
  "contacts", "label", "expiresInHours", "expiresInDays", "markdown", "reason", "url", "method", "headers", "samples", "key", "value",
  "at", "rolloutId", "percentage", "override", "envelope", "kind", "query", "sourceUrl", "params", "idempotencyKey", "allowedRoles",
];

function bodies(): { label: string; raw: string | undefined; contentType: string | undefined }[] {
  const json = (label: string, value: unknown) => ({ label, raw: JSON.stringify(value), contentType: "application/json" });
  const cases = [
    { label: "no body", raw: undefined, contentType: undefined },
    { label: "bad JSON", raw: "{\"state\": ", contentType: "application/json" },
    { label: "empty JSON body", raw: "", contentType: "application/json" },
    { label: "text/plain", raw: "state=DONE", contentType: "text/plain" },
    { label: "form", raw: "state=DONE&note=x", contentType: "application/x-www-form-urlencoded" },
    { label: "huge JSON", raw: JSON.stringify({ note: HUGE, markdown: HUGE, name: HUGE }), contentType: "application/json" },
    { label: "deep nesting", raw: "[".repeat(5000) + "]".repeat(5000), contentType: "application/json" },
    { label: "prototype pollution", raw: "{\"__proto__\": {\"isAdmin\": true}, \"constructor\": {\"prototype\": {\"x\": 1}}}", contentType: "application/json" },
    json("null", null),
    json("number", 42),
    json("string", "DONE"),
    json("array", [{ state: "DONE" }]),
    json("empty object", {}),
  ];
  for (const [n, value] of WEIRD_VALUES.entries()) {
    cases.push(json(`every field = weird value #${n}`, Object.fromEntries(FIELD_NAMES.map((f) => [f, value]))));
  }
  return cases;
}

const paramValues = (ids: { rolloutId: string; itemId: string }) => ["does-not-exist", ids.rolloutId, ids.itemId, "'; DROP TABLE x; --", "%00", "a".repeat(300)];

let routes: Route[] = [];
let callers: { label: string; authorization?: string }[] = [];
let ids: { rolloutId: string; itemId: string };

beforeAll(async () => {
  const files = findRouteFiles(API_DIR).filter((f) => !EXCLUDED.some((e) => f.includes(e)));
  routes = await Promise.all(
    files.map(async (file) => {
      const exported = (await import(file)) as Record<string, unknown>;
      const methods = Object.fromEntries(
        ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => typeof exported[m] === "function").map((m) => [m, exported[m] as Handler]),
      );
      const segments = path.relative(API_DIR, path.dirname(file)).split(path.sep);
      return { file: path.relative(process.cwd(), file), segments, methods };
    }),
  );
  const admin = await makeUser("ADMIN");
  const commander = await makeUser("COMMANDER");
  const rollout = await makeRollout();
  const { getRolloutState } = await import("@/lib/domain/rollouts");
  ids = { rolloutId: rollout.id, itemId: (await getRolloutState(rollout.id)).items[0]!.id };
  const share = await createShareToken(commander.principal, rollout.id);
  callers = [
    { label: "anonymous" },
    { label: "garbage bearer", authorization: "Bearer <script>alert(1)</script>" },
    { label: "share token", authorization: `Bearer ${share.token}` },
    { label: "admin", authorization: `Bearer ${admin.apiToken}` },
  ];
}, 60_000);

async function expectNoServerError(response: Response, what: string) {
  expect(response.status, what).toBeLessThan(500);
  if (response.status >= 400) {
    const type = response.headers.get("content-type") ?? "";
    expect(type, what).toContain("application/json");
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, what).toBe("string");
    expect(typeof body.error?.message, what).toBe("string");
  } else {
    await response.arrayBuffer();
  }
}

describe("hostile input to every route handler", () => {
  it("finds the API's route handlers", () => {
    expect(routes.length).toBeGreaterThanOrEqual(8);
  });

  it("never answers 5xx, whoever calls and whatever they send", async () => {
    let calls = 0;
    for (const route of routes) {
      const dynamic = route.segments.filter((s) => s.startsWith("["));
      const paramSets = paramValues(ids).map((value) => Object.fromEntries(dynamic.map((s) => [s.replace(/^\[(\.\.\.)?|\]$/g, ""), value])));
      for (const [method, handler] of Object.entries(route.methods)) {
        for (const caller of callers) {
          for (const params of paramSets) {
            const cases = method === "GET" || method === "DELETE" ? [{ label: "no body", raw: undefined, contentType: undefined }] : bodies();
            for (const body of cases) {
              const query = "?after=-1&limit=abc&since=notadate&until=%00&after=1e999";
              const request = new Request(`http://localhost/api/${route.segments.join("/")}${query}`, {
                method,
                headers: {
                  ...(caller.authorization ? { authorization: caller.authorization } : {}),
                  ...(body.contentType ? { "content-type": body.contentType } : {}),
                },
                body: body.raw,
              });
              const what = `${method} ${route.file} as ${caller.label}, params ${JSON.stringify(params).slice(0, 60)}, body: ${body.label}`;
              await expectNoServerError(await handler(request, { params: Promise.resolve(params) }), what);
              calls++;
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(500);
  }, 900_000); // ~35 ms a call and ~800 calls per route method that takes a body: it grows with the API.
});

// Targeted attacks found by hand: each names a route and a body that once gave a 500 or read too much.
describe("hostile bodies: NUL bytes, deep nesting, chunked bodies, checks order", () => {
  const NUL = "before\u0000after";
  const load = async (file: string) => (await import(`@/app/api/v1/${file}/route`)) as Record<string, Handler>;
  const call = (handler: Handler, init: { method: string; auth?: string; cookie?: string; body?: unknown; raw?: BodyInit; params?: Record<string, string> }) =>
    handler(
      new Request("http://localhost/api/v1/x", {
        method: init.method,
        headers: {
          "content-type": "application/json",
          ...(init.auth ? { authorization: `Bearer ${init.auth}` } : {}),
          ...(init.cookie ? { cookie: init.cookie } : {}),
        },
        body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
        ...(init.raw instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit),
      { params: Promise.resolve(init.params ?? {}) },
    );

  /** A chunked body with no Content-Length that never ends on its own; counts what the server pulled. */
  function endlessBody(chunkBytes = 64 * 1024, maxBytes = 64 * 1024 * 1024) {
    const counter = { pulled: 0 };
    const chunk = new TextEncoder().encode(`{"note":"${"x".repeat(chunkBytes)}`);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (counter.pulled >= maxBytes) return controller.close();
        counter.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return { stream, counter };
  }

  it("a NUL byte in any free-text field is a 400 naming the field, never a 500", async () => {
    const admin = await makeUser("ADMIN");
    const rollout = await makeRollout();
    const { getRolloutState } = await import("@/lib/domain/rollouts");
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const cases: { what: string; file: string; method: string; params?: Record<string, string>; body: unknown; cookie?: boolean; field: string }[] = [
      { what: "item note", file: "items/[id]", method: "PATCH", params: { id: item.id }, body: { note: NUL }, field: "note" },
      { what: "token name", file: "tokens", method: "POST", body: { name: NUL }, cookie: true, field: "name" },
      { what: "share label", file: "rollouts/[id]/share-links", method: "POST", params: { id: rollout.id }, body: { label: NUL }, field: "label" },
      {
        what: "tile label",
        file: "rollouts/[id]/tiles",
        method: "POST",
        params: { id: rollout.id },
        body: { key: "nul_tile", label: NUL, sourceKind: "PUSH", pollIntervalSeconds: 15 },
        field: "label",
      },
      { what: "import name", file: "rollouts/import", method: "POST", body: { markdown: "# Runbook\n\n## Steps\n\n- [ ] one\n", name: NUL }, field: "name" },
      { what: "runbook section title", file: "rollouts", method: "POST", body: { ...smallRunbook(), name: NUL }, field: "name" },
    ];
    for (const c of cases) {
      const handler = (await load(c.file))[c.method]!;
      const response = await call(handler, { method: c.method, params: c.params, body: c.body, ...(c.cookie ? { cookie: admin.cookie } : { auth: admin.apiToken }) });
      const body = (await response.json()) as { error?: { code: string; fields?: Record<string, string[]> } };
      expect(response.status, c.what).toBe(400);
      expect(Object.keys(body.error?.fields ?? {}), c.what).toContain(c.field);
    }
  });

  it("sections nested 1,000 deep and items 700 deep in POST /rollouts are a 400, not a stack overflow", async () => {
    const admin = await makeUser("ADMIN");
    const { POST } = await load("rollouts");
    type Nest = { title: string; items: unknown[]; sections?: Nest[] };
    let section: Nest = { title: "leaf", items: [] };
    for (let i = 0; i < 1000; i++) section = { title: `s${i}`, items: [], sections: [section] };
    type Item = { text: string; children?: Item[] };
    let item: Item = { text: "leaf" };
    for (let i = 0; i < 700; i++) item = { text: `i${i}`, children: [item] };
    for (const [what, sections] of [["sections", [section]], ["items", [{ title: "deep items", items: [item] }]]] as const) {
      const response = await call(POST!, { method: "POST", auth: admin.apiToken, body: { ...smallRunbook(), sections } });
      const body = (await response.json()) as { error?: { code: string; fields?: Record<string, string[]> } };
      expect(response.status, what).toBe(400);
      expect(body.error?.code, what).toBe("bad_request");
    }
  });

  it("a chunked body with no Content-Length is cut off at the limit with a 413, not read whole", async () => {
    const admin = await makeUser("ADMIN");
    const rollout = await makeRollout();
    const { getRolloutState } = await import("@/lib/domain/rollouts");
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const { PATCH } = await load("items/[id]");
    const { stream, counter } = endlessBody();
    const response = await call(PATCH!, { method: "PATCH", auth: admin.apiToken, params: { id: item.id }, raw: stream });
    expect(response.status).toBe(413);
    expect((await response.json()) as unknown).toMatchObject({ error: { code: "payload_too_large" } });
    // The item route's limit is 256 KB: the server stopped a chunk or two past it, not at 64 MB.
    expect(counter.pulled).toBeLessThan(1024 * 1024);
  });

  it("a viewer, a share token or a scoped token out of its scope sending a bad (or endless) body gets 403 before anything is read", async () => {
    const viewer = await makeUser("VIEWER");
    const commander = await makeUser("COMMANDER");
    const rollout = await makeRollout();
    const share = await createShareToken(commander.principal, rollout.id);
    const { getRolloutState } = await import("@/lib/domain/rollouts");
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const { PATCH } = await load("items/[id]");
    const { POST: start } = await load("rollouts/[id]/start");
    // Scoped API tokens (issue 16): a commander's push-only token, and one limited to another rollout.
    const { createApiToken } = await import("@/lib/domain/tokens");
    const pushOnly = await createApiToken(commander.id, "push-only", { scope: "METRICS_PUSH", rolloutIds: [rollout.id] });
    const elsewhere = await createApiToken(commander.id, "elsewhere", { rolloutIds: [(await makeRollout()).id] });
    for (const [who, auth] of [["viewer", viewer.apiToken], ["share token", share.token], ["push-only token", pushOnly.token], ["token for another rollout", elsewhere.token]] as const) {
      const bad = await call(PATCH!, { method: "PATCH", auth, params: { id: item.id }, body: { state: "NOPE", extra: 1 } });
      expect(bad.status, `${who}, bad body`).toBe(403);
      const badStart = await call(start!, { method: "POST", auth, params: { id: rollout.id }, raw: "{not json" });
      expect(badStart.status, `${who}, bad JSON`).toBe(403);
      const { stream, counter } = endlessBody();
      const endless = await call(PATCH!, { method: "PATCH", auth, params: { id: item.id }, raw: stream });
      expect(endless.status, `${who}, endless body`).toBe(403);
      expect(counter.pulled, `${who}, endless body`).toBeLessThanOrEqual(64 * 1024 * 2);
    }
  });
});
