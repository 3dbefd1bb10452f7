import "server-only";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { UpdateItemInput } from "@/lib/schemas/checklist";
import { badRequest, conflict, forbidden, notFound } from "./errors";
import { changeRollout, changeRolloutInOneStatement, envelopeOf } from "./events";
import { itemTickSql, type ItemTickRow } from "./item-tick-sql";
import { jsonify } from "./json";
import { itemSelect, type ItemView } from "./selects";

/**
 * Ticks, unticks, skips or blocks an item and/or sets its note. With `expectedVersion`, a stale write gets 409
 * carrying the current item. Ticking records who and when; reopening clears both. The hot path of the app (ticks
 * come many a second on go-live day), so the change and its event are one statement (item-tick-sql.ts).
 */
export async function updateItem(principal: UserPrincipal, itemId: string, input: UpdateItemInput): Promise<ItemView> {
  if (!can(principal.role, "item.update")) throw forbidden("Viewers cannot change checklist items");
  // An assignment (the schema keeps it apart from state and note) is not the tick's hot path.
  if (input.ownerId !== undefined) return assignItem(principal, itemId, { ownerId: input.ownerId, expectedVersion: input.expectedVersion });
  const actor = actorOf(principal);
  const { result } = await changeRolloutInOneStatement({ via: "ChecklistItem", id: itemId }, ["item.updated"], async (db, rolloutId) => {
    const [row] = await db.$queryRaw<ItemTickRow[]>(
      itemTickSql({
        rolloutId,
        itemId,
        expectedVersion: input.expectedVersion ?? null,
        setNote: input.note !== undefined,
        note: input.note ?? null,
        state: input.state ?? null,
        userId: principal.userId,
        actorId: actor.id,
        actorName: actor.name,
      }),
    );
    if (!row || row.currentVersion === null) throw notFound("Checklist item");
    if (!row.item || row.seq === null || row.at === null) {
      // Stale version: nothing was written. The item as it is now goes with the 409 (rare, so a second query).
      const current = await db.checklistItem.findUniqueOrThrow({ where: { id: itemId }, select: itemSelect });
      throw conflict(`Item was changed by someone else (now version ${current.version})`, { current: jsonify(current) });
    }
    const view = row.item as ItemView;
    const event = envelopeOf(rolloutId, { seq: row.seq, at: row.at }, actor, "item.updated", { item: view, previousState: row.previousState });
    return { result: view, events: [event] };
  });
  return result;
}

/**
 * Assigns an item to an active War Room user (`ownerId`), or to nobody (null). The runbook's free-text owner
 * (`ownerName`: a team or role) stays. Same rules as a tick: item.update permission, `expectedVersion` (409 when
 * stale), the version bumps, and an `item.assigned` event naming the assignee goes out after commit.
 */
export async function assignItem(principal: UserPrincipal, itemId: string, input: { ownerId: string | null; expectedVersion?: number }): Promise<ItemView> {
  if (!can(principal.role, "item.update")) throw forbidden("Viewers cannot assign checklist items");
  const { result } = await changeRollout({ via: "ChecklistItem", id: itemId }, actorOf(principal), async (tx, record) => {
    const current = await tx.checklistItem.findUnique({ where: { id: itemId }, select: itemSelect });
    if (!current) throw notFound("Checklist item");
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw conflict(`Item was changed by someone else (now version ${current.version})`, { current: jsonify(current) });
    }
    const assignee = input.ownerId ? await tx.user.findUnique({ where: { id: input.ownerId }, select: { id: true, name: true, deactivatedAt: true } }) : null;
    if (input.ownerId && (!assignee || assignee.deactivatedAt)) throw badRequest("Assign the item to an active War Room user", { ownerId: ["is not an active user"] });
    const item = jsonify(await tx.checklistItem.update({ where: { id: itemId }, data: { ownerId: input.ownerId, version: { increment: 1 } }, select: itemSelect }));
    // By name too: the timeline outlives the account.
    await record("item.assigned", { item, assignee: assignee ? { id: assignee.id, name: assignee.name } : null, previousOwnerId: current.ownerId });
    return item;
  });
  return result;
}
