import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { UpdateItemInput } from "@/lib/schemas/checklist";
import { badRequest, conflict, forbidden } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { itemSelect, type ItemView } from "./selects";

/**
 * Ticks, unticks, skips or blocks an item, sets its note and/or assigns it to an active user (`ownerId`, null to
 * unassign). With `expectedVersion`, a stale write gets 409
 * carrying the current item. Ticking records who and when; reopening clears both.
 */
export async function updateItem(principal: UserPrincipal, itemId: string, input: UpdateItemInput): Promise<ItemView> {
  if (!can(principal.role, "item.update")) throw forbidden("Viewers cannot change checklist items");
  const { result } = await changeRollout({ via: "ChecklistItem", id: itemId }, actorOf(principal), async (tx, record) => {
    const current = await tx.checklistItem.findUniqueOrThrow({ where: { id: itemId }, select: itemSelect });
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw conflict(`Item was changed by someone else (now version ${current.version})`, { current: jsonify(current) });
    }
    const stateChanged = input.state !== undefined && input.state !== current.state;
    const assignee = input.ownerId ? await tx.user.findUnique({ where: { id: input.ownerId }, select: { id: true, name: true, deactivatedAt: true } }) : null;
    if (input.ownerId && (!assignee || assignee.deactivatedAt)) throw badRequest("Assign the item to an active War Room user", { ownerId: ["is not an active user"] });
    const assigned = input.ownerId !== undefined && input.ownerId !== current.ownerId;
    const item = await tx.checklistItem.update({
      where: { id: itemId },
      data: {
        ...(input.note !== undefined ? { note: input.note } : {}),
        ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : {}),
        ...(stateChanged
          ? {
              state: input.state,
              checkedById: input.state === "OPEN" ? null : principal.userId,
              checkedAt: input.state === "OPEN" ? null : new Date(),
            }
          : {}),
        version: { increment: 1 },
      },
      select: itemSelect,
    });
    const view = jsonify(item);
    await record("item.updated", {
      item: view,
      previousState: current.state,
      // An assignment says to whom (by name too: the timeline outlives the account).
      ...(assigned ? { previousOwnerId: current.ownerId, assignee: assignee ? { id: assignee.id, name: assignee.name } : null } : {}),
    });
    return view;
  });
  return result;
}
