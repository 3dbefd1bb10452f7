import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { SYSTEM_ACTOR, type UserPrincipal } from "../lib/auth/principal";
import { disconnectDb } from "../lib/db/client";
import { findFreePort, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrator";
import { startRollout } from "../lib/domain/phases";
import { createRolloutFromDraft, getRolloutState } from "../lib/domain/rollouts";
import { createTileAs } from "../lib/domain/tiles";
import { createApiToken } from "../lib/domain/tokens";
import { createUser } from "../lib/domain/users";
import { createMigratedDatabase } from "../test/database";

// The system under test for benchmarks: a real `npm start` process (production build) on a fresh database, with
// one admin, one API token and one live rollout: `items` checklist items, 10 PUSH tiles, and 5 SCRAPE tiles read
// every second from a /metrics page this process serves, a rollback trigger on each, the rollout started and the
// evaluator running every second. So every figure is taken with the pollers and the evaluator at work. Beside it,
// the hand-written floor (bench/floor-server.ts) on the same database. Ports: `basePort` (app), +1 (floor),
// +2 (the scraped page), or free ones.

export type BenchServer = {
  url: string;
  floorUrl: string;
  databaseUrl: string;
  token: string;
  /** The admin behind `token`. */
  admin: UserPrincipal;
  rolloutId: string;
  itemIds: string[];
  tileKeys: string[];
  stop: () => Promise<void>;
};

const SCRAPE_TILES = 5;

/** The SCRAPE tiles' /metrics page: counters that grow, so every scrape yields a rate. */
function startScrapeTarget(port: number) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 100;
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(Array.from({ length: SCRAPE_TILES }, (_, n) => `bench_requests_total{tile="${n}"} ${requests * (n + 1)}\n`).join(""));
  });
  return new Promise<{ url: string; close: () => void }>((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}/metrics`, close: () => server.close() });
    }),
  );
}

function waitForLine(child: ChildProcess, line: string, name: string): Promise<void> {
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => output.includes(line) && (clearInterval(timer), resolve()), 50);
    child.once("exit", (code) => (clearInterval(timer), reject(new Error(`${name} exited (${code}):\n${output}`))));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function startBenchServer(opts: {
  items: number;
  pushTiles?: number;
  env?: Record<string, string>;
  cpuProfileDir?: string;
  basePort?: number;
}): Promise<BenchServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-bench-"));
  await chmod(dataDir, 0o755);
  let stopDatabase = async () => {};
  let databaseUrl: string;
  if (process.env.DATABASE_URL) {
    const db = await createMigratedDatabase(process.env.DATABASE_URL, "wr_bench");
    databaseUrl = db.url;
    stopDatabase = db.drop;
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres") });
    databaseUrl = pg.url;
    stopDatabase = pg.stop;
  }
  process.env.DATABASE_URL = databaseUrl;
  await migrateDatabase(databaseUrl);
  const admin = await createUser({ email: "bench@warroom.local", name: "Bench", role: "ADMIN", password: "bench-password" });
  const { token } = await createApiToken(admin.id, "bench");
  const scrapeKeys = Array.from({ length: SCRAPE_TILES }, (_, n) => `scraped_${n + 1}`);
  const rollout = await createRolloutFromDraft(
    {
      name: "Benchmark rollout",
      service: "bench",
      sections: [{ title: "Checklist", items: Array.from({ length: opts.items }, (_, n) => ({ text: `Item ${n + 1}` })) }],
      phases: [
        {
          name: "Canary",
          trafficPercent: 10,
          minDurationMinutes: 60,
          criteria: scrapeKeys.map((metricKey) => ({
            kind: "ROLLBACK_TRIGGER" as const,
            metricKey,
            comparator: "GT" as const,
            threshold: 1e12,
            unit: "req/s",
            pendingSeconds: 60,
            description: `${metricKey} runaway`,
          })),
        },
      ],
    },
    SYSTEM_ACTOR,
  );
  const itemIds = (await getRolloutState(rollout.id)).items.map((i) => i.id);
  const tileKeys = Array.from({ length: opts.pushTiles ?? 10 }, (_, n) => `metric_${n + 1}`);
  for (const key of tileKeys) await createTileAs(SYSTEM_ACTOR, rollout.id, { key, label: key, sourceKind: "PUSH", pollIntervalSeconds: 1 });
  const scrape = await startScrapeTarget(opts.basePort ? opts.basePort + 2 : 0);
  for (const [n, key] of scrapeKeys.entries()) {
    await createTileAs(SYSTEM_ACTOR, rollout.id, {
      key,
      label: key,
      sourceKind: "SCRAPE",
      sourceUrl: scrape.url,
      query: { kind: "rate", selector: `bench_requests_total{tile="${n}"}` },
      pollIntervalSeconds: 1,
    });
  }
  const adminPrincipal: UserPrincipal = { kind: "user", userId: admin.id, name: admin.name, email: admin.email, role: admin.role, via: "session" };
  await startRollout(adminPrincipal, rollout.id, {});
  await disconnectDb();

  const floorPort = opts.basePort ? opts.basePort + 1 : await findFreePort();
  const floor = spawn(process.execPath, ["--import", "tsx", "bench/floor-server.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, FLOOR_PORT: String(floorPort), FLOOR_ROLLOUT_ID: rollout.id },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitForLine(floor, "floor ready", "floor server");

  const port = opts.basePort ?? (await findFreePort());
  // --cpu-prof writes the server's V8 profile into the folder when it exits (bench/profile-summary.ts reads it).
  const profile = opts.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      WARROOM_DATA_DIR: dataDir,
      WARROOM_DEMO: "off",
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      WARROOM_EVAL_INTERVAL_MS: "1000",
      WARROOM_POLL_TICK_MS: "1000",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitForLine(child, "War Room is ready", "server");
  return {
    url: `http://127.0.0.1:${port}`,
    floorUrl: `http://127.0.0.1:${floorPort}`,
    databaseUrl,
    token,
    admin: adminPrincipal,
    rolloutId: rollout.id,
    itemIds,
    tileKeys,
    stop: async () => {
      await Promise.all([stopChild(child), stopChild(floor)]);
      scrape.close();
      await stopDatabase();
    },
  };
}
