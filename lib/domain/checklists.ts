import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { UpdateItemInput } from "@/lib/schemas/checklist";
import { conflict, forbidden } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";
import { itemSelect, type ItemView } from "./selects";

/**
 * Ticks, unticks, skips or blocks an item and/or sets its note. With `expectedVersion`, a stale write gets 409
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
    const item = await tx.checklistItem.update({
      where: { id: itemId },
      data: {
        ...(input.note !== undefined ? { note: input.note } : {}),
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
    await record("item.updated", { item: view, previousState: current.state });
    return view;
  });
  return result;
}
