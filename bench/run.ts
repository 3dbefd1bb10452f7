import os from "node:os";
import { measureColdStart, type ColdStartResult } from "./cold-start";
import { measureInProcessTicks, type InProcessResult } from "./in-process";
import { measureHttpLoad, measureSerialTicks, type LoadResult, type SerialResult } from "./http-load";
import { measureMetricFanout, type MetricFanoutResult } from "./metric-fanout";
import { measureRunbookParse, type RunbookParseResult } from "./runbook-parse";
import { startBenchServer, type BenchServer } from "./server";
import { ms } from "./stats";
import { measureTickFanout, type FanoutResult } from "./tick-fanout";

// npm run bench [-- --json] [--only serial,fanout,metrics,http,coldstart,parse] [--clients 50,200,1000] [--ticks 100]
//   [--rates 100,200,300] [--seconds 20] [--port BASE] [--cpu-prof DIR]
// Prints figures side by side with their baselines; asserts nothing. Everything runs on 127.0.0.1 and
// stops by itself. --port BASE puts the app on BASE, the floor on BASE+1, the scraped page on BASE+2.

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const json = process.argv.includes("--json");
const only = new Set((arg("only") ?? "serial,fanout,metrics,http,coldstart,parse").split(","));
const rates = (arg("rates") ?? "100,200,300").split(",").map(Number);
const seconds = Number(arg("seconds") ?? 20);
const basePort = arg("port") ? Number(arg("port")) : undefined;
const clientCounts = (arg("clients") ?? "50,200,1000").split(",").map(Number);
const ticks = Number(arg("ticks") ?? 100);
const cpuProfileDir = arg("cpu-prof");
const log = (line: string) => (json ? process.stderr.write(line + "\n") : console.log(line));

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(", ");
log(`War Room benchmark on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${loadAverage()}`);

/** The server's own event-loop lag p99 (seconds → ms), from its /metrics. */
async function eventLoopLagP99(server: BenchServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("warroom_process_nodejs_eventloop_lag_p99_seconds"));
  return Number(line?.split(" ").at(-1)) * 1000;
}


// Each table is printed as soon as its figures are in (a later failure loses nothing).
const printed = new Set<string>();
function print() {
  if (json) return;
  if (results.serial && !printed.has("serial")) {
    printed.add("serial");
    console.log("\nOne request at a time, on a live rollout (ms)");
    console.log("request | n | p50 | p95 | p99 | max | server p50 | server p95 | server p99 (Server-Timing)");
    for (const r of results.serial) {
      console.log([r.label, r.latency.n, ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99), ms(r.latency.max), ms(r.server?.p50 ?? NaN), ms(r.server?.p95 ?? NaN), ms(r.server?.p99 ?? NaN)].join(" | "));
    }
  }
  if (results.inProcess && !printed.has("inProcess")) {
    printed.add("inProcess");
    console.log("\nOne tick at a time inside the bench process, no HTTP (ms)");
    console.log("path | n | p50 | p95 | p99 | max");
    for (const r of results.inProcess) console.log([r.label, r.latency.n, ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99), ms(r.latency.max)].join(" | "));
  }
  if (results.tickFanout && !printed.has("tickFanout")) {
    printed.add("tickFanout");
    console.log("\nTick sent → received by the last client (ms): app (HTTP PATCH → DB transaction → emit) vs baseline (HTTP → emit, no DB)");
    console.log("clients | app p50 | app p99 | app max | base p50 | base p99 | base max | p99 diff | p99 ratio | lost");
    for (const r of results.tickFanout) {
      console.log(
        [r.clients, ms(r.app.p50), ms(r.app.p99), ms(r.app.max), ms(r.baseline.p50), ms(r.baseline.p99), ms(r.baseline.max), ms(r.app.p99 - r.baseline.p99), (r.app.p99 / r.baseline.p99).toFixed(2), r.lost]
          .map(String)
          .join(" | "),
      );
    }
  }
  if (results.metricFanout && !printed.has("metricFanout")) {
    printed.add("metricFanout");
    console.log("\nMetric fan-out: 10 tiles at 1 Hz to 1000 clients (live messages, volatile)");
    console.log("path | pushes | expected | delivered | delivered % | server event-loop lag p99 (ms)");
    for (const r of results.metricFanout) console.log([r.label, r.pushes, r.expected, r.delivered, (r.ratio * 100).toFixed(2), ms(r.eventLoopLagP99Ms)].join(" | "));
  }
  if (results.httpLoad && !printed.has("httpLoad")) {
    printed.add("httpLoad");
    console.log("\nHTTP ticks at a steady rate on one rollout, 200 sockets watching each server (ms)");
    console.log("Rows run one after another; latency from each request's due time (open loop); answered = 2xx before the row ended");
    console.log(
      "rate | route | answered | offered | non-2xx | errors | timeouts | p50 | p95 | p99 | max | p99 ÷ floor p99 | server p50 | server p99 | generator lag p99 / CPU % | watchers lag p99 / CPU % | watcher messages / events / expected",
    );
    const runs = results.httpLoad.runs;
    for (const r of runs) {
      const floor = runs.find((f) => f.rate === r.rate && f.label.startsWith("floor"));
      const ratio = floor && r !== floor ? (r.p99 / floor.p99).toFixed(2) : "";
      console.log(
        [
          r.rate, r.label, r.answered, r.offered, r.non2xx, r.errors, r.timeouts, ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), ratio,
          ms(r.server?.p50 ?? NaN), ms(r.server?.p99 ?? NaN),
          `${ms(r.generator.eventLoopLagP99Ms)} / ${r.generator.cpuPercent.toFixed(0)}`,
          `${ms(r.watchers.eventLoopLagP99Ms)} / ${r.watchers.cpuPercent.toFixed(0)}`,
          `${r.watchers.messages} / ${r.watchers.events} / ${r.expectedEvents}`,
        ].join(" | "),
      );
    }
    console.log(`server event-loop lag p99: ${ms(results.httpLoad.eventLoopLagP99Ms)} ms`);
  }
  if (results.coldStart && !printed.has("coldStart")) {
    printed.add("coldStart");
    const c = results.coldStart;
    console.log("\nCold start to first 200 from /api/health (ms)");
    console.log(`npm start, new embedded Postgres: ${ms(c.firstStartMs)} | npm start, existing data: ${ms(c.warmStartMs)} | baseline bare Node HTTP: ${ms(c.bareNodeMs)}`);
  }
  if (results.runbookParse && !printed.has("runbookParse")) {
    printed.add("runbookParse");
    const r = results.runbookParse;
    console.log("\nRunbook import parse (ms): whole read (plan + draft) vs baseline remark parse alone");
    console.log(`${(r.bytes / 1024).toFixed(0)} KB, ${r.elements} elements | parse p50: ${ms(r.parseMedianMs)} | parse max: ${ms(r.parseMaxMs)} | parse CPU p50: ${ms(r.parseCpuMedianMs)} | remark p50: ${ms(r.remarkMedianMs)}`);
  }
}

const results: {
  serial?: SerialResult[];
  inProcess?: InProcessResult[];
  metricFanout?: MetricFanoutResult[];
  tickFanout?: FanoutResult[];
  httpLoad?: { runs: LoadResult[]; eventLoopLagP99Ms: number };
  coldStart?: ColdStartResult;
  runbookParse?: RunbookParseResult;
} = {};
if (only.has("serial") || only.has("fanout") || only.has("http") || only.has("metrics")) {
  const server = await startBenchServer({ items: 50, env: { WARROOM_BENCH: "1" }, cpuProfileDir, basePort });
  try {
    if (only.has("serial")) {
      log("one tick at a time: 200 ticks, /api/health and the floor's tick …");
      results.serial = await measureSerialTicks(server, 200);
      log("one tick at a time in this process: 200 each of the statement, the general path, raw pg …");
      results.inProcess = await measureInProcessTicks(server, 200);
      print();
    }
    if (only.has("fanout")) {
      results.tickFanout = [];
      for (const clients of clientCounts) {
        log(`tick fan-out: ${clients} clients, ${ticks} ticks (+5 warm-up) …`);
        results.tickFanout.push(await measureTickFanout(server, clients, ticks));
      }
      print();
    }
    if (only.has("metrics")) {
      log(`metric fan-out: 1000 clients, 10 tiles pushed at 1 Hz for ${seconds} s …`);
      results.metricFanout = await measureMetricFanout(server, { clients: 1000, seconds });
      print();
    }
    if (only.has("http")) {
      log(`HTTP load: ${rates.join(", ")} req/s for ${seconds} s each, app and floor, 200 sockets on each …`);
      await eventLoopLagP99(server); // a scrape resets the server's lag histogram
      const runs = await measureHttpLoad(server, { rates, seconds, sockets: 200 });
      results.httpLoad = { runs, eventLoopLagP99Ms: await eventLoopLagP99(server) };
      print();
    }
  } finally {
    await server.stop();
  }
}
if (only.has("coldstart")) {
  log("cold start of npm start (built) …");
  // A failed cold start must not lose the figures above.
  results.coldStart = await measureColdStart().catch((error: Error) => (log(`cold start failed: ${error.message}`), undefined));
  print();
}
if (only.has("parse")) {
  log("runbook import parse: 100 KB of Markdown, 7 runs …");
  results.runbookParse = measureRunbookParse();
  print();
}

log(`load average at the end: ${loadAverage()}`);
if (json) console.log(JSON.stringify({ machine, ...results }, null, 2));
process.exit(0);
