import { z } from "zod";

// One value of one series from a scrape, as the text exposition format carries it.
export const sampleSchema = z.object({
  name: z.string().min(1),
  labels: z.record(z.string(), z.string()),
  // Any float: the format allows NaN and ±Inf values, which z.number() would reject.
  value: z.custom<number>((value) => typeof value === "number", "expected a number"),
  // Milliseconds since the epoch, only when the exposition carried one.
  timestampMs: z.number().int().optional(),
});
export type Sample = z.infer<typeof sampleSchema>;

/** Identity of a series: its name plus its labels in a stable order. */
export function seriesKey(sample: Pick<Sample, "name" | "labels">): string {
  const pairs = Object.keys(sample.labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(sample.labels[label])}`);
  return `${sample.name}{${pairs.join(",")}}`;
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Go's ParseFloat spellings that exporters actually emit: decimals, exponents, ±Inf, NaN. */
export function parseFloatToken(token: string): number | null {
  const lower = token.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower === "+inf" || lower === "inf" || lower === "+infinity" || lower === "infinity") return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  return FLOAT.test(token) ? Number(token) : null;
}

/** Formats a float the way the exposition format spells it. */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
