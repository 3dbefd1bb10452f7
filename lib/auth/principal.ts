import type { Role } from "@/lib/db/generated/enums";
import type { TokenGrant } from "./token-scope";

/** Who is asking: a signed-in user (browser session or API token), or a stakeholder holding a share link. */
export type UserPrincipal = {
  kind: "user";
  userId: string;
  name: string;
  email: string;
  role: Role;
  via: "session" | "apiToken";
  /** The server-side session (AuthSession) behind a browser cookie. */
  sessionId?: string;
  /** The API token this request came with. */
  apiTokenId?: string;
  /** That token's scope and rollouts (lib/auth/token-scope.ts); on top of `role`, never instead of it. */
  token?: TokenGrant;
  /** When the session or token stops working (ISO), or null: an open socket is closed then. */
  expiresAt?: string | null;
};

/** `expiresAt` (ISO, or null for a link that does not expire) lets an open status page be closed when it expires. */
export type SharePrincipal = { kind: "share"; rolloutId: string; shareTokenId: string; expiresAt: string | null };

export type Principal = UserPrincipal | SharePrincipal;

/** How a change is attributed in the event log: the id when it is a user, and a display name that outlives them. */
export type Actor = { id: string | null; name: string };

export const SYSTEM_ACTOR: Actor = { id: null, name: "War Room" };

export function actorOf(principal: UserPrincipal): Actor {
  return { id: principal.userId, name: principal.via === "apiToken" ? `${principal.name} (API token)` : principal.name };
}
