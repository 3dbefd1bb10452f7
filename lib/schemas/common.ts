import { z } from "zod";

export const idSchema = z.string().trim().min(1, "is required").max(64, "is too long").regex(/^[A-Za-z0-9_-]+$/, "is not a valid id");
export const seqSchema = z.coerce.number().int("must be a whole number").min(0, "must be 0 or more").max(2_147_483_647);
