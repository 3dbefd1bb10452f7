import "server-only";
import { decode } from "next-auth/jwt";
import { findUserByApiToken, findShareGrant } from "@/lib/domain/tokens";
import { findLiveSession } from "@/lib/domain/sessions";
import { forbidden, unauthorized } from "@/lib/domain/errors";
import { can, type Permission } from "./permissions";
import { cachedPrincipal } from "./principal-cache";
import type { Principal, UserPrincipal } from "./principal";
import { hashToken, tokenKind } from "./secrets";
import { requireTokenRollouts, requireTokenUse } from "./token-scope";

// The one place that turns a request into a Principal: route handlers (authenticateRequest), pages
// (lib/auth/page-session.ts reads the cookie and calls principalFromSessionToken) and the socket server
// (principalFromHandshake). Nothing else reads cookies, tokens or next-auth.

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

export function sessionTokenFromCookieHeader(header: string | null | undefined): string | null {
  if (!header) return null;
  const cookies = new Map(
    header.split(";").map((part) => {
      const i = part.indexOf("=");
      return [part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim())] as const;
    }),
  );
  for (const name of SESSION_COOKIES) {
    const value = cookies.get(name);
    if (value) return value;
  }
  return null;
}

export async function principalFromSessionToken(sessionToken: string | null | undefined): Promise<UserPrincipal | null> {
  if (!sessionToken) return null;
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return cachedPrincipal(`session:${sessionToken}`, async () => {
    const jwt = await decode({ token: sessionToken, secret }).catch(() => null);
    // A cookie names its server-side session (`sid`): signed out, expired or deactivated means no principal.
    if (!jwt?.sub || typeof jwt.sid !== "string") return null;
    const session = await findLiveSession(jwt.sid, jwt.sub);
    if (!session) return null;
    const { user } = session;
    const expiresAt = session.expiresAt.getTime();
    return {
      principal: { kind: "user", userId: user.id, name: user.name, email: user.email, role: user.role, via: "session", sessionId: session.sessionId, expiresAt: new Date(expiresAt).toISOString() },
      expiresAt,
    };
  });
}

/** An API token (wr_pat_…) or a share token (wr_share_…), as sent in `Authorization: Bearer` or socket auth. */
export async function principalFromBearer(token: string | null | undefined): Promise<Principal | null> {
  if (!token || token.length > 200) return null;
  const kind = tokenKind(token);
  if (kind === "api") {
    const tokenHash = hashToken(token);
    return cachedPrincipal(`api:${tokenHash}`, async () => {
      const found = await findUserByApiToken(tokenHash);
      if (!found) return null;
      const { user } = found;
      return {
        principal: {
          kind: "user",
          userId: user.id,
          name: user.name,
          email: user.email,
          role: user.role,
          via: "apiToken",
          apiTokenId: found.tokenId,
          token: found.grant,
          expiresAt: found.expiresAt?.toISOString() ?? null,
        },
        apiTokenId: found.tokenId,
        expiresAt: found.expiresAt?.getTime(),
      };
    });
  }
  if (kind === "share") {
    const grant = await findShareGrant(token);
    return grant ? { kind: "share", ...grant } : null;
  }
  return null;
}

function bearerOf(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ?? null;
}

export type Credentials = { authorization?: string | null; cookie?: string | null; token?: unknown };

/**
 * Who sent this. A request that names a bearer token is judged by it alone (a bad token is 401 even with a
 * valid cookie), so automation never silently acts as whoever's browser session is around.
 */
export async function authenticate(credentials: Credentials): Promise<Principal | null> {
  const bearer = bearerOf(credentials.authorization) ?? (typeof credentials.token === "string" ? credentials.token : null);
  if (bearer || credentials.authorization) return principalFromBearer(bearer);
  return principalFromSessionToken(sessionTokenFromCookieHeader(credentials.cookie));
}

export function authenticateRequest(request: Request): Promise<Principal | null> {
  return authenticate({ authorization: request.headers.get("authorization"), cookie: request.headers.get("cookie") });
}

/** A signed-in user (session or API token) whose role has `permission`; 401 or 403 otherwise. */
export function requirePermission(principal: Principal | null, permission: Permission): UserPrincipal {
  if (!principal) throw unauthorized();
  if (principal.kind !== "user") throw forbidden("A share link is read-only");
  if (!can(principal.role, permission)) throw forbidden(`Your role (${principal.role}) does not allow this`);
  return principal;
}

/**
 * Read access to one rollout: any signed-in user (an API token whose scope allows reads and, if it is limited to
 * some rollouts, is limited to this one among them), or a share token for exactly that rollout.
 */
export function requireRolloutRead(principal: Principal | null, rolloutId: string): Principal {
  if (!principal) throw unauthorized();
  if (principal.kind === "share") {
    if (principal.rolloutId !== rolloutId) throw forbidden("This link is for another rollout");
    return principal;
  }
  const reader = requirePermission(principal, "rollout.read");
  requireTokenUse(reader, "read", "read a rollout");
  requireTokenRollouts(reader, [rolloutId]);
  return reader;
}
