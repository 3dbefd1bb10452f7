import { io as connect, type Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { CLIENT_EVENT_NAMES } from "./contract";
import { withRealtimeTestServer } from "@/test/realtime-server";

// Every client event (CLIENT_EVENT_NAMES, checked complete at compile time) gets hostile payloads. The
// server answers with a 4xx-shaped ack or ignores it, never crashes, and the socket keeps working.

const server = withRealtimeTestServer();

const PAYLOADS: unknown[] = [
  undefined,
  null,
  42,
  "join",
  [],
  [{ rolloutId: "x" }],
  {},
  { rolloutId: null },
  { rolloutId: 12, afterSeq: "x" },
  { rolloutId: "'; DROP TABLE \"Rollout\"; --" },
  { rolloutId: "<script>alert(1)</script>", afterSeq: -1 },
  { rolloutId: "a".repeat(10_000) },
  { rolloutId: "does-not-exist", afterSeq: 1e308 },
  { __proto__: { admin: true }, rolloutId: "x" },
  { rolloutId: "x", command: "rollback", percentage: 140, extra: { deep: [1, 2, 3] } },
];

describe("hostile socket input", () => {
  it("acks every bad payload with a 4xx (or ignores it) and keeps the connection usable", async () => {
    const viewer = await makeUser("VIEWER");
    const rollout = await makeRollout();
    const socket: Socket = connect(server.url, { auth: { token: viewer.apiToken }, transports: ["websocket"], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    for (const event of CLIENT_EVENT_NAMES) {
      for (const payload of PAYLOADS) {
        const ack = (await socket.timeout(2000).emitWithAck(event, payload).catch(() => "no ack")) as unknown;
        if (ack !== "no ack" && typeof ack === "object" && ack !== null && (ack as { ok?: boolean }).ok === false) {
          const status = (ack as { error: { status: number; code: string; message: string } }).error.status;
          expect(status, `${event} ${JSON.stringify(payload)?.slice(0, 80)}`).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        }
        socket.emit(event, payload); // and without an ack callback at all
      }
    }
    socket.emit("no-such-event", { x: 1 });
    socket.emit("join");
    // Still connected and still served.
    expect(socket.connected).toBe(true);
    const ok = (await socket.emitWithAck("join", { rolloutId: rollout.id, afterSeq: 0 })) as { ok: boolean; events: unknown[] };
    expect(ok.ok).toBe(true);
    expect(ok.events.length).toBeGreaterThan(0);
    socket.disconnect();
  });

  it("drops a client that sends more than the payload limit, and keeps serving others", async () => {
    const viewer = await makeUser("VIEWER");
    const rollout = await makeRollout();
    const greedy: Socket = connect(server.url, { auth: { token: viewer.apiToken }, transports: ["websocket"], reconnection: false });
    await new Promise<void>((resolve) => greedy.once("connect", () => resolve()));
    const dropped = new Promise<string>((resolve) => greedy.once("disconnect", resolve));
    greedy.emit("join", { rolloutId: "x".repeat(200_000) });
    expect(await dropped).toBe("transport close");

    const polite: Socket = connect(server.url, { auth: { token: viewer.apiToken }, transports: ["websocket"], reconnection: false });
    await new Promise<void>((resolve) => polite.once("connect", () => resolve()));
    expect(((await polite.emitWithAck("join", { rolloutId: rollout.id })) as { ok: boolean }).ok).toBe(true);
    polite.disconnect();
  });
});
