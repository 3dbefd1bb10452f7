import type { ItemView } from "@/lib/domain/selects";
import type { UpdateItemInput } from "@/lib/schemas/checklist";

export type ItemChange = Omit<UpdateItemInput, "expectedVersion">;

/**
 * A change to an item as the war room sends it and shows it at once: the request names the version the person saw,
 * and the item shown meanwhile carries the version the server will give it (one more). So a second quick change of
 * the same item names the version the first one made, not the one before it (which would be a 409 saying someone
 * else changed it); and the server's event for the first change (the same version) replaces the optimistic copy.
 */
export function optimisticChange(item: ItemView, change: ItemChange): { body: UpdateItemInput; shown: ItemView } {
  return {
    body: { ...change, expectedVersion: item.version },
    shown: {
      ...item,
      ...(change.state !== undefined ? { state: change.state } : {}),
      ...(change.note !== undefined ? { note: change.note } : {}),
      ...(change.ownerId !== undefined ? { ownerId: change.ownerId } : {}),
      version: item.version + 1,
    },
  };
}
