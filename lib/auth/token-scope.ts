import { forbidden } from "@/lib/domain/errors";
import type { ApiTokenScopeName } from "@/lib/schemas/users";
import type { Principal, UserPrincipal } from "./principal";

// What a scoped API token may do, on top of its owner's role (which is read afresh on every use, so a demoted
// owner's token shrinks with them). Pure: lib/auth/access.ts applies it to every operation, HTTP and socket alike.

/** What an operation does, in the terms a token's scope is judged by (lib/operations/operation.ts: `tokenUse`). */
export type TokenUse = "read" | "write" | "metrics.push";

/** A token's limits: its scope, and the rollouts it may touch (null: every rollout its owner can see). */
export type TokenGrant = { scope: ApiTokenScopeName; rolloutIds: string[] | null };

const SCOPE_ALLOWS: Record<ApiTokenScopeName, readonly TokenUse[]> = {
  FULL: ["read", "write", "metrics.push"],
  READ_ONLY: ["read"],
  METRICS_PUSH: ["metrics.push"],
};

const SCOPE_SAYS: Record<ApiTokenScopeName, string> = {
  FULL: "allows whatever its owner's role allows",
  READ_ONLY: "allows reads only",
  METRICS_PUSH: "allows only pushing metrics (POST /api/v1/metrics)",
};

/** What an operation needs from a token's scope: its own `tokenUse`, else a GET is a read and any other method a write. */
export function tokenUseOf(spec: { method: string; tokenUse?: TokenUse }): TokenUse {
  return spec.tokenUse ?? (spec.method === "GET" ? "read" : "write");
}

export function scopeAllows(scope: ApiTokenScopeName, use: TokenUse): boolean {
  return SCOPE_ALLOWS[scope]?.includes(use) ?? false;
}

/** The token behind this principal, if it is a scoped one (sessions and share links have none). */
export function tokenGrantOf(principal: Principal | null | undefined): TokenGrant | null {
  return principal?.kind === "user" && principal.token ? principal.token : null;
}

/** 403 unless the caller's token (if any) has a scope that allows `use`. `what` names the operation for the message. */
export function requireTokenUse(principal: Principal, use: TokenUse, what: string): void {
  const grant = tokenGrantOf(principal);
  if (!grant || scopeAllows(grant.scope, use)) return;
  throw forbidden(`This API token's scope (${grant.scope}) ${SCOPE_SAYS[grant.scope]}: it may not ${what}`);
}

/** 403 unless the caller's token (if any) may touch every one of `rolloutIds`. */
export function requireTokenRollouts(principal: Principal, rolloutIds: readonly string[]): void {
  const grant = tokenGrantOf(principal);
  if (!grant?.rolloutIds) return;
  const outside = rolloutIds.find((id) => !grant.rolloutIds!.includes(id));
  if (outside !== undefined) throw forbidden(`This API token is limited to other rollouts: it may not touch rollout ${outside}`);
}

/** 403 for a token limited to some rollouts: `what` is not about one rollout (listing people, creating a rollout…). */
export function requireUnlimitedToken(principal: Principal, what: string): void {
  const grant = tokenGrantOf(principal);
  if (grant?.rolloutIds) throw forbidden(`This API token is limited to some rollouts: it may not ${what}, which is not about one of them`);
}

/** The rollouts a list may show this caller: null for all of them. */
export function visibleRolloutIds(principal: UserPrincipal): string[] | null {
  return principal.token?.rolloutIds ?? null;
}
