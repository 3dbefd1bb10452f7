import { randomUUID } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { ctx, json, request } from "@/test/http";
import { startRealtimeTestServer } from "@/test/realtime-server";
import { GET as listTokensRoute, POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { POST as pushRoute } from "@/app/api/v1/metrics/route";
import { PATCH as patchItemRoute } from "@/app/api/v1/items/[id]/route";
import { POST as signGateRoute } from "@/app/api/v1/gates/[id]/signatures/route";
import { POST as runActionRoute } from "@/app/api/v1/actions/[id]/runs/route";
import { GET as listRolloutsRoute, POST as createRolloutRoute } from "@/app/api/v1/rollouts/route";
import { GET as getRolloutRoute } from "@/app/api/v1/rollouts/[id]/route";
import { GET as eventsRoute } from "@/app/api/v1/rollouts/[id]/events/route";
import { POST as startRoute } from "@/app/api/v1/rollouts/[id]/start/route";
import { POST as cloneRoute } from "@/app/api/v1/rollouts/[id]/clone/route";
import { GET as listUsersRoute } from "@/app/api/v1/users/route";
import { PATCH as patchUserRoute } from "@/app/api/v1/users/[id]/route";
import { GET as listDefaultChannelsRoute } from "@/app/api/v1/notification-channels/route";
import { PATCH as patchChannelRoute } from "@/app/api/v1/notification-channels/[id]/route";
import { createChannel } from "@/lib/domain/notification-channels";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import { getDb } from "@/lib/db/client";
import { createSeedAction } from "@/lib/domain/action-configs";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createTileAs } from "@/lib/domain/tiles";
import type { ApiTokenView } from "@/lib/domain/tokens";
import { registerRealtime } from "@/lib/realtime/publisher";
import { createActionSchema } from "@/lib/schemas/actions";
import type { CommandAck } from "@/lib/schemas/commands";
import type { JoinAck } from "@/lib/schemas/events";

// Scoped API tokens (issue 16): a token limited to some rollouts and to a scope (read only, push metrics only) is
// refused everything else with a 403 that names the scope or the rollout, on HTTP and on the socket, before its
// input is judged; lists show only its rollouts; and it never has more than its owner's current role.

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User, commander: User, engineer: User, viewer: User;
type Fixture = { rolloutId: string; itemId: string; gateId: string; actionId: string };
let a: Fixture, b: Fixture;

async function fixture(): Promise<Fixture> {
  const rollout = await makeRollout();
  await createTileAs(SYSTEM_ACTOR, rollout.id, { key: "queue_depth", label: "Queue depth", sourceKind: "PUSH" });
  const action = await createSeedAction(rollout.id, createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: "http://127.0.0.1:9/rollback", allowedRoles: ["COMMANDER", "ADMIN"] }));
  const state = await getRolloutState(rollout.id);
  return { rolloutId: rollout.id, itemId: state.items[0]!.id, gateId: state.gates.find((g) => g.kind === "GO_LIVE")!.id, actionId: action.id };
}

/** A token made through the API, as the profile page makes it (from the owner's browser session). */
async function token(owner: User, body: Record<string, unknown>) {
  const created = await json<ApiTokenView & { token: string }>(createTokenRoute(request("POST", "/api/v1/tokens", { cookie: owner.cookie, body: { name: `t-${randomUUID().slice(0, 6)}`, ...body } }), ctx()));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.token;
}

const push = (auth: string, rolloutId: string, samples: unknown = [{ key: "queue_depth", value: 3 }]) =>
  json(pushRoute(request("POST", "/api/v1/metrics", { auth, body: { rolloutId, samples } }), ctx()));
const tick = (auth: string, itemId: string, body: unknown = { state: "DONE" }) => json(patchItemRoute(request("PATCH", `/api/v1/items/${itemId}`, { auth, body }), ctx({ id: itemId })));
const sign = (auth: string, gateId: string, body: unknown = { decision: "GO" }) => json(signGateRoute(request("POST", `/api/v1/gates/${gateId}/signatures`, { auth, body }), ctx({ id: gateId })));
const runAction = (auth: string, actionId: string, body: unknown = { reason: "scope test", idempotencyKey: randomUUID() }) =>
  json(runActionRoute(request("POST", `/api/v1/actions/${actionId}/runs`, { auth, body }), ctx({ id: actionId })));
const getRollout = (auth: string, id: string) => json(getRolloutRoute(request("GET", `/api/v1/rollouts/${id}`, { auth }), ctx({ id })));
const listRollouts = (auth: string) => json<{ rollouts: { id: string }[] }>(listRolloutsRoute(request("GET", "/api/v1/rollouts", { auth }), ctx()));
const start = (auth: string, id: string, body: unknown = { override: { reason: "scope test" } }) => json(startRoute(request("POST", `/api/v1/rollouts/${id}/start`, { auth, body }), ctx({ id })));

beforeAll(async () => {
  [admin, commander, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("ENGINEER"), makeUser("VIEWER")]);
  [a, b] = [await fixture(), await fixture()];
  registerRealtime({ publishEvents: () => undefined, publishVolatile: () => undefined });
});

afterAll(() => registerRealtime(undefined));

describe("a push-only token limited to rollout A", () => {
  it("pushes to A, and gets 403 pushing to B, and on a tick, a sign-off, an action or a read of A", async () => {
    // A commander's: the role would allow every one of these; the token's scope and rollouts do not.
    const pushOnly = await token(commander, { scope: "METRICS_PUSH", rolloutIds: [a.rolloutId] });
    expect(await push(pushOnly, a.rolloutId)).toMatchObject({ status: 202, body: { accepted: 1 } });

    const toB = await push(pushOnly, b.rolloutId);
    expect(toB.status).toBe(403);
    expect(toB.body.error?.message).toContain(b.rolloutId);
    // A bad body to a rollout it may not touch is still the 403, not a 400.
    expect((await push(pushOnly, b.rolloutId, [{ key: "nope", value: "x" }])).status).toBe(403);

    for (const answer of [await tick(pushOnly, a.itemId), await sign(pushOnly, a.gateId), await runAction(pushOnly, a.actionId), await getRollout(pushOnly, a.rolloutId), await listRollouts(pushOnly)]) {
      expect(answer.status).toBe(403);
      expect(answer.body.error?.message).toMatch(/scope \(METRICS_PUSH\)/);
    }
    // Scope before body: a bad body on an operation outside the scope is a 403.
    expect((await tick(pushOnly, a.itemId, { state: "NOT_A_STATE", extra: 1 })).status).toBe(403);
    expect((await getDb().checklistItem.findUniqueOrThrow({ where: { id: a.itemId } })).state).not.toBe("DONE");
    expect(await getDb().actionRun.count({ where: { actionId: a.actionId } })).toBe(0);
  });
});

describe("a read-only token", () => {
  it("reads but never writes, and gets 403 (not 400) for a bad body", async () => {
    const readOnly = await token(commander, { scope: "READ_ONLY" });
    expect((await getRollout(readOnly, a.rolloutId)).status).toBe(200);
    expect((await getRollout(readOnly, b.rolloutId)).status).toBe(200);
    expect((await json(eventsRoute(request("GET", `/api/v1/rollouts/${a.rolloutId}/events?after=0`, { auth: readOnly }), ctx({ id: a.rolloutId })))).status).toBe(200);
    expect((await listRollouts(readOnly)).body.rollouts.map((r) => r.id)).toEqual(expect.arrayContaining([a.rolloutId, b.rolloutId]));

    for (const answer of [await tick(readOnly, a.itemId), await start(readOnly, a.rolloutId), await sign(readOnly, a.gateId), await push(readOnly, a.rolloutId), await start(readOnly, a.rolloutId, { override: 42 })]) {
      expect(answer.status).toBe(403);
      expect(answer.body.error?.message).toMatch(/scope \(READ_ONLY\) allows reads only/);
    }
  });
});

describe("a token limited to some rollouts", () => {
  it("lists only its rollouts and touches only them, whatever its owner's role allows", async () => {
    const onlyA = await token(commander, { rolloutIds: [a.rolloutId] });
    expect((await listRollouts(onlyA)).body.rollouts.map((r) => r.id)).toEqual([a.rolloutId]);
    expect((await getRollout(onlyA, a.rolloutId)).status).toBe(200);

    const readB = await getRollout(onlyA, b.rolloutId);
    expect(readB.status).toBe(403);
    expect(readB.body.error?.message).toBe(`This API token is limited to other rollouts: it may not touch rollout ${b.rolloutId}`);
    expect((await tick(onlyA, b.itemId)).status).toBe(403);
    expect((await tick(onlyA, b.itemId, { state: 7 })).status).toBe(403);
    expect((await sign(onlyA, b.gateId)).status).toBe(403);
    expect((await runAction(onlyA, b.actionId)).status).toBe(403);
    expect((await push(onlyA, b.rolloutId)).status).toBe(403);

    expect((await tick(onlyA, a.itemId)).status).toBe(200);
    expect((await push(onlyA, a.rolloutId)).status).toBe(202);
    // A row that does not exist is a 404, as for anyone.
    expect((await tick(onlyA, "no-such-item")).status).toBe(404);
  });

  it("is refused what is not about one of its rollouts: people, tokens, creating or copying a rollout", async () => {
    const adminOnlyA = await token(admin, { rolloutIds: [a.rolloutId] });
    const users = await json(listUsersRoute(request("GET", "/api/v1/users", { auth: adminOnlyA }), ctx()));
    expect(users.status).toBe(403);
    expect(users.body.error?.message).toBe("This API token is limited to some rollouts: it may not GET /api/v1/users, which is not about one of them");
    expect((await json(listTokensRoute(request("GET", "/api/v1/tokens", { auth: adminOnlyA }), ctx()))).status).toBe(403);
    expect((await json(createRolloutRoute(request("POST", "/api/v1/rollouts", { auth: adminOnlyA, body: { name: "x", service: "y" } }), ctx()))).status).toBe(403);
    expect((await json(cloneRoute(request("POST", `/api/v1/rollouts/${a.rolloutId}/clone`, { auth: adminOnlyA, body: {} }), ctx({ id: a.rolloutId })))).status).toBe(403);
    // A default notification channel belongs to no rollout; a rollout's channel to that rollout.
    const slack = { kind: "SLACK", name: "ops", webhookUrl: "http://127.0.0.1:9/slack", forRehearsals: false, enabled: true } as const;
    const defaultChannel = (await createChannel(admin.principal, null, slack)).channel;
    const [channelOfA, channelOfB] = [(await createChannel(admin.principal, a.rolloutId, slack)).channel, (await createChannel(admin.principal, b.rolloutId, slack)).channel];
    const renameChannel = (id: string) => json(patchChannelRoute(request("PATCH", `/api/v1/notification-channels/${id}`, { auth: adminOnlyA, body: { name: "renamed" } }), ctx({ id })));
    const onDefault = await renameChannel(defaultChannel.id);
    expect(onDefault.status).toBe(403);
    expect(onDefault.body.error?.message).toContain("belongs to no rollout");
    expect((await renameChannel(channelOfB.id)).status).toBe(403);
    expect((await renameChannel(channelOfA.id)).status).toBe(200);
    expect((await json(listDefaultChannelsRoute(request("GET", "/api/v1/notification-channels", { auth: adminOnlyA }), ctx()))).status).toBe(403);
    // The same admin's unlimited token may.
    expect((await json(listUsersRoute(request("GET", "/api/v1/users", { auth: admin.apiToken }), ctx()))).status).toBe(200);
  });
});

describe("the owner's role", () => {
  it("bounds the token: a demoted owner's push-only token stops pushing at once", async () => {
    const owner = await makeUser("ENGINEER");
    const pushOnly = await token(owner, { scope: "METRICS_PUSH", rolloutIds: [a.rolloutId] });
    expect((await push(pushOnly, a.rolloutId)).status).toBe(202);
    const demoted = await json(patchUserRoute(request("PATCH", `/api/v1/users/${owner.id}`, { cookie: admin.cookie, body: { role: "VIEWER" } }), ctx({ id: owner.id })));
    expect(demoted.status).toBe(200);
    const after = await push(pushOnly, a.rolloutId);
    expect(after.status).toBe(403);
    expect(after.body.error?.message).toContain("VIEWER");
  });

  it("keeps a FULL token at the owner's role, never above it", async () => {
    const full = await token(engineer, { scope: "FULL", rolloutIds: [a.rolloutId] });
    expect((await sign(full, a.gateId)).status).toBe(403);
    expect((await start(full, a.rolloutId)).status).toBe(403);
  });
});

describe("creating scoped tokens", () => {
  const create = (owner: User, body: unknown) => json<ApiTokenView>(createTokenRoute(request("POST", "/api/v1/tokens", { cookie: owner.cookie, body }), ctx()));

  it("lists each token's scope and rollouts; tokens made before scoping are full tokens for every rollout", async () => {
    const owner = await makeUser("ENGINEER");
    // A token row as every token was before scoping: the migration's defaults make it FULL for every rollout.
    const legacy = generateToken("api");
    await getDb().$executeRaw`INSERT INTO "ApiToken" (id, "userId", name, "tokenHash", prefix) VALUES (${randomUUID()}, ${owner.id}, 'legacy', ${hashToken(legacy)}, 'wr_pat_lega')`;
    await token(owner, { scope: "METRICS_PUSH", rolloutIds: [b.rolloutId, a.rolloutId] });
    const listed = await json<{ tokens: ApiTokenView[] }>(listTokensRoute(request("GET", "/api/v1/tokens", { cookie: owner.cookie }), ctx()));
    const byName = Object.fromEntries(listed.body.tokens.map((t) => [t.name, t]));
    expect(byName.legacy).toMatchObject({ scope: "FULL", rollouts: null, state: "active" });
    const scoped = listed.body.tokens.find((t) => t.scope === "METRICS_PUSH")!;
    expect(scoped.rollouts?.map((r) => r.id).sort()).toEqual([a.rolloutId, b.rolloutId].sort());
    expect(scoped.rollouts?.every((r) => typeof r.name === "string")).toBe(true);
    expect(JSON.stringify(listed.body)).not.toMatch(/tokenHash|wr_pat_[A-Za-z0-9_-]{20}/);

    expect((await tick(legacy, a.itemId, { note: "legacy token" })).status).toBe(200);
    expect((await push(legacy, b.rolloutId)).status).toBe(202);
  });

  it("answers 400 naming the field for hostile or wrong scopes and rollouts", async () => {
    const cases: [unknown, string][] = [
      [{ name: "x", rolloutIds: [a.rolloutId, "no-such-rollout"] }, "rolloutIds.1"],
      [{ name: "x", rolloutIds: [] }, "rolloutIds"],
      [{ name: "x", rolloutIds: [a.rolloutId, a.rolloutId] }, "rolloutIds"],
      [{ name: "x", rolloutIds: a.rolloutId }, "rolloutIds"],
      [{ name: "x", rolloutIds: [{ id: a.rolloutId }] }, "rolloutIds.0"],
      [{ name: "x", rolloutIds: ["../../etc"] }, "rolloutIds.0"],
      [{ name: "x", rolloutIds: ["a".repeat(65)] }, "rolloutIds.0"],
      [{ name: "x", rolloutIds: Array.from({ length: 101 }, (_, i) => `r${i}`) }, "rolloutIds"],
      [{ name: "x", rolloutIds: [`${a.rolloutId}\u0000`] }, "rolloutIds.0"],
      [{ name: "x", scope: "ROOT" }, "scope"],
      [{ name: "x", scope: "full" }, "scope"],
      [{ name: "x", scope: null }, "scope"],
      [{ name: "x", scopes: ["READ_ONLY"] }, "body"],
    ];
    for (const [body, field] of cases) {
      const answer = await create(engineer, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(Object.keys(answer.body.error?.fields ?? {}), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    // A viewer's role can never push: such a token would be useless, and is refused naming the scope.
    const viewers = await create(viewer, { name: "x", scope: "METRICS_PUSH" });
    expect(viewers.status).toBe(400);
    expect(viewers.body.error?.fields).toHaveProperty("scope");
    expect(await getDb().apiToken.count({ where: { name: "x" } })).toBe(0);
  });

  it("cannot be done with a token, scoped or not", async () => {
    const readOnly = await token(commander, { scope: "READ_ONLY" });
    for (const auth of [readOnly, commander.apiToken]) {
      expect((await json(createTokenRoute(request("POST", "/api/v1/tokens", { auth, body: { name: "minted" } }), ctx()))).status).toBe(403);
    }
  });
});

describe("scoped tokens on the socket", () => {
  let server: Awaited<ReturnType<typeof startRealtimeTestServer>>;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startRealtimeTestServer();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await server.close();
  });

  async function open(auth: string): Promise<Socket | { status?: number; code?: string; message?: string }> {
    const socket = connect(server.url, { transports: ["websocket"], reconnection: false, auth: { token: auth } });
    sockets.push(socket);
    return new Promise((resolve) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (e: Error & { data?: { status?: number; code?: string; message?: string } }) => resolve(e.data ?? {}));
    });
  }
  const join = (socket: Socket, rolloutId: string) => socket.emitWithAck("join", { rolloutId }) as Promise<JoinAck>;
  const command = (socket: Socket, body: unknown) => socket.emitWithAck("command", body) as Promise<CommandAck>;

  it("refuses a push-only token the socket altogether", async () => {
    const refused = await open(await token(commander, { scope: "METRICS_PUSH", rolloutIds: [a.rolloutId] }));
    expect(refused).toMatchObject({ status: 403, code: "forbidden" });
    expect((refused as { message?: string }).message).toContain("METRICS_PUSH");
  });

  it("lets a rollout-limited token join and command only its rollouts, 403 before the input is judged", async () => {
    const fixtureC = await fixture();
    const socket = await open(await token(commander, { rolloutIds: [fixtureC.rolloutId] }));
    if (!("emit" in socket)) throw new Error(`not connected: ${JSON.stringify(socket)}`);
    expect(await join(socket, fixtureC.rolloutId)).toMatchObject({ ok: true });
    const other = await join(socket, b.rolloutId);
    expect(other).toMatchObject({ ok: false, error: { status: 403 } });
    expect(JSON.stringify(other)).toContain(b.rolloutId);

    for (const body of [
      { type: "rollout.pause", rolloutId: b.rolloutId, input: { reason: "x" } },
      { type: "rollout.pause", rolloutId: b.rolloutId, input: { reason: 12, junk: true } },
      { type: "gate.sign", gateId: b.gateId, input: { decision: "GO" } },
      { type: "action.run", actionId: b.actionId, input: { reason: "x", idempotencyKey: randomUUID() } },
    ]) {
      expect(await command(socket, body), JSON.stringify(body)).toMatchObject({ ok: false, error: { status: 403 } });
    }
    expect(await command(socket, { type: "gate.sign", gateId: fixtureC.gateId, input: { decision: "GO" } })).toMatchObject({ ok: true });
  });

  it("lets a read-only token join but run no command", async () => {
    const socket = await open(await token(commander, { scope: "READ_ONLY", rolloutIds: [a.rolloutId] }));
    if (!("emit" in socket)) throw new Error(`not connected: ${JSON.stringify(socket)}`);
    expect(await join(socket, a.rolloutId)).toMatchObject({ ok: true });
    expect(await join(socket, b.rolloutId)).toMatchObject({ ok: false, error: { status: 403 } });
    const refused = await command(socket, { type: "rollout.start", rolloutId: a.rolloutId, input: { override: { reason: "x" } } });
    expect(refused).toMatchObject({ ok: false, error: { status: 403 } });
    expect(JSON.stringify(refused)).toContain("READ_ONLY");
    expect((await getDb().rollout.findUniqueOrThrow({ where: { id: a.rolloutId } })).status).toBe("DRAFT");
  });
});
