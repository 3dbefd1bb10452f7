import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
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
  }, 300_000);
});
