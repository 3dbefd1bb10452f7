import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMigratedDatabase } from "../test/database";
import { e2eDatabaseUrlFile } from "./fixtures/database-url";

// The server Playwright tests run against: the real `npm start` path (build if needed, migrate, demo seed,
// server), on a database of its own so tests never see a developer's data. With DATABASE_URL a fresh
// database is created on that server; without it, a fresh embedded Postgres in a temporary folder.

if (process.env.DATABASE_URL) {
  const database = await createMigratedDatabase(process.env.DATABASE_URL, "wr_e2e");
  process.env.DATABASE_URL = database.url;
} else {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-e2e-"));
  await chmod(dataDir, 0o755); // Postgres runs as the postgres user and must get through
  process.env.WARROOM_DATA_DIR = dataDir;
}
const databaseUrlFile = e2eDatabaseUrlFile(Number(process.env.PORT));
await rm(databaseUrlFile, { force: true });
await import("../scripts/start");

// Specs that must set up what no API offers yet (e2e/metrics: a phase made ACTIVE before phase control exists) read
// the server's database URL from this file. start.ts sets DATABASE_URL once the database is up.
const waitForDatabase = setInterval(() => {
  if (!process.env.DATABASE_URL) return;
  clearInterval(waitForDatabase);
  void writeFile(databaseUrlFile, process.env.DATABASE_URL, { mode: 0o600 });
}, 100);
