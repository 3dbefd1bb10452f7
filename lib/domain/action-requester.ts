import { actorOf, SYSTEM_ACTOR, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { assertNever } from "@/lib/schemas/events";

/** Why War Room itself runs an action, with no person asking. */
export type SystemRunReason = "auto-rollback";

/**
 * Who asks for an action run: a person (the caller has checked their role; the two-person rule applies to
 * them), or War Room itself for a named reason: no person, so no user id, and no second approver to wait for.
 */
export type Requester = UserPrincipal | { kind: "system"; reason: SystemRunReason };

/** How a requester goes on record: the events' actor, the run's requestedBy, and whether the two-person rule applies. */
export function requesterRecord(requester: Requester): { actor: Actor; userId: string | null; twoPersonRule: boolean } {
  switch (requester.kind) {
    case "user":
      return { actor: actorOf(requester), userId: requester.userId, twoPersonRule: true };
    case "system":
      return { actor: SYSTEM_ACTOR, userId: null, twoPersonRule: false };
    default:
      return assertNever(requester);
  }
}
