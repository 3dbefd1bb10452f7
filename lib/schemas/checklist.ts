import { z } from "zod";
import { itemStateSchema } from "./runbook";

export const updateItemSchema = z
  .object({
    state: itemStateSchema.optional(),
    note: z.string().max(10_000, "must be at most 10000 characters").nullable().optional(),
    // The version the client saw: a stale one gets 409 with the current item instead of overwriting it.
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((v) => v.state !== undefined || v.note !== undefined, { message: "give state or note", path: ["state"] });

export type UpdateItemInput = z.infer<typeof updateItemSchema>;
