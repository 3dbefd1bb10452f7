import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "../lib/realtime/contract";
import type { JoinAck } from "../lib/schemas/events";

// The HTTP load's watching sockets, in a process of their own (bench/http-load.ts forks it): 200 real socket.io
// clients joined to the bench rollout, so receiving every tick's fan-out costs the load generator nothing. Counts
// the event messages and events they receive, and reports its own event-loop lag and CPU, so a reader can tell
// whether the watchers were the bottleneck. Driven over IPC: connect → stats → exit.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export type WatcherCommand = { connect: { url: string; token: string; rolloutId: string; count: number } } | { stats: true } | { disconnect: true };
export type WatcherStats = { messages: number; events: number; eventLoopLagP99Ms: number; cpuPercent: number };
export type WatcherReply = { connected: number } | { stats: WatcherStats } | { error: string };

const send = (reply: WatcherReply) => process.send?.(reply);
let clients: Client[] = [];
let messages = 0;
let events = 0;
const lag = monitorEventLoopDelay({ resolution: 10 });
let cpuFrom = process.cpuUsage();
let wallFrom = performance.now();

function resetStats() {
  messages = 0;
  events = 0;
  lag.reset();
  cpuFrom = process.cpuUsage();
  wallFrom = performance.now();
}

async function connect(url: string, token: string, rolloutId: string, count: number) {
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, () => {
      const client: Client = io(url, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true, timeout: 120_000 });
      return new Promise<Client>((resolve, reject) => {
        client.once("connect_error", reject);
        client.once("connect", () => client.emit("join", { rolloutId }, (ack: JoinAck) => (ack.ok ? resolve(client) : reject(new Error(ack.error.message)))));
      });
    });
    clients.push(...(await Promise.all(batch)));
  }
  // The app sends one turn's events for a room as one message (lib/realtime/coalesce.ts); the floor one per event.
  for (const client of clients) onCommittedEvents(client, (batch) => (messages++, (events += batch.length)));
}

async function settled() {
  const until = performance.now() + 5000;
  for (let seen = -1; seen !== messages && performance.now() < until; ) {
    seen = messages;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function reportStats() {
  const cpu = process.cpuUsage(cpuFrom);
  const wall = performance.now() - wallFrom;
  send({ stats: { messages, events, eventLoopLagP99Ms: lag.percentile(99) / 1e6, cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100 } });
  resetStats();
}

process.on("message", (command: WatcherCommand) => {
  if ("connect" in command) {
    const { url, token, rolloutId, count } = command.connect;
    connect(url, token, rolloutId, count)
      .then(() => {
        lag.enable();
        resetStats();
        send({ connected: clients.length });
      })
      .catch((error: Error) => send({ error: error.message }));
  } else if ("stats" in command) {
    // Fan-out still on its way when the last answer came back is counted: until 500 ms pass with nothing new (at most 5 s).
    void settled().then(() => reportStats());
  } else {
    for (const client of clients) client.disconnect();
    clients = [];
    process.exit(0);
  }
});
