import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { GET as getHealth } from "@/app/api/health/route";
import { PATCH as patchItem } from "@/app/api/v1/items/[id]/route";
import { GET as listRolloutsRoute, POST as createRolloutRoute } from "@/app/api/v1/rollouts/route";
import { GET as getRolloutRoute } from "@/app/api/v1/rollouts/[id]/route";
import { GET as getEventsRoute } from "@/app/api/v1/rollouts/[id]/events/route";
import { POST as createShareLinkRoute } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { POST as signRoute } from "@/app/api/v1/gates/[id]/signatures/route";
import { GET as statusRoute } from "@/app/api/v1/status/[token]/route";
import { getRolloutState } from "@/lib/domain/rollouts";
import { revokeApiToken, revokeShareToken } from "@/lib/domain/tokens";
import { getDb } from "@/lib/db/client";

// The route handlers themselves, called with real Requests against a real database: authentication by
// cookie and by token, validation answers naming the field, and the error shape.

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User, commander: User, engineer: User, viewer: User;
let rolloutId: string;
let itemId: string;

beforeAll(async () => {
  [admin, commander, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("ENGINEER"), makeUser("VIEWER")]);
  rolloutId = (await makeRollout()).id;
  itemId = (await getRolloutState(rolloutId)).items[0]!.id;
});

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

function request(method: string, path: string, opts: { body?: unknown; raw?: string; auth?: string; cookie?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
  return new Request(`http://localhost${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
}

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, never> & { error?: { code: string; message: string; fields?: Record<string, string[]> } } };
}

describe("GET /api/health", () => {
  it("says ok when the database answers", async () => {
    expect(await json(await getHealth(new Request("http://localhost/api/health"), { params: Promise.resolve({}) }))).toEqual({ status: 200, body: { status: "ok", db: "ok" } });
  });
});

describe("authentication", () => {
  it("is 401 without credentials, before looking at the input", async () => {
    const res = await json(await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { raw: "{not json" }), ctx({ id: itemId })));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("unauthorized");
  });

  it("accepts the session cookie and API tokens, and refuses revoked or unknown tokens", async () => {
    expect((await listRolloutsRoute(request("GET", "/api/v1/rollouts", { cookie: viewer.cookie }), ctx({}))).status).toBe(200);
    expect((await listRolloutsRoute(request("GET", "/api/v1/rollouts", { auth: viewer.apiToken }), ctx({}))).status).toBe(200);
    expect((await listRolloutsRoute(request("GET", "/api/v1/rollouts", { auth: "wr_pat_made-up" }), ctx({}))).status).toBe(401);
    const revoked = await makeUser("ADMIN");
    const row = await getDb().apiToken.findFirstOrThrow({ where: { userId: revoked.id } });
    await revokeApiToken(row.id);
    expect((await listRolloutsRoute(request("GET", "/api/v1/rollouts", { auth: revoked.apiToken }), ctx({}))).status).toBe(401);
    // A bad bearer is not rescued by a good cookie.
    expect((await listRolloutsRoute(request("GET", "/api/v1/rollouts", { auth: "garbage", cookie: admin.cookie }), ctx({}))).status).toBe(401);
  });

  it("refuses a share token on the user API", async () => {
    const link = await json(await createShareLinkRoute(request("POST", `/api/v1/rollouts/${rolloutId}/share-links`, { body: {}, auth: commander.apiToken }), ctx({ id: rolloutId })));
    expect(link.status).toBe(201);
    const token = (link.body as unknown as { token: string }).token;
    expect((await getRolloutRoute(request("GET", `/api/v1/rollouts/${rolloutId}`, { auth: token }), ctx({ id: rolloutId }))).status).toBe(403);
    expect((await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { body: { state: "DONE" }, auth: token }), ctx({ id: itemId }))).status).toBe(403);
  });
});

describe("PATCH /api/v1/items/:id", () => {
  it("is 403 for a viewer, 200 for an engineer", async () => {
    expect((await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { body: { state: "DONE" }, auth: viewer.apiToken }), ctx({ id: itemId }))).status).toBe(403);
    const ok = await json(await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { body: { state: "DONE" }, cookie: engineer.cookie }), ctx({ id: itemId })));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ item: { id: itemId, state: "DONE", checkedBy: { id: engineer.id } } });
  });

  it.each([
    ["a wrong enum", { state: "FINISHED" }, "state"],
    ["a wrong type", { state: "DONE", expectedVersion: "one" }, "expectedVersion"],
    ["an unknown field", { state: "DONE", checkedBy: "someone" }, "body"],
    ["nothing to change", {}, "state"],
    ["a huge note", { note: "x".repeat(10_001) }, "note"],
    ["an array body", [1, 2], "body"],
  ])("answers %s with 400 naming the field", async (_label, body, field) => {
    const res = await json(await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { body, auth: engineer.apiToken }), ctx({ id: itemId })));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("bad_request");
    expect(Object.keys(res.body.error?.fields ?? {})).toContain(field);
  });

  it("answers bad JSON with 400, another content type with 415, a bad id with 400, an unknown id with 404", async () => {
    expect((await json(await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { raw: "{bad", auth: engineer.apiToken }), ctx({ id: itemId })))).body.error?.fields).toHaveProperty("body");
    expect((await patchItem(request("PATCH", `/api/v1/items/${itemId}`, { raw: "state=DONE", contentType: "application/x-www-form-urlencoded", auth: engineer.apiToken }), ctx({ id: itemId }))).status).toBe(415);
    const badId = await json(await patchItem(request("PATCH", "/api/v1/items/x", { body: { state: "DONE" }, auth: engineer.apiToken }), ctx({ id: "'; DROP TABLE \"User\"; --" })));
    expect(badId.status).toBe(400);
    expect(badId.body.error?.fields).toHaveProperty("id");
    expect((await patchItem(request("PATCH", "/api/v1/items/nope", { body: { state: "DONE" }, auth: engineer.apiToken }), ctx({ id: "nope" }))).status).toBe(404);
  });

  it("answers a stale version with 409 and the current item", async () => {
    const fresh = (await getRolloutState(rolloutId)).items[1]!;
    await patchItem(request("PATCH", `/api/v1/items/${fresh.id}`, { body: { state: "DONE", expectedVersion: fresh.version }, auth: engineer.apiToken }), ctx({ id: fresh.id }));
    const res = await json(await patchItem(request("PATCH", `/api/v1/items/${fresh.id}`, { body: { state: "OPEN", expectedVersion: fresh.version }, auth: engineer.apiToken }), ctx({ id: fresh.id })));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "conflict", current: { id: fresh.id, state: "DONE", version: fresh.version + 1 } });
  });
});

describe("rollouts API", () => {
  it("returns the full state with lastSeq, and events after a seq", async () => {
    const state = await json(await getRolloutRoute(request("GET", `/api/v1/rollouts/${rolloutId}`, { auth: viewer.apiToken }), ctx({ id: rolloutId })));
    expect(state.status).toBe(200);
    const body = state.body as unknown as { lastSeq: number; items: unknown[]; phases: { criteria: unknown[] }[]; actions: unknown[] };
    expect(body.items).toHaveLength(4);
    expect(body.phases[0]!.criteria).toHaveLength(1);
    const events = await json(await getEventsRoute(request("GET", `/api/v1/rollouts/${rolloutId}/events?after=${body.lastSeq - 1}`, { auth: viewer.apiToken }), ctx({ id: rolloutId })));
    expect((events.body as unknown as { events: { seq: number }[] }).events.map((e) => e.seq)).toEqual([body.lastSeq]);
    const bad = await json(await getEventsRoute(request("GET", `/api/v1/rollouts/${rolloutId}/events?after=-3`, { auth: viewer.apiToken }), ctx({ id: rolloutId })));
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields).toHaveProperty("after");
    expect((await getRolloutRoute(request("GET", "/api/v1/rollouts/unknown", { auth: viewer.apiToken }), ctx({ id: "unknown" }))).status).toBe(404);
  });

  it("lets only an admin create a rollout, and validates the runbook", async () => {
    const draft = { name: "API made", service: "svc", sections: [{ title: "Only", items: [{ text: "one" }] }] };
    expect((await createRolloutRoute(request("POST", "/api/v1/rollouts", { body: draft, auth: commander.apiToken }), ctx({}))).status).toBe(403);
    const created = await json(await createRolloutRoute(request("POST", "/api/v1/rollouts", { body: draft, auth: admin.apiToken }), ctx({})));
    expect(created.status).toBe(201);
    const bad = await json(await createRolloutRoute(request("POST", "/api/v1/rollouts", { body: { ...draft, phases: [{ name: "x", trafficPercent: 140 }] }, auth: admin.apiToken }), ctx({})));
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields).toHaveProperty("phases.0.trafficPercent");
  });
});

describe("sign-offs API", () => {
  it("signs as the token's user whatever the body says; engineers get 403", async () => {
    const gate = (await getRolloutState(rolloutId)).gates.find((g) => g.kind === "GO_LIVE")!;
    const spoof = await json(await signRoute(request("POST", `/api/v1/gates/${gate.id}/signatures`, { body: { decision: "GO", signerId: admin.id }, auth: commander.apiToken }), ctx({ id: gate.id })));
    expect(spoof.status).toBe(400);
    const signed = await json(await signRoute(request("POST", `/api/v1/gates/${gate.id}/signatures`, { body: { decision: "GO" }, auth: commander.apiToken }), ctx({ id: gate.id })));
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ status: "APPROVED", signature: { signer: { id: commander.id } } });
    expect((await signRoute(request("POST", `/api/v1/gates/${gate.id}/signatures`, { body: { decision: "GO" }, auth: engineer.apiToken }), ctx({ id: gate.id }))).status).toBe(403);
  });
});

describe("GET /api/v1/status/:token", () => {
  it("shows the reduced view without login, and 404 once the link is revoked", async () => {
    const link = await json(await createShareLinkRoute(request("POST", `/api/v1/rollouts/${rolloutId}/share-links`, { body: { label: "board" }, cookie: commander.cookie }), ctx({ id: rolloutId })));
    const { token, id } = link.body as unknown as { token: string; id: string };
    const res = await statusRoute(request("GET", `/api/v1/status/${token}`), ctx({ token }));
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const privateValue of ["+1 555 0101", "sam@example.com", "Sam Support", "note", "passwordHash", "tokenHash"]) expect(text).not.toContain(privateValue);
    expect(JSON.parse(text)).toMatchObject({ overall: "No live metrics", progress: { total: 4 } });
    await revokeShareToken(commander.principal, id);
    expect((await statusRoute(request("GET", `/api/v1/status/${token}`), ctx({ token }))).status).toBe(404);
    expect((await statusRoute(request("GET", "/api/v1/status/wr_share_nope"), ctx({ token: "wr_share_nope" }))).status).toBe(404);
  });
});
