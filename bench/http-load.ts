import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { BenchServer } from "./server";
import { summarise, type Summary } from "./stats";
import type { WatcherCommand, WatcherReply, WatcherStats } from "./watchers";

// The tick API under a steady rate (100, 200, 300 requests/s, all on one item of one rollout) while 200 sockets watch
// it, each tick fanned out to all of them, against the hand-written floor doing the same work at the same rate in the
// same run (bench/floor-server.ts: raw pg BEGIN; lock; update; append event; COMMIT; socket.io broadcast). The rows
// run one after the other, never at the same time; the watching sockets live in a child process (bench/watchers.ts)
// and join only the server being measured. The load is open-loop: request n is due at start + n / rate and its
// latency is counted from then (a slow server cannot slow the schedule down), over pooled keep-alive connections.
// "Answered" means answered before the row ends (every request sent is waited for, up to DRAIN_MS after the last
// one is due); the rest are counted as timeouts. Beside the client-observed latency, the server's own time from
// its Server-Timing header (server.ts: request received → response headers), and the generator's and the
// watchers' own event-loop lag and CPU, so a reader can tell who saturated. Before the load: one tick at a time,
// against /api/health on the same server and the floor's tick.

const DRAIN_MS = 10_000;
// Enough connections that the pool never holds a due request back: at 300/s and up to 1 s at the server, 300 are
// in flight (a 64-connection pool capped an earlier run at 64 ÷ latency requests/s, on the generator's side).
const MAX_SOCKETS = 1024;

export type LoadResult = {
  label: string;
  rate: number;
  seconds: number;
  offered: number;
  /** 2xx answers received before the row ended. */
  answered: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The server's own time per answered request (Server-Timing), where it sends one. */
  server?: Summary;
  generator: { eventLoopLagP99Ms: number; cpuPercent: number };
  watchers: WatcherStats;
  /** answered × watching sockets: the events the watchers should have received. */
  expectedEvents: number;
};
export type SerialResult = { label: string; latency: Summary; server?: Summary };

/** The `app;dur=` of a Server-Timing header (server.ts), in ms. */
export function serverTimingOf(header: string | null | undefined): number | undefined {
  const match = /(?:^|,)\s*app;dur=([\d.]+)/.exec(header ?? "");
  return match ? Number(match[1]) : undefined;
}

function request(agent: http.Agent, url: URL, opts: { method: string; path: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; serverMs?: number }>((resolve, reject) => {
    const req = http.request({ agent, host: url.hostname, port: url.port, method: opts.method, path: opts.path, headers: opts.body ? { ...opts.headers, "content-length": Buffer.byteLength(opts.body) } : opts.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, serverMs: serverTimingOf(res.headers["server-timing"] as string | undefined) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

async function run(opts: { label: string; url: string; path: string; token?: string; body: (n: number) => string; rate: number; seconds: number; watchers: Watchers; sockets: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const url = new URL(opts.url);
  const headers = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), "content-type": "application/json" };
  // Warm the pool (and the server's caches) before the clock starts.
  await Promise.all(Array.from({ length: 10 }, (_, n) => request(agent, url, { method: "PATCH", path: opts.path, headers, body: opts.body(-1 - n) }).catch(() => undefined)));
  await opts.watchers.stats();

  const offered = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  const serverTimes: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpuFrom = process.cpuUsage();
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((resolve) => {
    const sendDue = () => {
      const now = performance.now();
      while (sent < offered && started + (sent * 1000) / opts.rate <= now) {
        const due = started + (sent * 1000) / opts.rate;
        inFlight.push(
          request(agent, url, { method: "PATCH", path: opts.path, headers, body: opts.body(sent) }).then(
            ({ status, serverMs }) => {
              if (status < 200 || status >= 300) return void non2xx++;
              latencies.push(performance.now() - due);
              if (serverMs !== undefined) serverTimes.push(serverMs);
            },
            () => void errors++,
          ),
        );
        sent++;
      }
      if (sent >= offered) return resolve();
      setTimeout(sendDue, Math.max(0, started + (sent * 1000) / opts.rate - performance.now()));
    };
    sendDue();
  });
  let timedOut = false;
  const drainTimer = new Promise<void>((resolve) => setTimeout(() => ((timedOut = true), resolve()), Math.max(0, started + opts.seconds * 1000 + DRAIN_MS - performance.now())));
  await Promise.race([Promise.all(inFlight), drainTimer]);
  const answered = latencies.length;
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuFrom);
  lag.disable();
  const watchers = await opts.watchers.stats();
  agent.destroy();
  const latency = summarise(latencies);
  return {
    label: opts.label,
    rate: opts.rate,
    seconds: opts.seconds,
    offered,
    answered,
    non2xx,
    errors,
    timeouts: timedOut ? offered - answered - non2xx - errors : 0,
    p50: latency.p50,
    p95: latency.p95,
    p99: latency.p99,
    max: latency.max,
    server: serverTimes.length ? summarise(serverTimes) : undefined,
    generator: { eventLoopLagP99Ms: lag.percentile(99) / 1e6, cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100 },
    watchers,
    expectedEvents: answered * opts.sockets,
  };
}

type Watchers = { stats: () => Promise<WatcherStats>; stop: () => Promise<void> };

/** `count` socket.io clients joined to the bench rollout on `url`, in a child process (bench/watchers.ts). */
async function startWatchers(url: string, token: string, rolloutId: string, count: number): Promise<Watchers> {
  const child: ChildProcess = fork("bench/watchers.ts", [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = () =>
    new Promise<WatcherReply>((resolve, reject) => {
      child.once("message", (reply: WatcherReply) => ("error" in reply ? reject(new Error(`watchers: ${reply.error}`)) : resolve(reply)));
      child.once("exit", (code) => reject(new Error(`watchers exited (${code})`)));
    });
  const ask = (command: WatcherCommand) => {
    const reply = next();
    child.send(command);
    return reply;
  };
  await ask({ connect: { url, token, rolloutId, count } });
  return {
    stats: async () => ((await ask({ stats: true })) as { stats: WatcherStats }).stats,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send({ disconnect: true } satisfies WatcherCommand);
      }),
  };
}

/** One request at a time, `count` times after 10 of warm-up. */
async function serial(label: string, count: number, send: (n: number) => Promise<Response>): Promise<SerialResult> {
  const times: number[] = [];
  const serverTimes: number[] = [];
  for (let n = 0; n < count + 10; n++) {
    const started = performance.now();
    const response = await send(n);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
    if (n < 10) continue;
    times.push(performance.now() - started);
    const serverMs = serverTimingOf(response.headers.get("server-timing"));
    if (serverMs !== undefined) serverTimes.push(serverMs);
  }
  return { label, latency: summarise(times), server: serverTimes.length ? summarise(serverTimes) : undefined };
}

export async function measureSerialTicks(server: BenchServer, count = 200): Promise<SerialResult[]> {
  const item = server.itemIds[1]!;
  const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
  return [
    await serial("PATCH /api/v1/items/:id (tick)", count, (n) => fetch(`${server.url}/api/v1/items/${item}`, { method: "PATCH", headers, body: JSON.stringify({ note: `serial ${n}` }) })),
    await serial("GET /api/health (same server)", count, () => fetch(`${server.url}/api/health`)),
    await serial("floor: raw pg tick + emit", count, (n) => fetch(`${server.floorUrl}/items/${item}`, { method: "PATCH", headers, body: JSON.stringify({ note: `serial ${n}` }) })),
  ];
}

export async function measureHttpLoad(server: BenchServer, opts: { rates: number[]; seconds: number; sockets: number }): Promise<LoadResult[]> {
  const item = server.itemIds[0]!;
  const results: LoadResult[] = [];
  const row = async (label: string, url: string, path: string, rate: number, token?: string) => {
    const watchers = await startWatchers(url, server.token, server.rolloutId, opts.sockets);
    try {
      return await run({ label, url, path, token, body: (n) => JSON.stringify({ note: `load ${rate}/${n}` }), rate, seconds: opts.seconds, watchers, sockets: opts.sockets });
    } finally {
      await watchers.stop();
    }
  };
  for (const rate of opts.rates) {
    results.push(await row("PATCH /api/v1/items/:id (tick)", server.url, `/api/v1/items/${item}`, rate, server.token));
    results.push(await row("floor: raw pg + socket.io", server.floorUrl, `/items/${item}`, rate));
  }
  return results;
}
