import { performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "../lib/realtime/contract";
import type { EventEnvelope, JoinAck } from "../lib/schemas/events";
import type { BenchServer } from "./server";
import { summarise, type Summary } from "./stats";

// "Tick sent → received by the last client" for N socket.io clients in one rollout room, against the same
// measurement for a raw io.to(room).emit of the same payload with no database write (the baseline: the
// same HTTP request and auth, through POST /api/v1/bench/emit). App and baseline ticks alternate, so both
// see the same machine state.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export type FanoutResult = { clients: number; ticks: number; app: Summary; baseline: Summary; lost: number };

const TICK_TIMEOUT_MS = 10_000;

/** `count` clients joined to the bench rollout's room, on the app (default) or on another server such as the floor. */
export async function connectClients(server: BenchServer, count: number, url = server.url): Promise<Client[]> {
  const clients: Client[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, () => {
      const client: Client = io(url, { auth: { token: server.token }, transports: ["websocket"], reconnection: false, forceNew: true, timeout: 120_000 });
      return new Promise<Client>((resolve, reject) => {
        client.once("connect_error", reject);
        client.once("connect", () =>
          client.emit("join", { rolloutId: server.rolloutId }, (ack: JoinAck) => (ack.ok ? resolve(client) : reject(new Error(ack.error.message)))),
        );
      });
    });
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

export async function measureTickFanout(server: BenchServer, clientCount: number, ticks: number): Promise<FanoutResult> {
  const clients = await connectClients(server, clientCount);
  // key → [remaining receivers, resolve]
  const waiting = new Map<string, { remaining: number; done: () => void }>();
  const keyOf = (e: EventEnvelope) => (e.type === "bench.baseline" ? `b${String(e.data.n)}` : `a${e.seq}`);
  for (const client of clients) {
    onCommittedEvents(client, (envelopes) => {
      for (const envelope of envelopes) {
        const entry = waiting.get(keyOf(envelope));
        if (entry && --entry.remaining === 0) entry.done();
      }
    });
  }
  const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
  const app: number[] = [];
  const baseline: number[] = [];
  let lost = 0;
  let seq = (await (await fetch(`${server.url}/api/v1/rollouts/${server.rolloutId}`, { headers })).json()).lastSeq as number;
  let template: EventEnvelope | null = null;

  const timeTick = async (key: string, send: () => Promise<Response>) => {
    let done!: () => void;
    const arrived = new Promise<void>((resolve) => (done = resolve));
    waiting.set(key, { remaining: clients.length, done });
    const started = performance.now();
    const response = await send();
    if (!response.ok) throw new Error(`${key}: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { item?: unknown };
    const timedOut = await Promise.race([arrived.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), TICK_TIMEOUT_MS).unref())]);
    waiting.delete(key);
    if (timedOut) lost++;
    return { elapsed: performance.now() - started, timedOut, body };
  };

  for (let n = 0; n < ticks + 5; n++) {
    const itemId = server.itemIds[n % server.itemIds.length]!;
    seq += 1;
    const tick = await timeTick(`a${seq}`, () =>
      fetch(`${server.url}/api/v1/items/${itemId}`, { method: "PATCH", headers, body: JSON.stringify({ note: `bench ${clientCount}/${n}` }) }),
    );
    template ??= { rolloutId: server.rolloutId, seq: 0, type: "bench.baseline", at: new Date().toISOString(), actor: { id: null, name: "Bench" }, data: { item: tick.body.item } };
    const raw = await timeTick(`b${n}`, () =>
      fetch(`${server.url}/api/v1/bench/emit`, { method: "POST", headers, body: JSON.stringify({ envelope: { ...template!, data: { ...template!.data, n } } }) }),
    );
    // The first five of each are warm-up (JIT, connection pools).
    if (n >= 5) {
      if (!tick.timedOut) app.push(tick.elapsed);
      if (!raw.timedOut) baseline.push(raw.elapsed);
    }
  }
  for (const client of clients) client.disconnect();
  return { clients: clientCount, ticks, app: summarise(app), baseline: summarise(baseline), lost };
}
