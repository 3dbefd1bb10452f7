import { performance } from "node:perf_hooks";
import pg from "pg";
import { actorOf } from "../lib/auth/principal";
import { disconnectDb } from "../lib/db/client";
import { updateItem } from "../lib/domain/checklists";
import { changeRollout } from "../lib/domain/events";
import { itemSelect } from "../lib/domain/selects";
import { jsonify } from "../lib/domain/json";
import type { BenchServer } from "./server";
import { summarise, type Summary } from "./stats";

// A tick inside one process, no HTTP: what the database work itself costs. Three ways, alternating so each sees
// the same machine: updateItem (one statement), the same change through changeRollout's general path (Prisma's
// interactive transaction: lock, read the item, update it, append the event; what updateItem did before), and a
// raw `pg` transaction doing the same work (the floor).

export type InProcessResult = { label: string; latency: Summary };

export async function measureInProcessTicks(server: BenchServer, count = 200): Promise<InProcessResult[]> {
  process.env.DATABASE_URL = server.databaseUrl;
  const pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
  const principal = server.admin;
  const itemId = server.itemIds[2]!;
  const times = { statement: [] as number[], general: [] as number[], raw: [] as number[] };
  const time = async (into: number[], n: number, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    if (n >= 10) into.push(performance.now() - started);
  };
  try {
    for (let n = 0; n < count + 10; n++) {
      await time(times.statement, n, () => updateItem(principal, itemId, { note: `statement ${n}` }));
      await time(times.general, n, () =>
        changeRollout({ via: "ChecklistItem", id: itemId }, actorOf(principal), async (tx, record) => {
          const current = await tx.checklistItem.findUniqueOrThrow({ where: { id: itemId }, select: itemSelect });
          const item = await tx.checklistItem.update({ where: { id: itemId }, data: { note: `general ${n}`, version: { increment: 1 } }, select: itemSelect });
          await record("item.updated", { item: jsonify(item), previousState: current.state });
        }),
      );
      await time(times.raw, n, async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query(`SELECT id FROM "Rollout" WHERE id = $1 FOR UPDATE`, [server.rolloutId]);
          const { rows } = await client.query(`UPDATE "ChecklistItem" SET note = $2, version = version + 1 WHERE id = $1 RETURNING *`, [itemId, `raw ${n}`]);
          await client.query(
            `WITH bumped AS (UPDATE "Rollout" SET "lastSeq" = "lastSeq" + 1 WHERE id = $1 RETURNING "lastSeq")
             INSERT INTO "RolloutEvent" ("rolloutId", seq, type, "actorName", data, at)
             SELECT $1, "lastSeq", 'item.updated', 'floor', $2::jsonb, now() AT TIME ZONE 'UTC' FROM bumped`,
            [server.rolloutId, JSON.stringify({ item: rows[0] })],
          );
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      });
    }
  } finally {
    await pool.end();
    await disconnectDb();
  }
  return [
    { label: "updateItem: one statement", latency: summarise(times.statement) },
    { label: "general path: Prisma interactive transaction", latency: summarise(times.general) },
    { label: "floor: raw pg transaction", latency: summarise(times.raw) },
  ];
}
