import { z } from "zod";
import { idSchema } from "./common";
import { itemStateSchema } from "./runbook";

export const updateItemSchema = z
  .object({
    state: itemStateSchema.optional(),
    note: z.string().max(10_000, "must be at most 10000 characters").nullable().optional(),
    // The War Room user the item is assigned to, or null to unassign; the runbook's ownerName stays as its team or role.
    ownerId: idSchema.nullable().optional(),
    // The version the client saw: a stale one gets 409 with the current item instead of overwriting it.
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((v) => v.state !== undefined || v.note !== undefined || v.ownerId !== undefined, { message: "give state, note or ownerId", path: ["state"] })
  .refine((v) => v.ownerId === undefined || (v.state === undefined && v.note === undefined), { message: "assign on its own, not with state or note", path: ["ownerId"] });

export type UpdateItemInput = z.infer<typeof updateItemSchema>;
