import type { Prisma } from "@/lib/db/generated/client";
import { itemTickSql } from "./item-tick-sql";

// Every statement of the hot paths that is written in SQL rather than through Prisma's model, with sample
// parameters: lib/db/schema-drift.db.test.ts plans each one against the migrated database.

export const RAW_STATEMENTS: { name: string; sample: () => Prisma.Sql }[] = [
  {
    name: "item tick (item-tick-sql.ts)",
    sample: () =>
      itemTickSql({ rolloutId: "r", itemId: "i", expectedVersion: 1, setNote: true, note: "n", state: "DONE", userId: "u", actorId: "u", actorName: "A" }),
  },
];
