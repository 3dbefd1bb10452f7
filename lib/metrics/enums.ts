import { z } from "zod";

// Same names as the Prisma enums (prisma/schema.prisma); defined here so lib/metrics stays free of the database
// client. Prisma's generated string unions are assignable to and from these.

export const comparatorSchema = z.enum(["LT", "LTE", "GT", "GTE", "EQ"]);
export type Comparator = z.infer<typeof comparatorSchema>;

export const criterionKindSchema = z.enum(["SUCCESS", "ROLLBACK_TRIGGER"]);
export type CriterionKind = z.infer<typeof criterionKindSchema>;

export const triggerStateSchema = z.enum(["NORMAL", "PENDING", "FIRING", "RESOLVED"]);
export type TriggerState = z.infer<typeof triggerStateSchema>;

export const verdictSchema = z.enum(["PASS", "FAIL", "INCONCLUSIVE"]);
export type Verdict = z.infer<typeof verdictSchema>;

export const metricSourceKindSchema = z.enum(["PROMETHEUS", "SCRAPE", "PUSH"]);
export type MetricSourceKind = z.infer<typeof metricSourceKindSchema>;
