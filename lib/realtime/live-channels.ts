import type { ServerToClientEvents } from "./contract";

// Browser side of the socket's `live` messages (metric samples and other non-logged streams): useRolloutLive owns
// the socket and hands every `live` message to whoever subscribed for that rollout and channel, and tells them when
// it has (re)joined the room, since volatile messages sent while disconnected are lost and must be refetched.

type LiveMessage = Parameters<ServerToClientEvents["live"]>[0];
export type LiveListener = { channel: string; onMessage: (payload: unknown) => void; onResync?: () => void };

const listeners = new Map<string, Set<LiveListener>>();

export function subscribeLive(rolloutId: string, listener: LiveListener): () => void {
  const set = listeners.get(rolloutId) ?? new Set<LiveListener>();
  set.add(listener);
  listeners.set(rolloutId, set);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(rolloutId);
  };
}

export function deliverLive(message: LiveMessage): void {
  for (const listener of listeners.get(message.rolloutId) ?? []) {
    if (listener.channel === message.channel) listener.onMessage(message.payload);
  }
}

/** The socket has (re)joined the rollout's room: what streamed meanwhile may be missing. */
export function deliverResync(rolloutId: string): void {
  for (const listener of listeners.get(rolloutId) ?? []) listener.onResync?.();
}
