import { createServer } from "node:http";
import pg from "pg";
import { Server } from "socket.io";

// The hand-written floor the tick is measured against: a bare Node HTTP server doing a tick's work with raw `pg`
// (BEGIN; lock the rollout; update the item; append the event; COMMIT), then a socket.io broadcast of the same
// envelope to the rollout's room. No auth, no validation, no framework: what a tick cannot cost less than.
// Started by bench/run.ts as its own process: FLOOR_PORT, DATABASE_URL, FLOOR_ROLLOUT_ID (the bench's rollout,
// so the floor needs no lookup to find the row to lock).

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const room = (rolloutId: string) => `rollout:${rolloutId}`;
const rolloutOfBench = process.env.FLOOR_ROLLOUT_ID!;

async function tick(rolloutId: string, itemId: string, note: string) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT id FROM "Rollout" WHERE id = $1 FOR UPDATE`, [rolloutId]);
    const { rows } = await client.query(
      `UPDATE "ChecklistItem" SET note = $2, version = version + 1, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1 RETURNING *`,
      [itemId, note],
    );
    const item = rows[0] as Record<string, unknown>;
    const { rows: events } = await client.query<{ seq: number; at: Date }>(
      `WITH bumped AS (UPDATE "Rollout" SET "lastSeq" = "lastSeq" + 1 WHERE id = $1 RETURNING "lastSeq")
       INSERT INTO "RolloutEvent" ("rolloutId", seq, type, "actorName", data, at)
       SELECT $1, "lastSeq", 'item.updated', 'floor', $2::jsonb, now() AT TIME ZONE 'UTC' FROM bumped RETURNING seq, at`,
      [rolloutId, JSON.stringify({ item })],
    );
    await client.query("COMMIT");
    const event = events[0]!;
    return { rolloutId, item, envelope: { rolloutId, seq: event.seq, type: "item.updated", at: event.at.toISOString(), actor: { id: null, name: "floor" }, data: { item } } };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const httpServer = createServer((req, res) => {
  const match = /^\/items\/([^/?]+)$/.exec(req.url ?? "");
  if (req.method === "GET" && req.url === "/health") return void res.end('{"status":"ok"}');
  if (req.method !== "PATCH" || !match) return void res.writeHead(404).end();
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    tick(rolloutOfBench, decodeURIComponent(match[1]!), String((JSON.parse(body) as { note?: string }).note ?? ""))
      .then(({ rolloutId, item, envelope }) => {
        io.to(room(rolloutId)).emit("event", envelope);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ item }));
      })
      .catch((error: Error) => res.writeHead(500).end(error.message));
  });
});
const io = new Server(httpServer);
io.on("connection", (socket) => {
  socket.on("join", (request: { rolloutId: string }, ack: (response: unknown) => void) => {
    void socket.join(room(request.rolloutId));
    ack({ ok: true, lastSeq: 0, events: [], truncated: false });
  });
});
httpServer.listen(Number(process.env.FLOOR_PORT), "127.0.0.1", () => console.log("floor ready"));
process.on("SIGTERM", () => {
  io.close();
  void pool.end().then(() => process.exit(0));
});
