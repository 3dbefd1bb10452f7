import { z } from "zod";

export const decisionSchema = z.enum(["GO", "NO_GO"]);

// The signer is the session's user: there is deliberately no signer field.
export const recordSignOffSchema = z
  .object({
    decision: decisionSchema,
    comment: z.string().trim().max(2000, "must be at most 2000 characters").optional(),
    // A fraction like Phase.trafficPercent: a go-live for a 0.5 % canary authorizes 0.5 %.
    trafficPercent: z.number().min(0).max(100).optional(),
    /** Which of the gate's named approvers the signer speaks for (needed when the gate names more than one). */
    approverTitle: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((v) => v.decision === "GO" || (v.comment && v.comment.length > 0), {
    message: "a NO_GO needs a comment saying why",
    path: ["comment"],
  });

export type RecordSignOffInput = z.infer<typeof recordSignOffSchema>;
