import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Operation } from "./operation";
import { operations } from "./table";

// The table of operations against the route files on disk, and the OpenAPI document against both: a route
// written without a row, a row without a route, or a path the document gets wrong fails here by name.

const APP = path.join(process.cwd(), "app");
const API = path.join(APP, "api");
// next-auth's own handler is a third-party surface, not part of our API.
const EXCLUDED = [path.join(API, "auth")];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (EXCLUDED.includes(full)) return [];
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

/** `app/api/v1/rollouts/[id]/start/route.ts` → `/api/v1/rollouts/{id}/start`. */
const pathOf = (file: string) => "/" + path.relative(APP, path.dirname(file)).split(path.sep).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");

const table = operations as Record<string, Operation>;

async function exportedHandlers() {
  const found: { file: string; path: string; method: string; operation: Operation | undefined }[] = [];
  for (const file of routeFiles(API)) {
    const exported = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = exported[method] as ({ operation?: Operation } & ((...args: unknown[]) => unknown)) | undefined;
      if (typeof handler === "function") found.push({ file: path.relative(process.cwd(), file), path: pathOf(file), method, operation: handler.operation });
    }
  }
  return found;
}

describe("the table of operations", () => {
  it("has a row behind every method of every route file, at that file's path", async () => {
    const handlers = await exportedHandlers();
    expect(handlers.length).toBeGreaterThanOrEqual(30);
    const problems = handlers.flatMap(({ file, path: routePath, method, operation }) => {
      if (!operation) return [`${file} exports ${method} without routeFor(operations[…]): add a row to lib/operations/table.ts`];
      if (operation.method !== method || operation.path !== routePath) {
        return [`${file} exports ${method} as the row for ${operation.method} ${operation.path}`];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });

  it("has a route file for every row", async () => {
    const served = new Set((await exportedHandlers()).filter((h) => h.operation).map((h) => `${h.method} ${h.path}`));
    const missing = Object.entries(table)
      .filter(([, operation]) => !served.has(`${operation.method} ${operation.path}`))
      .map(([id, operation]) => `${id}: no route file exports ${operation.method} at app${operation.path.replace(/\{(\w+)\}/g, "[$1]")}/route.ts`);
    expect(missing).toEqual([]);
  });

  it("gives every socket command one row and a body schema", () => {
    const commands = Object.values(table).flatMap((operation) => (operation.command ? [operation.command.type] : []));
    expect(new Set(commands).size).toBe(commands.length);
    expect(commands).toEqual(expect.arrayContaining(["rollout.start", "rollout.promote", "gate.sign", "action.run", "actionRun.approve"]));
    for (const operation of Object.values(table).filter((o) => o.command)) expect(operation.body ?? operation.command?.commandInput, operation.path).toBeDefined();
  });
});

describe("GET /api/v1/openapi.json", () => {
  type Doc = { openapi: string; paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[]; requestBody?: unknown }>> };
  const load = async () => {
    const { GET } = await import("@/app/api/v1/openapi.json/route");
    const response = await GET(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    return (await response.json()) as Doc;
  };

  it("is OpenAPI 3.1 and lists exactly the public operations of the routes on disk", async () => {
    const doc = await load();
    expect(doc.openapi).toBe("3.1.0");
    const listed = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    const onDisk = (await exportedHandlers()).filter((h) => !h.operation?.internal).map((h) => `${h.method} ${h.path}`);
    expect(listed.sort()).toEqual(onDisk.sort());
  });

  it("describes every path parameter and every body with zod's JSON Schema", async () => {
    const doc = await load();
    for (const [p, methods] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.parameters.filter((x) => x.in === "path").map((x) => x.name), `${method} ${p}`).toEqual(names);
        const row = table[operation.operationId]!;
        expect(Boolean(operation.requestBody), `${method} ${p} body`).toBe(Boolean(row.body));
      }
    }
    const create = doc.paths["/api/v1/rollouts/{id}/start"]!.post!.requestBody as { content: Record<string, { schema: { type?: string; properties?: object } }> };
    expect(create.content["application/json"]!.schema.type).toBe("object");
  });
});

// Scoped API tokens (lib/auth/access.ts): what each row says it touches decides which rollouts a limited token is
// checked against. A row about one rollout that says nothing is closed to such tokens; one that names the wrong
// kind of id would check the wrong rollout. The expected kind is read off the path here, independently.
describe("what each operation touches", () => {
  const KIND_BY_SEGMENT: Record<string, string> = {
    items: "item",
    gates: "gate",
    criteria: "criterion",
    tiles: "tile",
    actions: "action",
    "action-runs": "actionRun",
    "share-links": "shareLink",
    "notification-channels": "notificationChannel",
  };
  // These make a new rollout from `{id}`: not for a token limited to some rollouts.
  const CREATES_A_ROLLOUT = ["rollouts.clone", "rollouts.rehearse"];
  const REHEARSAL_ROWS = ["rollouts.rehearsalReport", "rollouts.rebaseline"];

  it("names the kind of its `{id}` for every row with one, and the body's rollout for a push", () => {
    const wrong: string[] = [];
    for (const [name, op] of Object.entries(table)) {
      if ("public" in op.access || CREATES_A_ROLLOUT.includes(name)) continue;
      const match = /^\/api\/v1\/([^/]+)\/\{id\}/.exec(op.path);
      if (!match) continue;
      const expected = REHEARSAL_ROWS.includes(name) ? "rehearsal" : match[1] === "rollouts" ? "rollout" : KIND_BY_SEGMENT[match[1]!];
      const declared = op.touches && "id" in op.touches ? op.touches.id : undefined;
      if (declared !== expected) wrong.push(`${name} (${op.path}): touches ${declared ?? "nothing"}, expected ${expected}`);
    }
    expect(wrong).toEqual([]);
    expect(table["metrics.push"]!.touches).toEqual({ bodyRolloutId: true });
    expect(table["metrics.push"]!.tokenUse).toBe("metrics.push");
    expect(table["rollouts.list"]!.touches).toEqual({ list: true });
  });
});

describe("the OpenAPI document and scoped tokens", () => {
  it("says which token scopes may call each operation and how a rollout-limited token is judged", async () => {
    const { GET } = await import("@/app/api/v1/openapi.json/route");
    const doc = (await (await GET(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) })).json()) as {
      paths: Record<string, Record<string, { "x-token-scopes"?: string[]; "x-token-rollouts"?: string }>>;
    };
    expect(doc.paths["/api/v1/metrics"]!.post).toMatchObject({ "x-token-scopes": ["FULL", "METRICS_PUSH"], "x-token-rollouts": "body.rolloutId" });
    expect(doc.paths["/api/v1/rollouts/{id}"]!.get).toMatchObject({ "x-token-scopes": ["FULL", "READ_ONLY"], "x-token-rollouts": "id" });
    expect(doc.paths["/api/v1/items/{id}"]!.patch).toMatchObject({ "x-token-scopes": ["FULL"], "x-token-rollouts": "id" });
    expect(doc.paths["/api/v1/rollouts"]!.get).toMatchObject({ "x-token-rollouts": "list" });
    expect(doc.paths["/api/v1/users"]!.get).toMatchObject({ "x-token-rollouts": "none" });
    expect(doc.paths["/api/health"]!.get).not.toHaveProperty("x-token-scopes");
  });
});
