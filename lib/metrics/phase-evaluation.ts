import type { Comparator } from "./enums";
import { comparatorSymbol } from "./evaluate";

// Words for a criterion's measurement, in events and the automatic rollback's reason.

/** "error_rate 4.2 % (limit > 1 %)" — a criterion and the value that decided it. */
export function describeMeasurement(criterion: { metricKey: string; comparator: Comparator; threshold: number; unit: string | null }, value: number | null): string {
  const unit = criterion.unit ? ` ${criterion.unit}` : "";
  const shown = value === null ? "no data" : `${formatNumber(value)}${unit}`;
  return `${criterion.metricKey} ${shown} (limit ${comparatorSymbol(criterion.comparator)} ${formatNumber(criterion.threshold)}${unit})`;
}

/** Readable from across a room: 1234, 56.7, 4.12, 0.0421 (three significant digits below 1). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs < 1) return Number(value.toPrecision(3)).toString();
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return Number(value.toFixed(digits)).toString();
}
