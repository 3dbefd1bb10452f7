import "server-only";
import type { DbTx } from "@/lib/db/client";
import { bumpSessionVersion } from "@/lib/domain/sessions";
import { recheckUserSockets } from "@/lib/realtime/publisher";
import { invalidateCachedPrincipals } from "./principal-cache";

/**
 * THE invalidation point for everything that decides who a user may be: role change, deactivation, password
 * change, sign-out, a revoked API token. It bumps `User.sessionVersion` (a principal cached with an older version
 * is stale: issue 15's principal cache keys on it) and makes every process re-check that user's open sockets
 * (lib/realtime/server.ts: recheckSocketPrincipal), which closes or demotes them at once. It also drops this
 * process's cached principals of the user (invalidateCachedPrincipals) at once; other processes drop theirs when
 * the re-check reaches them.
 *
 * Pass the transaction when the change is inside one: the bump then commits with it; call
 * `announcePrincipalChange(userId)` after the commit for the sockets (they must read the committed state).
 */
export async function invalidatePrincipals(userId: string, tx?: DbTx): Promise<void> {
  await bumpSessionVersion(userId, tx);
  if (!tx) announcePrincipalChange(userId);
}


export { bumpSessionVersion };

/**
 * After commit: this process forgets the user's cached principals (lib/auth/principal-cache.ts) and every process
 * re-checks this user's open sockets against the database (each drops its own cache entries for them first).
 */
export function announcePrincipalChange(userId: string): void {
  invalidateCachedPrincipals({ userId });
  recheckUserSockets(userId);
}
