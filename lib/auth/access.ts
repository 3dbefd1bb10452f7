import { forbidden, unauthorized } from "@/lib/domain/errors";
import { rolloutsOfTarget, type TargetKind } from "@/lib/domain/rollout-of";
import type { Permission } from "./permissions";
import type { Principal, UserPrincipal } from "./principal";
import { requirePermission, requireRolloutRead } from "./session";
import { requireTokenRollouts, requireTokenUse, requireUnlimitedToken, tokenGrantOf, tokenUseOf, type TokenUse } from "./token-scope";

// Who may call an operation, declared beside its schemas (lib/operations) and checked before its input is
// read, so a caller without the right gets 401/403 whatever it sends, on HTTP and on the socket alike.
export type Access =
  /** A signed-in user (session or API token) whose role has this permission. */
  | { permission: Permission }
  /** Any signed-in reader, or a share token for exactly the rollout named by the `id` parameter. */
  | { rolloutRead: true }
  /** Any signed-in user or share token; the operation checks the rest itself. */
  | { signedIn: true }
  /** No credential needed (the stakeholder view, health): the operation checks what it needs itself. */
  | { public: true };

/**
 * Which rollouts an operation touches, for API tokens limited to some rollouts. Without it the operation is not
 * about one rollout (people, tokens, creating a rollout, default channels) and such a token is refused it.
 */
export type Touches =
  /** The rollout the `id` path parameter (a socket command's target) names or belongs to, and the body's `rolloutId` if flagged. */
  | { id: TargetKind; bodyRolloutId?: true }
  /** The rollout named by the body's `rolloutId` (checked on the raw JSON, before the body is validated). */
  | { bodyRolloutId: true }
  /** A list the operation narrows to the caller's rollouts itself (lib/auth/token-scope.ts: visibleRolloutIds). */
  | { list: true };

/** What an operation declares for the permission step: its role access, and what a scoped API token needs. */
export type AccessSpec<A extends Access = Access> = {
  access: A;
  method: string;
  path: string;
  /** What a token's scope must allow (lib/auth/token-scope.ts): GET is a read, every other method a write, unless given. */
  tokenUse?: TokenUse;
  touches?: Touches;
};

export type CallerOf<A extends Access> = A extends { permission: Permission }
  ? UserPrincipal
  : A extends { rolloutRead: true } | { signedIn: true }
    ? Principal
    : Principal | null;

/** The role check alone (pages and older callers); operations go through authorizeOperation. */
export function authorize<A extends Access>(access: A, principal: Principal | null, params: unknown): CallerOf<A> {
  if ("permission" in access) return requirePermission(principal, access.permission) as CallerOf<A>;
  if ("rolloutRead" in access) {
    if (!principal) throw unauthorized();
    const id = (params as { id?: unknown } | undefined)?.id;
    return requireRolloutRead(principal, typeof id === "string" ? id : "") as CallerOf<A>;
  }
  if ("signedIn" in access && !principal) throw unauthorized();
  return principal as CallerOf<A>;
}

/**
 * THE permission step of every operation, HTTP and socket alike (before any input but the `id` is looked at):
 * the caller's role, then, for an API token, its scope, and whether a token limited to some rollouts may call an
 * operation that is not about one. Where the operation's rollout must be looked up, authorizeTargets follows.
 */
export function authorizeOperation<A extends Access>(spec: AccessSpec<A>, principal: Principal | null, params: unknown): CallerOf<A> {
  const caller = authorize(spec.access, principal, params);
  if ("public" in spec.access || !caller || !tokenGrantOf(caller)) return caller;
  const what = `${spec.method} ${spec.path}`;
  requireTokenUse(caller, tokenUseOf(spec), what);
  if (!spec.touches) requireUnlimitedToken(caller, what);
  return caller;
}

/**
 * For a token limited to some rollouts: 403 unless every rollout the call touches is one of them (the `id`'s
 * rollout, 404 when it does not exist; the body's `rolloutId`, read from the raw JSON so that a bad body still gets
 * the 403). Costs nothing for any other caller.
 */
export async function authorizeTargets(spec: Pick<AccessSpec, "access" | "touches" | "method" | "path">, caller: Principal | null, input: { id?: unknown; body?: unknown }): Promise<void> {
  const grant = tokenGrantOf(caller);
  if (!caller || !grant?.rolloutIds || "public" in spec.access || !spec.touches || "list" in spec.touches) return;
  const touches = spec.touches;
  if ("id" in touches && typeof input.id === "string") {
    const rollouts = await rolloutsOfTarget(touches.id, input.id);
    // Only a default notification channel belongs to no rollout.
    if (rollouts.length === 0) throw forbidden(`This API token is limited to some rollouts: it may not ${spec.method} ${spec.path} on a ${touches.id} that belongs to no rollout`);
    requireTokenRollouts(caller, rollouts);
  }
  if (touches.bodyRolloutId && "body" in input && input.body !== undefined) {
    const rolloutId = (input.body as { rolloutId?: unknown } | null)?.rolloutId;
    if (typeof rolloutId === "string") requireTokenRollouts(caller, [rolloutId]);
  }
}
