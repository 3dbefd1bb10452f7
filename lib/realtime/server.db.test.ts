import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { updateItem } from "@/lib/domain/checklists";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createShareToken, revokeShareToken } from "@/lib/domain/tokens";
import { DELETE as revokeLinkRoute } from "@/app/api/v1/share-links/[id]/route";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "./contract";
import { startRealtimeTestServer } from "@/test/realtime-server";

// Real socket.io server on a real HTTP server, real socket.io clients, real Postgres: the realtime contract
// that the browser, other issues and the benchmark rely on.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type User = Awaited<ReturnType<typeof makeUser>>;

let server: Awaited<ReturnType<typeof startRealtimeTestServer>>;
let url: string;
const clients: Client[] = [];
let engineer: User, viewer: User, commander: User;
let rolloutId: string, otherRolloutId: string;

beforeAll(async () => {
  server = await startRealtimeTestServer();
  url = server.url;
  [engineer, viewer, commander] = await Promise.all([makeUser("ENGINEER", "Erin"), makeUser("VIEWER"), makeUser("COMMANDER")]);
  rolloutId = (await makeRollout()).id;
  otherRolloutId = (await makeRollout()).id;
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
});

function open(auth: { token?: string; cookie?: string }): Client {
  const client: Client = connect(url, {
    transports: ["websocket"],
    auth: auth.token ? { token: auth.token } : undefined,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : undefined,
    reconnection: false,
  });
  clients.push(client);
  return client;
}

function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("connect_error", reject);
  });
}

const join = (client: Client, request: unknown) => new Promise<JoinAck>((resolve) => client.emit("join", request, resolve));
const nextEvent = (client: Client) => new Promise<EventEnvelope>((resolve) => client.once("event", resolve));

describe("connecting", () => {
  it("refuses a connection without valid credentials", async () => {
    for (const auth of [{}, { token: "wr_pat_invented" }, { token: 42 as unknown as string }]) {
      const error = await connected(open(auth)).catch((e: Error & { data?: { status: number } }) => e);
      expect(error).toMatchObject({ message: "unauthorized", data: { status: 401 } });
    }
  });

  it("accepts the session cookie and API tokens", async () => {
    await connected(open({ cookie: viewer.cookie }));
    await connected(open({ token: engineer.apiToken }));
  });
});

describe("join", () => {
  it("acks with lastSeq and the missed events after afterSeq, then streams every change", async () => {
    const client = open({ cookie: viewer.cookie });
    await connected(client);
    const initial = await join(client, { rolloutId, afterSeq: 0 });
    expect(initial.ok).toBe(true);
    if (!initial.ok) return;
    expect(initial.events.map((e) => e.seq)).toEqual(Array.from({ length: initial.lastSeq }, (_, n) => n + 1));
    expect(initial.events[0]).toMatchObject({ rolloutId, seq: 1, type: "rollout.created" });

    const item = (await getRolloutState(rolloutId)).items[0]!;
    const received = nextEvent(client);
    const updated = await updateItem(engineer.principal, item.id, { state: "DONE" });
    const envelope = await received;
    expect(envelope).toMatchObject({ rolloutId, seq: initial.lastSeq + 1, type: "item.updated", actor: { id: engineer.id, name: "Erin" }, data: { item: updated } });
    expect(typeof envelope.at).toBe("string");

    const rejoin = await join(client, { rolloutId, afterSeq: initial.lastSeq });
    expect(rejoin.ok && rejoin.events.map((e) => e.seq)).toEqual([initial.lastSeq + 1]);
  });

  it("does not deliver another rollout's events", async () => {
    const client = open({ token: viewer.apiToken });
    await connected(client);
    await join(client, { rolloutId: otherRolloutId });
    const seen: EventEnvelope[] = [];
    onCommittedEvents(client, (batch) => seen.push(...batch));
    const item = (await getRolloutState(rolloutId)).items[1]!;
    const watcher = open({ token: viewer.apiToken });
    await connected(watcher);
    await join(watcher, { rolloutId });
    const delivered = nextEvent(watcher);
    await updateItem(engineer.principal, item.id, { state: "SKIPPED" });
    await delivered;
    expect(seen).toEqual([]);
  });

  it("answers bad join requests with 400 naming the field, and unknown rollouts with 404", async () => {
    const client = open({ token: viewer.apiToken });
    await connected(client);
    const bad = await join(client, { rolloutId: 12, afterSeq: "x" });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad_request", status: 400 } });
    expect(!bad.ok && Object.keys(bad.error.fields ?? {})).toEqual(expect.arrayContaining(["rolloutId", "afterSeq"]));
    expect(await join(client, null)).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await join(client, { rolloutId: "unknown-rollout" })).toMatchObject({ ok: false, error: { code: "not_found", status: 404 } });
  });
});

describe("share tokens", () => {
  it("join only their rollout, get redacted events, and are disconnected when revoked", async () => {
    const share = await createShareToken(commander.principal, rolloutId);
    const client = open({ token: share.token });
    await connected(client);
    expect(await join(client, { rolloutId: otherRolloutId })).toMatchObject({ ok: false, error: { status: 403 } });
    const ack = await join(client, { rolloutId, afterSeq: 0 });
    expect(ack.ok).toBe(true);

    const item = (await getRolloutState(rolloutId)).items.find((i) => i.text === "Commander named")!;
    const received = nextEvent(client);
    await updateItem(engineer.principal, item.id, { state: "DONE", note: "private: db password rotated" });
    const envelope = await received;
    expect(envelope.type).toBe("item.updated");
    expect(envelope.data).toEqual({ summary: `Checklist: "${item.text}" completed`, item: { id: item.id, state: "DONE" } });
    expect(JSON.stringify(envelope)).not.toContain("private");
    // Not even who made the change.
    expect(envelope.actor).toEqual({ id: null, name: "" });

    const closed = new Promise<string>((resolve) => client.once("disconnect", resolve));
    await revokeShareToken(commander.principal, share.id);
    expect(await closed).toBe("io server disconnect");
    const again = await connected(open({ token: share.token })).catch((e: Error) => e);
    expect(again).toMatchObject({ message: "unauthorized" });
  });

  it("are disconnected, every open socket of the link, when it is revoked through the API", async () => {
    const share = await createShareToken(commander.principal, rolloutId);
    const other = await createShareToken(commander.principal, rolloutId);
    const pages = [open({ token: share.token }), open({ token: share.token })];
    const bystander = open({ token: other.token });
    await Promise.all([...pages, bystander].map(connected));
    for (const client of [...pages, bystander]) expect(await join(client, { rolloutId })).toMatchObject({ ok: true });
    const closed = pages.map((client) => new Promise<string>((resolve) => client.once("disconnect", resolve)));
    const response = await revokeLinkRoute(
      new Request(`http://localhost/api/v1/share-links/${share.id}`, { method: "DELETE", headers: { authorization: `Bearer ${commander.apiToken}` } }),
      { params: Promise.resolve({ id: share.id }) },
    );
    expect(response.status).toBe(200);
    expect(await Promise.all(closed)).toEqual(["io server disconnect", "io server disconnect"]);
    // Another link to the same rollout keeps working and hears the next change.
    expect(bystander.connected).toBe(true);
    const item = (await getRolloutState(rolloutId)).items[2]!;
    const delivered = nextEvent(bystander);
    await updateItem(engineer.principal, item.id, { state: item.state === "DONE" ? "OPEN" : "DONE" });
    expect((await delivered).type).toBe("item.updated");
  });

  it("are disconnected when the link expires while the page is open, and refused after", async () => {
    // Expiry is a moment in the future; the socket is closed by a timer set for it, not by polling.
    const share = await createShareToken(commander.principal, rolloutId, { expiresAt: new Date(Date.now() + 3000) });
    const client = open({ token: share.token });
    await connected(client);
    expect(await join(client, { rolloutId })).toMatchObject({ ok: true });
    const reason = await new Promise<string>((resolve) => client.once("disconnect", resolve));
    expect(reason).toBe("io server disconnect");
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(share.expiresAt!.toISOString()));
    const again = await connected(open({ token: share.token })).catch((e: Error) => e);
    expect(again).toMatchObject({ message: "unauthorized" });
  });
});
