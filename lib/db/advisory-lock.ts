import pg from "pg";

/** Runs `fn` while holding a Postgres session advisory lock, on a connection of its own. */
export async function withAdvisoryLock<T>(key: number, fn: () => Promise<T>, connectionString = process.env.DATABASE_URL): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [key]);
    return await fn();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [key]).catch(() => undefined);
    await client.end();
  }
}
