import pg from "pg";

// Only one process runs the background workers when several app processes share a database: the one holding a
// session-level Postgres advisory lock on a dedicated connection. Others retry every `retryMs`. The leader checks
// its connection on the same beat; if the connection dies, Postgres has released the lock, so the leader stops its
// workers at once and goes back to trying. stop() stops the workers, then releases the lock.

/** "WARROOM" workers: an arbitrary constant; one lock per database. */
export const WORKERS_LOCK_KEY = 5_741_524_111_001n;

export type Leadership = { isLeader: () => boolean; stop: () => Promise<void> };
type Workers = { stop: () => Promise<void> };

export function runWhileLeader(opts: {
  databaseUrl: string;
  retryMs: number;
  /** Starts the workers; called each time this process becomes the leader. */
  onLead: () => Workers;
  lockKey?: bigint;
  log?: (line: string) => void;
}): Leadership {
  const key = String(opts.lockKey ?? WORKERS_LOCK_KEY);
  const log = opts.log ?? ((line: string) => console.log(`[warroom] ${line}`));
  let stopped = false;
  let client: pg.Client | null = null;
  let workers: Workers | null = null;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<void> = Promise.resolve();

  const schedule = () => {
    if (!stopped && !timer) timer = setTimeout(() => {
      timer = undefined;
      busy = tick();
    }, opts.retryMs);
  };

  const stopWorkers = async () => {
    const running = workers;
    workers = null;
    await running?.stop();
  };

  const lose = (lost: pg.Client, why: string) => {
    if (client !== lost) return;
    client = null;
    if (workers) log(`background workers stopped: ${why}`);
    void stopWorkers();
    lost.end().catch(() => undefined);
    schedule();
  };

  const tick = async () => {
    if (stopped) return;
    try {
      if (!client) {
        const fresh = new pg.Client({
          connectionString: opts.databaseUrl,
          application_name: "warroom-workers-lock",
          keepAlive: true,
          // A database that does not answer must not hang the retries (or stop()).
          connectionTimeoutMillis: 10_000,
          query_timeout: 10_000,
        });
        fresh.on("error", (error) => lose(fresh, `lock connection failed (${error.message})`));
        fresh.on("end", () => lose(fresh, "lock connection closed"));
        await fresh.connect();
        client = fresh;
      }
      if (workers) {
        // Leader: make sure the connection (and so the lock) is still there.
        await client.query("SELECT 1");
      } else {
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [key]);
        if (rows[0]?.locked && !stopped) {
          workers = opts.onLead();
          log("background workers started (this process holds the workers lock)");
        }
      }
    } catch (error) {
      const broken = client;
      if (broken) lose(broken, `lock connection failed (${error instanceof Error ? error.message : String(error)})`);
    }
    schedule();
  };

  busy = tick();

  return {
    isLeader: () => workers !== null,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await busy;
      await stopWorkers();
      const held = client;
      client = null;
      if (held) {
        await held.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
        await held.end().catch(() => undefined);
      }
    },
  };
}
