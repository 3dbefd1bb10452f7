import type { Principal } from "@/lib/auth/principal";
import type { CommandAck } from "@/lib/schemas/commands";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";

// The socket.io contract, shared by server.ts's realtime server, the browser hook, tests and the benchmark.
// Connect to the app's origin (default path) with the session cookie, or `auth: { token }` (API or share token).

export type ServerToClientEvents = {
  /** A committed change, in seq order per rollout (the only one published for its rollout in that turn). */
  event: (envelope: EventEnvelope) => void;
  /** Several committed changes of one rollout published in the same event-loop turn, in seq order: one message. */
  events: (envelopes: EventEnvelope[]) => void;
  /** Live, non-logged streams (metric samples, presence); volatile. */
  live: (message: { rolloutId: string; channel: string; payload: unknown }) => void;
  /** This socket's user now has another role (sent after an admin or the identity provider changed it). */
  principal: (message: PrincipalMessage) => void;
  /** This socket's session or token ended, or its user was deactivated: the server closes it right after. */
  signedOut: () => void;
};

export type PrincipalMessage = { userId: string; name: string; role: string };

export type ClientToServerEvents = {
  join: (request: unknown, ack: (response: JoinAck) => void) => void;
  leave: (request: unknown, ack?: (response: { ok: true } | Extract<JoinAck, { ok: false }>) => void) => void;
  /**
   * Phase control, sign-offs and actions (lib/schemas/commands.ts): `{ type, rolloutId | gateId | actionId |
   * runId, input }` where input is the matching HTTP body. The ack is `{ ok: true, result }` or
   * `{ ok: false, error: { code, message, status, fields? } }` with the HTTP API's statuses (403 for a role that
   * may not, 502 with `error.run` for an action whose target failed).
   */
  command: (request: unknown, ack: (response: CommandAck) => void) => void;
};

/** The `live` message on channel "presence": who is in the war room now. */
export type PresenceUser = { id: string; name: string; role: string };
export type PresencePayload = { users: PresenceUser[] };

/** Between app processes (socket.io's Postgres adapter). */
export type InterServerEvents = {
  /** A batch of committed events, emitted by each in seq order. */
  "warroom:events": (events: EventEnvelope[]) => void;
  /** The benchmark baseline's envelope (in no log, so not put in seq order). */
  "warroom:unlogged": (envelope: EventEnvelope) => void;
  /** Re-check this user's open sockets (lib/auth/invalidate.ts). */
  recheckUserSockets: (userId: string) => void;
};

export type SocketData = { principal: Principal };

type EventSource = {
  on(event: "event", listener: (envelope: EventEnvelope) => void): unknown;
  on(event: "events", listener: (envelopes: EventEnvelope[]) => void): unknown;
  off(event: "event", listener: (envelope: EventEnvelope) => void): unknown;
  off(event: "events", listener: (envelopes: EventEnvelope[]) => void): unknown;
};

/**
 * Every committed event a client socket receives, whether it came alone (`event`) or in one turn's batch (`events`),
 * handed over in the order sent. Returns the unsubscribe. Every client of the event stream listens through this.
 */
export function onCommittedEvents(socket: EventSource, listener: (envelopes: EventEnvelope[]) => void): () => void {
  const one = (envelope: EventEnvelope) => listener([envelope]);
  const many = (envelopes: EventEnvelope[]) => Array.isArray(envelopes) && listener(envelopes);
  socket.on("event", one);
  socket.on("events", many);
  return () => {
    socket.off("event", one);
    socket.off("events", many);
  };
}

export const rolloutRoom = (rolloutId: string) => `rollout:${rolloutId}`;
export const publicRolloutRoom = (rolloutId: string) => `rollout:${rolloutId}:public`;
/** Every socket of a signed-in user, so a change to that user reaches all of them. */
export const userRoom = (userId: string) => `user:${userId}`;

/** Every event a client may emit: the hostile-input and access tests go through this list. */
export const CLIENT_EVENT_NAMES = ["join", "leave", "command"] as const satisfies readonly (keyof ClientToServerEvents)[];
// Compile-time check that the list is complete.
type UnlistedClientEvents = Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENT_NAMES)[number]>;
export const CLIENT_EVENT_NAMES_COMPLETE: UnlistedClientEvents extends never ? true : false = true;
