import { connectClients } from "./tick-fanout";
import type { BenchServer } from "./server";

// Metric fan-out: N clients watch a rollout whose 10 PUSH tiles get a sample each per second (one
// POST /api/v1/metrics a second: stored, then streamed on the live channel, volatile). Counts live messages
// delivered against expected (clients × pushes) and reads the server's event-loop lag p99; the baseline is
// the same message at the same rate through POST /api/v1/bench/emit (no storing).

export type MetricFanoutResult = { label: string; clients: number; seconds: number; pushes: number; expected: number; delivered: number; ratio: number; eventLoopLagP99Ms: number };

async function eventLoopLagP99(server: BenchServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("warroom_process_nodejs_eventloop_lag_p99_seconds"));
  return Number(line?.split(" ").at(-1)) * 1000;
}

export async function measureMetricFanout(server: BenchServer, opts: { clients: number; seconds: number }): Promise<MetricFanoutResult[]> {
  const clients = await connectClients(server, opts.clients);
  let delivered = 0;
  // Only the pushed tiles' messages: the SCRAPE tiles' poller streams on the same channel.
  const pushed = new Set(server.tileKeys);
  const isPushed = (payload: unknown) => (payload as { updates?: { key: string }[] }).updates?.some((u) => pushed.has(u.key)) ?? false;
  for (const client of clients) client.on("live", (message) => message.channel === "metrics" && isPushed(message.payload) && delivered++);
  const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };

  const run = async (label: string, push: (second: number) => Promise<Response>): Promise<MetricFanoutResult> => {
    delivered = 0;
    await eventLoopLagP99(server); // a scrape resets the server's lag histogram
    let pushes = 0;
    const started = Date.now();
    for (let second = 0; second < opts.seconds; second++) {
      const response = await push(second);
      if (!response.ok) throw new Error(`${label}: HTTP ${response.status} ${await response.text()}`);
      pushes++;
      const next = started + (second + 1) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    await new Promise((r) => setTimeout(r, 1000)); // let the last messages land
    const expected = pushes * clients.length;
    return { label, clients: clients.length, seconds: opts.seconds, pushes, expected, delivered, ratio: delivered / expected, eventLoopLagP99Ms: await eventLoopLagP99(server) };
  };

  try {
    const app = await run("POST /api/v1/metrics (store + stream)", (second) =>
      fetch(`${server.url}/api/v1/metrics`, {
        method: "POST",
        headers,
        body: JSON.stringify({ rolloutId: server.rolloutId, samples: server.tileKeys.map((key, n) => ({ key, value: second + n / 10 })) }),
      }),
    );
    const payload = { updates: server.tileKeys.map((key) => ({ key, value: 1 })) };
    const baseline = await run("bench emit (stream only)", () =>
      fetch(`${server.url}/api/v1/bench/emit`, { method: "POST", headers, body: JSON.stringify({ live: { rolloutId: server.rolloutId, channel: "metrics", payload } }) }),
    );
    return [app, baseline];
  } finally {
    for (const client of clients) client.disconnect();
  }
}
