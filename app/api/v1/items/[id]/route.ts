import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { updateItem } from "@/lib/domain/checklists";
import { defineRoute, ok } from "@/lib/http/route";
import { updateItemSchema } from "@/lib/schemas/checklist";
import { idSchema } from "@/lib/schemas/common";

/** Tick / untick / skip / block an item, or set its note. 409 with `error.current` on a stale expectedVersion. */
export const PATCH = defineRoute({ params: z.object({ id: idSchema }), body: updateItemSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "item.update");
  return ok({ item: await updateItem(user, params.id, body) });
});
