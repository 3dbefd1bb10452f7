import { Prisma } from "@/lib/db/generated/client";
import type { ItemState } from "@/lib/db/generated/enums";

// A tick as one statement, one round trip: lock the rollout, lock and version-check the item, update it, bump the
// rollout's lastSeq and append the `item.updated` event, whose data is the item as `itemSelect` shows it (built here
// in SQL, so the row never travels to Node and back). Read-committed semantics make it safe: the rollout's lock is
// taken inside the item's WHERE (before the item's own row lock), and every value the update and the event use is
// read from rows this statement has locked, so a writer that committed while we waited is seen, not overwritten.
// Column and type names are checked against the migrated database by lib/db/schema-drift.db.test.ts.

export type ItemTickParams = {
  rolloutId: string;
  itemId: string;
  expectedVersion: number | null;
  /** Set the note (to `note`, which may be null); false leaves it. */
  setNote: boolean;
  note: string | null;
  /** The new state, or null to leave it. */
  state: ItemState | null;
  userId: string;
  actorId: string | null;
  actorName: string;
};

/** One row always: `currentVersion` null = no such item in that rollout; `item` null = stale expectedVersion. */
export type ItemTickRow = {
  currentVersion: number | null;
  item: Record<string, unknown> | null;
  previousState: ItemState | null;
  seq: number | null;
  at: Date | string | null;
};

const iso = (column: string) => Prisma.raw(`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export function itemTickSql(p: ItemTickParams): Prisma.Sql {
  const state = p.state === null ? Prisma.sql`NULL::"ItemState"` : Prisma.sql`${p.state}::"ItemState"`;
  // A state change records who and when; reopening clears both; the same state again changes neither.
  const changesState = Prisma.sql`(${state} IS NOT NULL AND ${state} <> cur.state)`;
  return Prisma.sql`
    WITH cur AS (
      SELECT i.id, i.state, i.version
      FROM "ChecklistItem" i
      WHERE i.id = ${p.itemId}
        AND i."rolloutId" = (SELECT r.id FROM "Rollout" r WHERE r.id = ${p.rolloutId} FOR UPDATE)
      FOR UPDATE OF i
    ),
    upd AS (
      UPDATE "ChecklistItem" i SET
        note = CASE WHEN ${p.setNote} THEN ${p.note}::text ELSE i.note END,
        state = CASE WHEN ${changesState} THEN ${state} ELSE i.state END,
        "checkedById" = CASE WHEN ${changesState} THEN (CASE WHEN ${state} = 'OPEN' THEN NULL ELSE ${p.userId} END) ELSE i."checkedById" END,
        "checkedAt" = CASE WHEN ${changesState} THEN (CASE WHEN ${state} = 'OPEN' THEN NULL ELSE now() AT TIME ZONE 'UTC' END) ELSE i."checkedAt" END,
        version = cur.version + 1,
        "updatedAt" = now() AT TIME ZONE 'UTC'
      FROM cur
      WHERE i.id = cur.id AND (${p.expectedVersion}::int IS NULL OR cur.version = ${p.expectedVersion}::int)
      RETURNING i.*, cur.state AS "previousState"
    ),
    item AS (
      SELECT u."previousState", jsonb_build_object(
        'id', u.id, 'rolloutId', u."rolloutId", 'sectionId', u."sectionId", 'parentId', u."parentId", 'position', u.position,
        'text', u.text, 'ownerName', u."ownerName", 'ownerId', u."ownerId", 'dueOffsetMinutes', u."dueOffsetMinutes",
        'state', u.state, 'checkedAt', ${iso(`u."checkedAt"`)},
        'checkedBy', CASE WHEN cb.id IS NULL THEN NULL ELSE jsonb_build_object('id', cb.id, 'name', cb.name, 'role', cb.role) END,
        'note', u.note, 'version', u.version, 'updatedAt', ${iso(`u."updatedAt"`)}
      ) AS view
      FROM upd u LEFT JOIN "User" cb ON cb.id = u."checkedById"
    ),
    bumped AS (
      UPDATE "Rollout" r SET "lastSeq" = r."lastSeq" + 1 FROM upd WHERE r.id = ${p.rolloutId} RETURNING r."lastSeq"
    ),
    ev AS (
      INSERT INTO "RolloutEvent" ("rolloutId", seq, type, "actorId", "actorName", data, at)
      SELECT ${p.rolloutId}, b."lastSeq", 'item.updated', ${p.actorId}, ${p.actorName},
             jsonb_build_object('item', it.view, 'previousState', it."previousState"), now() AT TIME ZONE 'UTC'
      FROM bumped b, item it
      RETURNING seq, at
    )
    SELECT (SELECT version FROM cur) AS "currentVersion", (SELECT view FROM item) AS item,
           (SELECT "previousState" FROM item) AS "previousState", ev.seq, ev.at
    FROM (SELECT 1) one LEFT JOIN ev ON true`;
}
