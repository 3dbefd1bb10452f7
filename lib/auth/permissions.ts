import type { Role } from "@/lib/db/generated/enums";

// One role → permission map. Pages, route handlers and socket handlers all ask `can`; nothing else compares
// roles. An unknown role (or permission) is refused.
const PERMISSIONS = {
  "rollout.read": ["ADMIN", "COMMANDER", "ENGINEER", "VIEWER"],
  "rollout.configure": ["ADMIN"],
  "item.update": ["ADMIN", "COMMANDER", "ENGINEER"],
  "signoff.sign": ["ADMIN", "COMMANDER"],
  "phase.control": ["ADMIN", "COMMANDER"],
  // Promote or start although a gate is unsigned or a rollback trigger fires (with a recorded reason).
  "phase.override": ["ADMIN", "COMMANDER"],
  // Run an action whose allowedRoles include the caller's role...
  "action.run": ["ADMIN", "COMMANDER"],
  // ...or any action at all, whatever its allowedRoles say.
  "action.runAny": ["ADMIN"],
  // Be the second person of a two-person rule (never for one's own request).
  "action.approve": ["ADMIN", "COMMANDER"],
  "action.configure": ["ADMIN"],
  "share.manage": ["ADMIN", "COMMANDER"],
  "metrics.push": ["ADMIN", "COMMANDER", "ENGINEER"],
  // People: invite, create, change roles, deactivate.
  "user.manage": ["ADMIN"],
  // Notification channels (secrets inside) and alert tokens; commanders see the channels and their delivery log.
  "notifications.configure": ["ADMIN"],
  "notifications.read": ["ADMIN", "COMMANDER"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  const allowed: readonly Role[] | undefined = PERMISSIONS[permission];
  return allowed?.includes(role) ?? false;
}

export function rolesWith(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

/** May this role run an action limited to `allowedRoles`? Needs action.run and a listed role, or action.runAny. */
export function canRunAction(role: Role | null | undefined, action: { allowedRoles: readonly Role[] }): boolean {
  if (!role || !can(role, "action.run")) return false;
  return action.allowedRoles.includes(role) || can(role, "action.runAny");
}
