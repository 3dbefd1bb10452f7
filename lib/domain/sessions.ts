import "server-only";
import { invalidateCachedPrincipals } from "@/lib/auth/principal-cache";
import { getDb, type DbTx } from "@/lib/db/client";

// Browser sessions kept on the server: the cookie names one by id, and it ends on sign-out, deactivation or a
// password change. Lifetime is fixed at sign-in (no sliding), so an open socket can be closed the moment it ends.

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export type SessionMethod = "password" | "oidc";

export async function startAuthSession(userId: string, method: SessionMethod) {
  return getDb().authSession.create({
    data: { userId, method, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000) },
    select: { id: true, expiresAt: true },
  });
}

/** The live session `sessionId` of `userId` with its active user, or null (ended, expired, deactivated, unknown). */
export async function findLiveSession(sessionId: string, userId: string) {
  const row = await getDb().authSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      userId: true,
      endedAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, role: true, deactivatedAt: true, sessionVersion: true } },
    },
  });
  if (!row || row.userId !== userId || row.endedAt || row.expiresAt <= new Date() || row.user.deactivatedAt) return null;
  return { sessionId: row.id, expiresAt: row.expiresAt, user: row.user };
}

/**
 * Sign-out: this one session ends, and this process forgets its cached principal at once (other processes within
 * the cache's TTL, or at once when the caller announces it: lib/auth/invalidate.ts). Returns its user.
 */
export async function endAuthSession(sessionId: string): Promise<string | null> {
  const rows = await getDb().authSession.updateManyAndReturn({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() }, select: { userId: true } });
  const userId = rows[0]?.userId ?? null;
  if (userId) invalidateCachedPrincipals({ userId });
  return userId;
}

/** Every session of a user ends (deactivation), or every other one (a password change keeps the one that made it). */
export async function endUserSessions(userId: string, opts: { except?: string; tx?: DbTx } = {}) {
  await (opts.tx ?? getDb()).authSession.updateMany({
    where: { userId, endedAt: null, ...(opts.except ? { id: { not: opts.except } } : {}) },
    data: { endedAt: new Date() },
  });
}

/** A cached principal of this user with an older version is stale (lib/auth/invalidate.ts). */
export async function bumpSessionVersion(userId: string, tx?: DbTx): Promise<void> {
  await (tx ?? getDb()).user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
