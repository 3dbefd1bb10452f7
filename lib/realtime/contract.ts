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
  leave: (request: unknown, ack?: (response: { ok: boolean }) => void) => void;
};

/** The `live` message on channel "presence": who is in the war room now. */
export type PresenceUser = { id: string; name: string; role: string };
export type PresencePayload = { users: PresenceUser[] };

export type InterServerEvents = Record<string, never>;

export type SocketData = { principal: Principal };

export const rolloutRoom = (rolloutId: string) => `rollout:${rolloutId}`;
export const publicRolloutRoom = (rolloutId: string) => `rollout:${rolloutId}:public`;
