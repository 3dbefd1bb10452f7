"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import { describeEvent } from "@/lib/domain/describe-event";
import type { EventEnvelope } from "@/lib/schemas/events";

const SHOWN = 30;

/** Who did what, when: the last events at load, then live ones as they arrive. */
export function Timeline({ rolloutId, lastSeq, live }: { rolloutId: string; lastSeq: number; live: EventEnvelope[] }) {
  const { data } = useQuery({
    queryKey: rolloutKeys.events(rolloutId),
    queryFn: ({ signal }) =>
      apiFetch<{ events: EventEnvelope[] }>(`/api/v1/rollouts/${rolloutId}/events?after=${Math.max(0, lastSeq - SHOWN)}`, { signal }),
  });
  const bySeq = new Map<number, EventEnvelope>();
  for (const e of [...(data?.events ?? []), ...live]) bySeq.set(e.seq, e);
  const events = [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, SHOWN);
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Timeline">
      <h2 className="mb-2 font-semibold">Timeline</h2>
      <ol className="space-y-1 text-sm" data-testid="timeline">
        {events.map((e) => (
          <li key={e.seq} className="flex gap-2">
            <time className="shrink-0 text-xs text-slate-500" dateTime={e.at} suppressHydrationWarning>
              {new Date(e.at).toLocaleTimeString()}
            </time>
            <span>
              <span className="font-medium">{e.actor.name}</span>: {describeEvent(e)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
