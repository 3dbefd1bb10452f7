import type { ContactView } from "@/lib/domain/selects";

// Pure: who is on call now, and the escalation ladder with when each level is reached, counted from the
// moment the incident clock started (a firing trigger, or the rollout's start).

export function onCallNow(contacts: ContactView[], now: number): ContactView[] {
  const people = contacts.filter((c) => c.kind !== "CHANNEL");
  const windowed = people.filter((c) => c.onCallFrom || c.onCallUntil);
  if (windowed.length) {
    return windowed.filter(
      (c) => (!c.onCallFrom || new Date(c.onCallFrom).getTime() <= now) && (!c.onCallUntil || new Date(c.onCallUntil).getTime() > now),
    );
  }
  const firstLevel = Math.min(...people.map((c) => c.escalationLevel));
  return people.filter((c) => c.escalationLevel === firstLevel);
}

export type EscalationStep = { level: number; contacts: ContactView[]; afterMinutes: number | null; at: number | null };

export function escalationLadder(contacts: ContactView[], clockStart: number | null): EscalationStep[] {
  const levels = new Map<number, ContactView[]>();
  for (const c of contacts.filter((c) => c.kind !== "CHANNEL")) levels.set(c.escalationLevel, [...(levels.get(c.escalationLevel) ?? []), c]);
  return [...levels.entries()]
    .sort(([a], [b]) => a - b)
    .map(([level, list]) => {
      const afterMinutes = list.map((c) => c.escalateAfterMinutes).find((m) => m !== null) ?? null;
      return { level, contacts: list, afterMinutes, at: clockStart !== null && afterMinutes !== null ? clockStart + afterMinutes * 60_000 : null };
    });
}

/** The first step not yet reached, or null. */
export function nextEscalation(steps: EscalationStep[], now: number): EscalationStep | null {
  return steps.find((s) => s.at !== null && s.at > now) ?? null;
}
