"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { EventEnvelope } from "@/lib/schemas/events";
import type { ClientToServerEvents, PrincipalMessage, ServerToClientEvents } from "./contract";
import { deliverLive, deliverResync } from "./live-channels";
import { syncRollout, type ConnectionState } from "./rollout-sync";

export type { ConnectionState };

type Options<S extends { lastSeq: number }> = {
  rolloutId: string;
  queryKey: QueryKey;
  /** The next state, or null to refetch the whole state instead. */
  apply: (state: S, envelope: EventEnvelope) => S | null;
  /** Share token for the stakeholder view; the session cookie is used otherwise. */
  token?: string;
  onEvent?: (envelope: EventEnvelope) => void;
  /** Non-logged live messages of this rollout (presence, metric samples). */
  onLive?: (message: { channel: string; payload: unknown }) => void;
  /** How a live message changes the cached state (the evaluator's measurements); the same state when it does not. */
  applyLive?: (state: S, message: { channel: string; payload: unknown }) => S;
  /** The signed-in user's role changed while the page is open (the server re-checked the socket). */
  onPrincipal?: (message: PrincipalMessage) => void;
  /** The signed-in user's session ended (signed out elsewhere, deactivated, expired): the server closes the socket. */
  onSignedOut?: () => void;
};

/** Keeps a rollout's react-query cache in step with the server (see rollout-sync.ts). */
export function useRolloutLive<S extends { lastSeq: number }>({ rolloutId, queryKey, apply, token, onEvent, onLive, applyLive, onPrincipal, onSignedOut }: Options<S>): ConnectionState {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const latest = useRef({ apply, onEvent, onLive, applyLive, onPrincipal, onSignedOut, queryKey });
  useEffect(() => {
    latest.current = { apply, onEvent, onLive, applyLive, onPrincipal, onSignedOut, queryKey };
  });

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      auth: token ? { token } : undefined,
      withCredentials: true,
      transports: ["websocket", "polling"],
    });
    const sync = syncRollout<S>({
      socket,
      rolloutId,
      getState: () => queryClient.getQueryData<S>(latest.current.queryKey),
      setState: (state) => queryClient.setQueryData<S>(latest.current.queryKey, state),
      apply: (state, envelope) => latest.current.apply(state, envelope),
      refetch: () => void queryClient.invalidateQueries({ queryKey: latest.current.queryKey }),
      onConnection: setConnection,
      onEvent: (envelope) => latest.current.onEvent?.(envelope),
      onLive: (message) => {
        deliverLive({ rolloutId, ...message });
        latest.current.onLive?.(message);
        const applyLiveMessage = latest.current.applyLive;
        if (applyLiveMessage) queryClient.setQueryData<S>(latest.current.queryKey, (state) => (state ? applyLiveMessage(state, message) : state));
      },
      // Volatile streams sent while we were away are lost: their subscribers refetch.
      onResync: () => deliverResync(rolloutId),
    });
    socket.on("principal", (message) => latest.current.onPrincipal?.(message));
    socket.on("signedOut", () => latest.current.onSignedOut?.());
    const onVisible = () => document.visibilityState === "visible" && sync.catchUp();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      sync.stop();
      socket.disconnect();
    };
  }, [rolloutId, token, queryClient]);

  return connection;
}
