import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";

// Several app processes behind one address share fan-out through socket.io's Postgres adapter
// (LISTEN/NOTIFY on the database we already have; large payloads go through socket_io_attachments).
// An emit reaches local clients at once and the other processes through one NOTIFY.

export function createPostgresAdapter(connectionString: string) {
  const pool = new pg.Pool({ connectionString, max: 4 });
  // A dropped connection (database restart) must not crash the process; the adapter reconnects its listener.
  pool.on("error", (error) => console.error("[warroom] socket.io adapter pool:", error.message));
  const adapter = createAdapter(pool, {
    channelPrefix: "warroom_io",
    tableName: "socket_io_attachments",
    heartbeatInterval: 5_000,
    heartbeatTimeout: 15_000,
    errorHandler: (error) => console.error("[warroom] socket.io adapter:", error.message),
  });
  return { adapter, close: () => pool.end() };
}
