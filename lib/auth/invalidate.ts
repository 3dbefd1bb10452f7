import { getDb, type DbTx } from "@/lib/db/client";
import { recheckUserSockets } from "@/lib/realtime/publisher";

/**
 * THE invalidation point for everything that decides who a user may be: role change, deactivation, password
 * change, sign-out, a revoked API token. It bumps `User.sessionVersion` (a principal cached with an older version
 * is stale: issue 15's principal cache keys on it) and makes every process re-check that user's open sockets
 * (lib/realtime/server.ts: recheckSocketPrincipal), which closes or demotes them at once.
 *
 * Pass the transaction when the change is inside one: the bump then commits with it; call
 * `announcePrincipalChange(userId)` after the commit for the sockets (they must read the committed state).
 */
export async function invalidatePrincipals(userId: string, tx?: DbTx): Promise<void> {
  await bumpSessionVersion(userId, tx);
  if (!tx) announcePrincipalChange(userId);
}

export async function bumpSessionVersion(userId: string, tx?: DbTx): Promise<void> {
  await (tx ?? getDb()).user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}

/** After commit: every process re-checks this user's open sockets against the database. */
export function announcePrincipalChange(userId: string): void {
  recheckUserSockets(userId);
}
