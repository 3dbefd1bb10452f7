// Pure formatting shared by the war room, sign-off and status pages.

import { formatTOffset } from "@/lib/runbook/t-offset";

// The runbook notation lives with the runbook code (the export writes it too); the UI shares it.
export { formatTOffset };

/** Whether an open item is past its due time. */
export function isOverdue(item: { state: string; dueOffsetMinutes: number | null }, plannedStartAt: string | null, now: number): boolean {
  if (item.state !== "OPEN" || item.dueOffsetMinutes === null || !plannedStartAt) return false;
  return new Date(plannedStartAt).getTime() + item.dueOffsetMinutes * 60_000 < now;
}

export function formatAgo(iso: string | null, now: number): string {
  if (!iso) return "never";
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}

export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** Now relative to T0, as the room says it: "T-42m", "T+1h5m"; null without a planned start. */
export function formatTNow(plannedStartAt: string | null, now: number): string | null {
  if (!plannedStartAt) return null;
  return formatTOffset(Math.trunc((now - new Date(plannedStartAt).getTime()) / 60_000));
}

/** A running clock: "0:42", "1:05:09". */
export function formatElapsed(sinceIso: string | null, now: number): string | null {
  if (!sinceIso) return null;
  const total = Math.max(0, Math.floor((now - new Date(sinceIso).getTime()) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
