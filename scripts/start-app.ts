import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { readEnv } from "@/lib/config";
import { disconnectDb } from "@/lib/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrator";
import { seedDemoIfEmpty, DEMO_USERS } from "@/lib/demo/seed";
import { createSetupLinkIfNoUsers } from "@/lib/domain/invitations";
import { demoTargetInfo, startDemoTargetIfDemo, type RunningDemoTarget } from "@/lib/demo/target";
import { buildIfNeeded } from "./build-if-needed";

// Started by scripts/start.ts. `npm start` (and `npm run dev` with --dev): database (DATABASE_URL, else embedded Postgres under .data/),
// migrations, demo data on an empty database, a production build if needed, then the server.

const log = (line: string) => console.log(`[warroom] ${line}`);

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

async function main() {
  const dev = process.argv.includes("--dev");
  const env = readEnv();
  const dataDir = path.resolve(env.WARROOM_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  // Sessions survive restarts: the signing secret is kept beside the data unless given.
  process.env.NEXTAUTH_SECRET ??= await readOrCreateSecret(path.join(dataDir, "auth-secret"));
  const publicHost = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
  process.env.NEXTAUTH_URL ??= `http://${publicHost}:${env.PORT}`;
  if (!dev) (process.env as Record<string, string>).NODE_ENV = "production";

  const build = dev ? Promise.resolve() : buildIfNeeded(log);
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: env.WARROOM_PG_PORT, log });
    process.env.DATABASE_URL = embedded.url;
    log(`embedded Postgres on 127.0.0.1:${embedded.port} (data in ${path.join(dataDir, "postgres")})`);
  }
  let demoTarget: RunningDemoTarget | null = null;
  const stopDatabase = async () => {
    await demoTarget?.stop().catch(() => undefined);
    await disconnectDb().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
  };
  try {
    const migrated = await migrateDatabase(process.env.DATABASE_URL!);
    if (migrated.applied.length) log(`applied migrations: ${migrated.applied.join(", ")}`);
    demoTarget = await startDemoTargetIfDemo({ env, dataDir, log });
    const seed = env.WARROOM_DEMO === "auto" ? await seedDemoIfEmpty({ password: env.WARROOM_DEMO_PASSWORD, demoTarget: demoTargetInfo(demoTarget, env) }) : null;
    // No user and no demo: a one-time link (1 hour) that creates the first admin, printed below.
    const setup = seed ? null : await createSetupLinkIfNoUsers();
    await build;
    const { startServer } = await import("../server");
    const server = await startServer({ port: env.PORT, host: env.HOST, dev });

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: shutting down`);
      await server.close().catch(() => undefined);
      await stopDatabase();
      process.exit(0);
    };
    process.on("SIGINT", () => void shutdown("SIGINT"));
    process.on("SIGTERM", () => void shutdown("SIGTERM"));

    log(`War Room is ready on ${process.env.NEXTAUTH_URL}`);
    if (seed) {
      log("demo mode: the database was empty, so demo users and a demo rollout were created");
      for (const user of DEMO_USERS) log(`  ${user.role.padEnd(9)} ${user.email}`);
      log(`  password: ${seed.password}${seed.generatedPassword ? "   (random, shown only now: set WARROOM_DEMO_PASSWORD to choose it)" : ""}`);
      log(`  war room:         ${process.env.NEXTAUTH_URL}/rollouts/${seed.rolloutId}`);
      log(`  stakeholder link: ${process.env.NEXTAUTH_URL}/status/${seed.shareToken}`);
    }
    if (setup) {
      log("first run: no user exists yet. Open this link to create the first admin (works once, for one hour;");
      log("restart to get a new one):");
      log(`  setup: ${new URL(setup.path, process.env.NEXTAUTH_URL).toString()}`);
    }
    if (demoTarget) {
      log(`demo target (the system being rolled out): ${demoTarget.url}  (bearer token in ${path.join(dataDir, "demo-target.json")})`);
      log(`  make the canary go bad: curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"percentage":50}' ${demoTarget.url}/api/admin/feature-flags`);
    }
  } catch (error) {
    await stopDatabase();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error("[warroom] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
