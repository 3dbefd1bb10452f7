import type { Principal } from "@/lib/auth/principal";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";

// The socket.io contract, shared by server.ts's realtime server, the browser hook, tests and the benchmark.
// Connect to the app's origin (default path) with the session cookie, or `auth: { token }` (API or share token).

export type ServerToClientEvents = {
  /** Every committed change, in seq order per rollout. */
  event: (envelope: EventEnvelope) => void;
  /** Live, non-logged streams (metric samples, presence); volatile. */
  live: (message: { rolloutId: string; channel: string; payload: unknown }) => void;
};

export type ClientToServerEvents = {
  join: (request: unknown, ack: (response: JoinAck) => void) => void;
  leave: (request: unknown, ack?: (response: { ok: true } | Extract<JoinAck, { ok: false }>) => void) => void;
};

/** The `live` message on channel "presence": who is in the war room now. */
export type PresenceUser = { id: string; name: string; role: string };
export type PresencePayload = { users: PresenceUser[] };

export type InterServerEvents = Record<string, never>;

export type SocketData = { principal: Principal };

export const rolloutRoom = (rolloutId: string) => `rollout:${rolloutId}`;
export const publicRolloutRoom = (rolloutId: string) => `rollout:${rolloutId}:public`;

/** Every event a client may emit: the hostile-input and access tests go through this list. */
export const CLIENT_EVENT_NAMES = ["join", "leave"] as const satisfies readonly (keyof ClientToServerEvents)[];
// Compile-time check that the list is complete.
type UnlistedClientEvents = Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENT_NAMES)[number]>;
export const CLIENT_EVENT_NAMES_COMPLETE: UnlistedClientEvents extends never ? true : false = true;
