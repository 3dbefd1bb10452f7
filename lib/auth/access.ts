import { unauthorized } from "@/lib/domain/errors";
import type { Permission } from "./permissions";
import type { Principal, UserPrincipal } from "./principal";
import { requirePermission, requireRolloutRead } from "./session";

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

export type CallerOf<A extends Access> = A extends { permission: Permission }
  ? UserPrincipal
  : A extends { rolloutRead: true } | { signedIn: true }
    ? Principal
    : Principal | null;

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
