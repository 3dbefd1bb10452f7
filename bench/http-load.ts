import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { connectClients } from "./tick-fanout";
import type { BenchServer } from "./server";
import { summarise, type Summary } from "./stats";

// The tick API under a steady rate (100, 200, 300 requests/s, all on one rollout) while 200 sockets watch it,
// each tick fanned out to all of them, against the hand-written floor doing the same work at the same rate in the
// same run (bench/floor-server.ts: raw pg BEGIN; lock; update; append event; COMMIT; socket.io broadcast), with
// its own 200 sockets. Latencies are autocannon's (request sent → response), in ms. Before the load: one tick at
// a time, against /api/health on the same server and the floor's tick.

export type LoadResult = { label: string; rate: number; seconds: number; requests: number; errors: number; non2xx: number; p50: number; p95: number; p99: number; max: number };
export type SerialResult = { label: string; latency: Summary };

function run(opts: { label: string; url: string; path: string; token?: string; body: (n: number) => string; rate: number; seconds: number }) {
  let n = 0;
  return new Promise<LoadResult>((resolve, reject) => {
    autocannon(
      {
        url: opts.url,
        connections: 20,
        overallRate: opts.rate,
        duration: opts.seconds,
        requests: [
          {
            method: "PATCH",
            path: opts.path,
            headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), "content-type": "application/json" },
            setupRequest: (request) => ({ ...request, body: opts.body(n++) }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          label: opts.label,
          rate: opts.rate,
          seconds: opts.seconds,
          requests: result.requests.total,
          errors: result.errors,
          non2xx: result.non2xx,
          p50: result.latency.p50,
          p95: result.latency.p97_5 ?? Number.NaN,
          p99: result.latency.p99,
          max: result.latency.max,
        });
      },
    );
  });
}

/** One request at a time, `count` times after 10 of warm-up. */
async function serial(label: string, count: number, send: (n: number) => Promise<Response>): Promise<SerialResult> {
  const times: number[] = [];
  for (let n = 0; n < count + 10; n++) {
    const started = performance.now();
    const response = await send(n);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
    if (n >= 10) times.push(performance.now() - started);
  }
  return { label, latency: summarise(times) };
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
  const appClients = await connectClients(server, opts.sockets);
  const floorClients = await connectClients(server, opts.sockets, server.floorUrl);
  const item = server.itemIds[0]!;
  const results: LoadResult[] = [];
  try {
    for (const rate of opts.rates) {
      results.push(
        await run({ label: "PATCH /api/v1/items/:id (tick)", url: server.url, path: `/api/v1/items/${item}`, token: server.token, body: (n) => JSON.stringify({ note: `load ${n}` }), rate, seconds: opts.seconds }),
      );
      results.push(await run({ label: "floor: raw pg + socket.io", url: server.floorUrl, path: `/items/${item}`, body: (n) => JSON.stringify({ note: `load ${n}` }), rate, seconds: opts.seconds }));
    }
    return results;
  } finally {
    for (const client of [...appClients, ...floorClients]) client.disconnect();
  }
}
