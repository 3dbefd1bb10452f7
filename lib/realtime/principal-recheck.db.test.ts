import { io as connect, type Socket } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { withRealtimeTestServer } from "@/test/realtime-server";
import { endAuthSession } from "@/lib/domain/sessions";
import { revokeApiToken } from "@/lib/domain/tokens";
import { updateUser } from "@/lib/domain/users";
import type { CommandAck } from "@/lib/schemas/commands";
import type { ClientToServerEvents, PrincipalMessage, ServerToClientEvents } from "./contract";

// Sockets are judged by who their user is now (recheckSocketPrincipal): a demoted commander's socket gets 403
// without reconnecting and hears its new role; a deactivated user's, a signed-out session's and a revoked
// token's sockets are closed at once; a command on a dead session answers 401.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const server = withRealtimeTestServer();
const clients: Client[] = [];
afterAll(() => clients.forEach((c) => c.disconnect()));

async function open(auth: { token?: string; cookie?: string }): Promise<Client> {
  const client: Client = connect(server.url, { transports: ["websocket"], reconnection: false, auth: auth.token ? { token: auth.token } : undefined, extraHeaders: auth.cookie ? { cookie: auth.cookie } : undefined });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("connect_error", reject);
  });
  return client;
}
const command = (client: Client, request: unknown) => client.timeout(5000).emitWithAck("command", request) as Promise<CommandAck>;
const closed = (client: Client) => new Promise<string>((resolve) => (client.disconnected ? resolve("already") : client.once("disconnect", resolve)));
const pause = (rolloutId: string) => ({ type: "rollout.pause", rolloutId, input: { reason: "recheck test" } });

describe("socket principal re-check", () => {
  it("a commander demoted to viewer gets 403 on the same socket and is told the new role", async () => {
    const admin = await makeUser("ADMIN");
    const commander = await makeUser("COMMANDER");
    const rollout = await makeRollout();
    const socket = await open({ cookie: commander.cookie });
    expect((await socket.emitWithAck("join", { rolloutId: rollout.id })).ok).toBe(true);
    // Allowed, but the rollout is not started: 409, not 403.
    const before = await command(socket, pause(rollout.id));
    expect(before.ok ? 200 : before.error.status).toBe(409);

    const told = new Promise<PrincipalMessage>((resolve) => socket.once("principal", resolve));
    await updateUser(admin.principal, commander.id, { role: "VIEWER" });
    expect(await told).toMatchObject({ userId: commander.id, role: "VIEWER" });
    const after = await command(socket, pause(rollout.id));
    expect(after.ok ? 200 : after.error.status).toBe(403);
    expect(socket.connected).toBe(true);
  });

  it("a deactivated user's sockets (cookie and API token) are closed at once", async () => {
    const admin = await makeUser("ADMIN");
    const engineer = await makeUser("ENGINEER");
    const bySession = await open({ cookie: engineer.cookie });
    const byToken = await open({ token: engineer.apiToken });
    const both = Promise.all([closed(bySession), closed(byToken)]);
    await updateUser(admin.principal, engineer.id, { active: false });
    expect(await both).toEqual(["io server disconnect", "io server disconnect"]);
  });

  it("a socket whose user is deactivated is told its session ended before it is closed, so its page can drop its controls", async () => {
    const admin = await makeUser("ADMIN");
    const commander = await makeUser("COMMANDER");
    const socket = await open({ cookie: commander.cookie });
    const heard: string[] = [];
    socket.on("signedOut", () => heard.push("signedOut"));
    const gone = closed(socket).then((reason) => heard.push(reason));
    await updateUser(admin.principal, commander.id, { active: false });
    await gone;
    expect(heard).toEqual(["signedOut", "io server disconnect"]);
  });

  it("a revoked token's socket is closed; the same user's session socket stays", async () => {
    const engineer = await makeUser("ENGINEER");
    const byToken = await open({ token: engineer.apiToken });
    const bySession = await open({ cookie: engineer.cookie });
    const gone = closed(byToken);
    await revokeApiToken(engineer.apiTokenId);
    expect(await gone).toBe("io server disconnect");
    const rollout = await makeRollout();
    expect((await bySession.emitWithAck("join", { rolloutId: rollout.id })).ok).toBe(true);
  });

  it("signing out closes that session's socket; a command racing it answers 401", async () => {
    const commander = await makeUser("COMMANDER");
    const rollout = await makeRollout();
    const socket = await open({ cookie: commander.cookie });
    const gone = closed(socket);
    await endAuthSession(commander.sessionId);
    // No socket announcement: the command's own re-check finds the session dead.
    const ack = await command(socket, pause(rollout.id));
    expect(ack.ok ? 200 : ack.error.status).toBe(401);
    expect(await gone).toBe("io server disconnect");
  });

  it("refuses a WebSocket from an origin that is not the public URL's", async () => {
    const { startRealtimeTestServer } = await import("@/test/realtime-server");
    const strict = await startRealtimeTestServer(undefined, { allowedOrigins: ["http://warroom.example"] });
    const engineer = await makeUser("ENGINEER");
    try {
      const attempt = (origin: string) =>
        new Promise<string>((resolve) => {
          const client: Client = connect(strict.url, { transports: ["polling"], reconnection: false, extraHeaders: { cookie: engineer.cookie, origin } });
          client.once("connect", () => (client.disconnect(), resolve("connected")));
          client.once("connect_error", () => (client.disconnect(), resolve("refused")));
        });
      expect(await attempt("http://evil.example")).toBe("refused");
      expect(await attempt("http://warroom.example")).toBe("connected");
    } finally {
      await strict.close();
    }
  });
});
