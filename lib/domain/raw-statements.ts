import type { Prisma } from "@/lib/db/generated/client";
import { noteReadingsSql } from "./evaluation";
import { itemTickSql } from "./item-tick-sql";
import { recordReadingsSql } from "./record-readings-sql";

// Every statement of the hot paths that is written in SQL rather than through Prisma's model, with sample
// parameters: lib/db/schema-drift.db.test.ts plans each one against the migrated database.

export const RAW_STATEMENTS: { name: string; sample: () => Prisma.Sql }[] = [
  {
    name: "item tick (item-tick-sql.ts)",
    sample: () =>
      itemTickSql({ rolloutId: "r", itemId: "i", expectedVersion: 1, setNote: true, note: "n", state: "DONE", userId: "u", actorId: "u", actorName: "A" }),
  },
  {
    name: "metric readings (record-readings-sql.ts)",
    sample: () =>
      recordReadingsSql(
        [
          { tileId: "t", atMs: 1_764_600_000_000, kind: "value", value: 1.5, error: null },
          { tileId: "t", atMs: 1_764_600_001_000, kind: "error", value: null, error: "refused" },
        ],
        500,
      ),
  },
  {
    name: "evaluation that changes no state (evaluation.ts noteReadingsSql)",
    sample: () => noteReadingsSql([{ id: "c" }], [{ reading: { value: 1, at: 0, quality: "fresh" } }], new Date(0)),
  },
];
