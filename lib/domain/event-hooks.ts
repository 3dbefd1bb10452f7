import type { DbTx } from "@/lib/db/client";
import type { EventEnvelope } from "@/lib/schemas/events";

// Work that must commit in the same transaction as a change's events (a notification outbox row, say). A hook
// says which events it wants; changeRollout runs it inside the transaction after the change, with those events.
// A change that is one statement (changeRolloutInOneStatement, a tick) runs alone, without an interactive
// transaction, only while no hook wants its event types; otherwise it runs in the transaction with the hooks.
// Kept on globalThis: route handlers and server.ts's workers load this module in two module graphs.

export type EventHook = {
  name: string;
  /** Cheap and synchronous: it is asked on every tick (cache what it needs to decide). */
  wants: (rolloutId: string, eventTypes: readonly string[]) => boolean;
  run: (tx: DbTx, events: EventEnvelope[]) => Promise<void>;
};

type HooksGlobal = typeof globalThis & { __warroomEventHooks?: Map<string, EventHook> };

function hooks(): Map<string, EventHook> {
  const g = globalThis as HooksGlobal;
  g.__warroomEventHooks ??= new Map();
  return g.__warroomEventHooks;
}

/** Registers (or replaces, by name) a hook; returns a function that removes it. */
export function registerEventHook(hook: EventHook): () => void {
  hooks().set(hook.name, hook);
  return () => {
    if (hooks().get(hook.name) === hook) hooks().delete(hook.name);
  };
}

export function hooksWanting(rolloutId: string, eventTypes: readonly string[]): EventHook[] {
  if (eventTypes.length === 0) return [];
  return [...hooks().values()].filter((hook) => hook.wants(rolloutId, eventTypes));
}

/** Runs, inside the change's transaction, every hook that wants some of these events. */
export async function runEventHooks(tx: DbTx, rolloutId: string, events: EventEnvelope[]): Promise<void> {
  for (const hook of hooksWanting(rolloutId, [...new Set(events.map((e) => e.type))])) {
    await hook.run(tx, events.filter((e) => hook.wants(rolloutId, [e.type])));
  }
}
