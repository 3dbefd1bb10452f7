import os from "node:os";
import { startBenchServer } from "./server";
import { ms } from "./stats";
import { measureTickFanout, type FanoutResult } from "./tick-fanout";

// npm run bench [-- --json] [--clients 50,200,1000] [--ticks 100]
// Prints figures; asserts nothing. Everything runs on 127.0.0.1 and stops by itself.

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const json = process.argv.includes("--json");
const clientCounts = (arg("clients") ?? "50,200,1000").split(",").map(Number);
const ticks = Number(arg("ticks") ?? 100);
const log = (line: string) => (json ? process.stderr.write(line + "\n") : console.log(line));

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
log(`War Room benchmark on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

const server = await startBenchServer({ items: 50, env: { WARROOM_BENCH: "1" } });
const results: FanoutResult[] = [];
try {
  for (const clients of clientCounts) {
    log(`tick fan-out: ${clients} clients, ${ticks} ticks (+5 warm-up) …`);
    results.push(await measureTickFanout(server, clients, ticks));
  }
} finally {
  await server.stop();
}

if (json) {
  console.log(JSON.stringify({ machine, tickFanout: results }, null, 2));
} else {
  console.log("\nTick sent → received by the last client (ms): app (HTTP PATCH → DB transaction → emit) vs baseline (HTTP → emit, no DB)");
  console.log("clients | app p50 | app p99 | app max | base p50 | base p99 | base max | p99 diff | p99 ratio | lost");
  for (const r of results) {
    console.log(
      [r.clients, ms(r.app.p50), ms(r.app.p99), ms(r.app.max), ms(r.baseline.p50), ms(r.baseline.p99), ms(r.baseline.max), ms(r.app.p99 - r.baseline.p99), (r.app.p99 / r.baseline.p99).toFixed(2), r.lost]
        .map(String)
        .join(" | "),
    );
  }
}
process.exit(0);
