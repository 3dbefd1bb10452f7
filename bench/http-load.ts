import autocannon from "autocannon";
import { connectClients } from "./tick-fanout";
import type { BenchServer } from "./server";

// The tick API under a steady 100 requests/s while 200 sockets watch the rollout (each tick fans out to
// all of them), against the same rate on the baseline route (same HTTP, auth and emit, no database).
// Latencies are autocannon's (request sent → response), in ms.

export type LoadResult = { label: string; rate: number; seconds: number; requests: number; errors: number; non2xx: number; p50: number; p95: number; p99: number; max: number };

function run(server: BenchServer, opts: { label: string; path: string; method: "PATCH" | "POST"; body: (n: number) => string; rate: number; seconds: number }) {
  let n = 0;
  return new Promise<LoadResult>((resolve, reject) => {
    autocannon(
      {
        url: server.url,
        connections: 20,
        overallRate: opts.rate,
        duration: opts.seconds,
        requests: [
          {
            method: opts.method,
            path: opts.path,
            headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
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

export async function measureHttpLoad(server: BenchServer, opts: { rate: number; seconds: number; sockets: number }): Promise<LoadResult[]> {
  const clients = await connectClients(server, opts.sockets);
  try {
    const itemIds = server.itemIds;
    const app = await run(server, {
      label: "PATCH /api/v1/items/:id (tick)",
      path: `/api/v1/items/${itemIds[0]}`,
      method: "PATCH",
      body: (n) => JSON.stringify({ note: `load ${n}` }),
      rate: opts.rate,
      seconds: opts.seconds,
    });
    const envelope = { rolloutId: server.rolloutId, seq: 0, type: "bench.baseline", at: new Date().toISOString(), actor: { id: null, name: "Bench" }, data: { note: "load" } };
    const baseline = await run(server, {
      label: "POST /api/v1/bench/emit (baseline)",
      path: "/api/v1/bench/emit",
      method: "POST",
      body: (n) => JSON.stringify({ envelope: { ...envelope, data: { n } } }),
      rate: opts.rate,
      seconds: opts.seconds,
    });
    return [app, baseline];
  } finally {
    for (const client of clients) client.disconnect();
  }
}
