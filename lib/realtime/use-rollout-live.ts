"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";
import type { ClientToServerEvents, ServerToClientEvents } from "./contract";
import { deliverLive, deliverResync } from "./live-channels";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

type Options<S extends { lastSeq: number }> = {
  rolloutId: string;
  queryKey: QueryKey;
  /** The next state, or null to refetch the whole state instead. */
  apply: (state: S, envelope: EventEnvelope) => S | null;
  /** Share token for the stakeholder view; the session cookie is used otherwise. */
  token?: string;
  onEvent?: (envelope: EventEnvelope) => void;
};

/**
 * Keeps a rollout's react-query cache in step with the server: joins the rollout's room, applies events in seq
 * order, and on a gap, a reconnect or a tab waking up asks for the events after the last seq it has (the join
 * ack carries them), so the screen converges whatever the socket did.
 */
export function useRolloutLive<S extends { lastSeq: number }>({ rolloutId, queryKey, apply, token, onEvent }: Options<S>): ConnectionState {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const latest = useRef({ apply, onEvent, queryKey });
  useEffect(() => {
    latest.current = { apply, onEvent, queryKey };
  });

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      auth: token ? { token } : undefined,
      withCredentials: true,
      transports: ["websocket", "polling"],
    });
    let catchingUp = false;
    let pending: EventEnvelope[] = [];

    const lastSeq = () => queryClient.getQueryData<S>(latest.current.queryKey)?.lastSeq;
    const refetchAll = () => void queryClient.invalidateQueries({ queryKey: latest.current.queryKey });

    const applyInOrder = (events: EventEnvelope[]) => {
      for (const envelope of [...events].sort((a, b) => a.seq - b.seq)) {
        const state = queryClient.getQueryData<S>(latest.current.queryKey);
        if (!state || envelope.seq <= state.lastSeq) continue;
        if (envelope.seq > state.lastSeq + 1) return catchUp();
        const next = latest.current.apply(state, envelope);
        latest.current.onEvent?.(envelope);
        if (next === null) return refetchAll();
        queryClient.setQueryData<S>(latest.current.queryKey, next);
      }
    };

    // (Re)join with the last seq we hold: the ack brings everything we missed.
    const catchUp = () => {
      if (catchingUp) return;
      catchingUp = true;
      socket.emit("join", { rolloutId, afterSeq: lastSeq() ?? 0 }, (ack: JoinAck) => {
        catchingUp = false;
        if (!ack.ok) {
          setConnection("offline");
          return;
        }
        setConnection("live");
        deliverResync(rolloutId);
        if (ack.truncated) return refetchAll();
        applyInOrder([...ack.events, ...pending]);
        pending = [];
      });
    };

    socket.on("connect", () => catchUp());
    socket.on("disconnect", () => setConnection(socket.active ? "reconnecting" : "offline"));
    socket.on("connect_error", () => setConnection(socket.active ? "reconnecting" : "offline"));
    socket.on("live", (message) => deliverLive(message));
    socket.on("event", (envelope) => {
      if (catchingUp) pending.push(envelope);
      else applyInOrder([envelope]);
    });
    // A tab that slept may have missed events while its socket still looked connected.
    const onVisible = () => {
      if (document.visibilityState === "visible" && socket.connected) catchUp();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      socket.disconnect();
    };
  }, [rolloutId, token, queryClient]);

  return connection;
}
