import type { Socket } from "socket.io-client";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";
import { onCommittedEvents, type ClientToServerEvents, type ServerToClientEvents } from "./contract";

// Framework-free: keeps one client's copy of a rollout in step with the server. Joins the rollout's room,
// applies events in seq order, and on a gap, a reconnect or a wake-up re-joins with the last seq it has (the
// ack carries what it missed), so the copy converges whatever the socket did. The browser hook
// (use-rollout-live.ts), the fault tests and the benchmark all use this one implementation.

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export type RolloutSyncOptions<S extends { lastSeq: number }> = {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  rolloutId: string;
  getState: () => S | undefined;
  setState: (state: S) => void;
  /** The next state, or null when this event cannot be applied locally. */
  apply: (state: S, envelope: EventEnvelope) => S | null;
  /** Load the whole state again (after a null from apply, or a truncated backlog). */
  refetch: () => void;
  onConnection?: (state: ConnectionState) => void;
  onEvent?: (envelope: EventEnvelope) => void;
  onLive?: (message: { channel: string; payload: unknown }) => void;
  /** After every successful (re)join: live streams may have gaps. */
  onResync?: () => void;
};

const JOIN_TIMEOUT_MS = 10_000;

export function syncRollout<S extends { lastSeq: number }>(opts: RolloutSyncOptions<S>) {
  const { socket, rolloutId } = opts;
  let catchingUp = false;
  let pending: EventEnvelope[] = [];

  const applyInOrder = (events: EventEnvelope[]) => {
    for (const envelope of [...events].sort((a, b) => a.seq - b.seq)) {
      const state = opts.getState();
      if (!state || envelope.seq <= state.lastSeq) continue;
      if (envelope.seq > state.lastSeq + 1) return catchUp();
      const next = opts.apply(state, envelope);
      opts.onEvent?.(envelope);
      if (next === null) return opts.refetch();
      opts.setState(next);
    }
  };

  // A join whose connection drops before the ack never hears back: the timeout (and disconnect, below)
  // free the next attempt instead of waiting forever.
  let attempt = 0;
  const catchUp = () => {
    if (catchingUp) return;
    catchingUp = true;
    const mine = ++attempt;
    socket.timeout(JOIN_TIMEOUT_MS).emit("join", { rolloutId, afterSeq: opts.getState()?.lastSeq ?? 0 }, (error: Error | null, ack: JoinAck) => {
      if (mine !== attempt) return;
      catchingUp = false;
      if (error) {
        if (socket.connected) catchUp();
        return;
      }
      if (!ack.ok) {
        opts.onConnection?.("offline");
        return;
      }
      opts.onConnection?.("live");
      opts.onResync?.();
      const buffered = pending;
      pending = [];
      if (ack.truncated) return opts.refetch();
      applyInOrder([...ack.events, ...buffered]);
    });
  };

  const onConnect = () => catchUp();
  const onDown = () => {
    catchingUp = false;
    attempt++;
    pending = [];
    opts.onConnection?.(socket.active ? "reconnecting" : "offline");
  };
  // One event, or one turn's batch of them (lib/realtime/server.ts coalesces per room): the same checks either way.
  const onEvents = (envelopes: EventEnvelope[]) => {
    if (catchingUp) pending.push(...envelopes);
    else applyInOrder(envelopes);
  };
  const onLive = (message: { rolloutId: string; channel: string; payload: unknown }) => {
    if (message.rolloutId === rolloutId) opts.onLive?.({ channel: message.channel, payload: message.payload });
  };
  socket.on("connect", onConnect);
  socket.on("disconnect", onDown);
  socket.on("connect_error", onDown);
  const stopEvents = onCommittedEvents(socket, onEvents);
  socket.on("live", onLive);
  if (socket.connected) catchUp();

  return {
    /** Ask for anything missed (a tab that slept may have missed events while its socket looked connected). */
    catchUp: () => socket.connected && catchUp(),
    stop: () => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDown);
      socket.off("connect_error", onDown);
      stopEvents();
      socket.off("live", onLive);
    },
  };
}
