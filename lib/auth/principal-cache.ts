import type { UserPrincipal } from "./principal";

// Who a credential (an API token, a session cookie) belongs to, kept for a moment: every request and socket
// connection authenticates, and the lookup was a database round trip on every tick. Kept briefly (PRINCIPAL_TTL_MS)
// so a change made on another process (role, revocation) holds there within that time; on this process a change
// must call invalidateCachedPrincipals, which takes effect at once. Unknown credentials are never kept.
// On globalThis: route handlers (Next's module graph) and the socket server (server.ts's) share one cache.

export const PRINCIPAL_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

type Entry = { principal: UserPrincipal; until: number; apiTokenId?: string };
type CacheGlobal = typeof globalThis & { __warroomPrincipalCache?: Map<string, Entry> };

function cache(): Map<string, Entry> {
  const g = globalThis as CacheGlobal;
  g.__warroomPrincipalCache ??= new Map();
  return g.__warroomPrincipalCache;
}

export type LoadedPrincipal = { principal: UserPrincipal; apiTokenId?: string; /** epoch ms the credential stops being valid */ expiresAt?: number };

/** The principal for `key` (a credential's hash or the session token), loaded at most once per PRINCIPAL_TTL_MS. */
export async function cachedPrincipal(key: string, load: () => Promise<LoadedPrincipal | null>): Promise<UserPrincipal | null> {
  const now = Date.now();
  const hit = cache().get(key);
  if (hit && hit.until > now) return hit.principal;
  if (hit) cache().delete(key);
  const loaded = await load();
  if (!loaded) return null;
  if (cache().size >= MAX_ENTRIES) cache().clear();
  const until = Math.min(now + PRINCIPAL_TTL_MS, loaded.expiresAt ?? Infinity);
  cache().set(key, { principal: loaded.principal, until, apiTokenId: loaded.apiTokenId });
  return loaded.principal;
}

/**
 * Forget cached principals, so the next request reads the user again: call it whenever what a credential grants
 * changes (a role change, a user disabled, an API token revoked, a session ended). Only this process's cache: other
 * processes see the change within PRINCIPAL_TTL_MS.
 */
export function invalidateCachedPrincipals(which: { userId: string } | { apiTokenId: string } | "all"): void {
  if (which === "all") return cache().clear();
  for (const [key, entry] of cache()) {
    if ("userId" in which ? entry.principal.userId === which.userId : entry.apiTokenId === which.apiTokenId) cache().delete(key);
  }
}
