import type { EventEnvelope } from "@/lib/schemas/events";

// Route handlers run in Next's module graph and the socket.io server in server.ts's: a module-level
// singleton would exist twice. server.ts registers the publish function on globalThis; everyone publishes
// through this accessor.

export type PublishEvents = (events: EventEnvelope[]) => void;
export type PublishVolatile = (rolloutId: string, channel: string, payload: unknown) => void;

type Realtime = {
  publishEvents: PublishEvents;
  publishVolatile: PublishVolatile;
  /** The benchmark's baseline: an envelope that is in no log, emitted the way events are but outside their seq order. */
  emitUnloggedEvent?: (envelope: EventEnvelope) => void;
  /** Re-check (close or demote) every open socket of this user, on every process. */
  recheckUserSockets?: (userId: string) => void;
};
type RealtimeGlobal = typeof globalThis & { __warroomRealtime?: Realtime };

export function registerRealtime(realtime: Realtime | undefined): void {
  (globalThis as RealtimeGlobal).__warroomRealtime = realtime;
}

/** Fans committed events out to the rollout's room. A process without a socket server (a script) skips it. */
export function publishEvents(events: EventEnvelope[]): void {
  if (events.length === 0) return;
  (globalThis as RealtimeGlobal).__warroomRealtime?.publishEvents(events);
}

export function emitUnloggedEvent(envelope: EventEnvelope): void {
  (globalThis as RealtimeGlobal).__warroomRealtime?.emitUnloggedEvent?.(envelope);
}

export function publishVolatile(rolloutId: string, channel: string, payload: unknown): void {
  (globalThis as RealtimeGlobal).__warroomRealtime?.publishVolatile(rolloutId, channel, payload);
}

/** A user's role, sessions or tokens changed (lib/auth/invalidate.ts): their open sockets are re-checked at once. */
export function recheckUserSockets(userId: string): void {
  (globalThis as RealtimeGlobal).__warroomRealtime?.recheckUserSockets?.(userId);
}
