import { spawn } from "node:child_process";
import { chmod, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SYSTEM_ACTOR } from "../lib/auth/principal";
import { disconnectDb } from "../lib/db/client";
import { findFreePort, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrator";
import { createRolloutFromDraft, getRolloutState } from "../lib/domain/rollouts";
import { createTileAs } from "../lib/domain/tiles";
import { createApiToken } from "../lib/domain/tokens";
import { createUser } from "../lib/domain/users";
import { createMigratedDatabase } from "../test/database";

// The system under test for benchmarks: a real `npm start` process (production build) on a fresh database,
// with one admin, one API token and one rollout of `items` checklist items.

export type BenchServer = { url: string; token: string; rolloutId: string; itemIds: string[]; tileKeys: string[]; stop: () => Promise<void> };

export async function startBenchServer(opts: { items: number; pushTiles?: number; env?: Record<string, string>; cpuProfileDir?: string }): Promise<BenchServer> {
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
  const rollout = await createRolloutFromDraft(
    {
      name: "Benchmark rollout",
      service: "bench",
      sections: [{ title: "Checklist", items: Array.from({ length: opts.items }, (_, n) => ({ text: `Item ${n + 1}` })) }],
    },
    SYSTEM_ACTOR,
  );
  const itemIds = (await getRolloutState(rollout.id)).items.map((i) => i.id);
  const tileKeys = Array.from({ length: opts.pushTiles ?? 10 }, (_, n) => `metric_${n + 1}`);
  for (const key of tileKeys) await createTileAs(SYSTEM_ACTOR, rollout.id, { key, label: key, sourceKind: "PUSH", pollIntervalSeconds: 1 });
  await disconnectDb();

  const port = await findFreePort();
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
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => output.includes("War Room is ready") && (clearInterval(timer), resolve()), 50);
    child.once("exit", (code) => (clearInterval(timer), reject(new Error(`server exited (${code}):\n${output}`))));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    rolloutId: rollout.id,
    itemIds,
    tileKeys,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      await stopDatabase();
    },
  };
}
