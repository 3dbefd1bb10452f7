import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { updateItem } from "@/lib/domain/checklists";
import { getRolloutState } from "@/lib/domain/rollouts";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";
import { createPostgresAdapter } from "./adapter";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "./contract";
import { syncRollout } from "./rollout-sync";
import { createRealtimeServer, type RealtimeServer } from "./server";

// Events must reach clients in seq order with concurrent writers, on the server as server.ts builds it: with
// socket.io's Postgres adapter, whose broadcast waited for its NOTIFY (one of several pool connections, some
// through an attachment row for large payloads) before emitting locally, so events overtook each other. And the
// events one turn publishes for a room go out as one message per client (coalesce.ts): fewer socket writes, the
// same events in the same order.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let io: RealtimeServer;
let fanOut: ReturnType<typeof createPostgresAdapter>;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  const httpServer = createServer();
  fanOut = createPostgresAdapter(process.env.DATABASE_URL!);
  io = createRealtimeServer(httpServer, { adapter: fanOut.adapter });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await new Promise<void>((resolve) => io.close(() => resolve()));
  await fanOut.close();
});

describe("publishing under concurrent writers", () => {
  it("delivers 200 concurrent changes in seq order, each once, and no client re-joins for a gap", async () => {
    const rolloutId = (await makeRollout()).id;
    const items = (await getRolloutState(rolloutId)).items;
    const writers = await Promise.all([makeUser("ENGINEER"), makeUser("ENGINEER"), makeUser("ADMIN"), makeUser("COMMANDER")]);
    const viewer = await makeUser("VIEWER");

    // Each client keeps a copy with rollout-sync (the browser's implementation) and counts its joins.
    const watchers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client: Client = connect(url, { transports: ["websocket"], auth: { token: viewer.apiToken }, reconnection: false });
        clients.push(client);
        const seen: number[] = [];
        const batchSizes: number[] = [];
        let joins = 0;
        client.onAnyOutgoing((event) => event === "join" && joins++);
        onCommittedEvents(client, (batch: EventEnvelope[]) => (batchSizes.push(batch.length), seen.push(...batch.map((e) => e.seq))));
        await new Promise<void>((resolve, reject) => (client.once("connect", () => resolve()), client.once("connect_error", reject)));
        const first = await new Promise<JoinAck>((resolve) => client.emit("join", { rolloutId }, resolve));
        if (!first.ok) throw new Error(first.error.message);
        let state = { lastSeq: first.lastSeq };
        syncRollout({ socket: client, rolloutId, getState: () => state, setState: (s) => (state = s), apply: (_s, e) => ({ lastSeq: e.seq }), refetch: () => {} });
        return { seen, batchSizes, startSeq: first.lastSeq, rejoins: () => joins - 2, lastSeq: () => state.lastSeq };
      }),
    );

    const changes = 200;
    // Some notes are over the adapter's 8000-byte NOTIFY threshold, so they take its slower attachment path.
    const note = (n: number) => (n % 5 === 0 ? `big ${n} ${"x".repeat(9000)}` : `note ${n}`);
    await Promise.all(
      Array.from({ length: changes }, (_, n) => updateItem(writers[n % writers.length]!.principal, items[n % items.length]!.id, { note: note(n) })),
    );
    const finalSeq = watchers[0]!.startSeq + changes;
    await expect.poll(() => watchers.every((w) => w.lastSeq() === finalSeq), { timeout: 20_000 }).toBe(true);

    for (const watcher of watchers) {
      // An inversion: an event whose seq is below one already received.
      const inversions = watcher.seen.filter((seq, i) => i > 0 && seq < Math.max(...watcher.seen.slice(0, i))).length;
      expect({ inversions, rejoins: watcher.rejoins() }).toEqual({ inversions: 0, rejoins: 0 });
      expect(watcher.seen).toEqual(Array.from({ length: changes }, (_, i) => watcher.startSeq + i + 1));
      // Concurrent writers share commits (write-queue.ts), and a commit's events reach each client as one message.
      expect(Math.max(...watcher.batchSizes)).toBeGreaterThan(1);
      expect(watcher.batchSizes.length).toBeLessThan(changes);
    }
  });
});
