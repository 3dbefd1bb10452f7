import type { Role } from "@/lib/db/generated/enums";

// One role → permission map. Pages, route handlers and socket handlers all ask `can`; nothing else compares
// roles. An unknown role (or permission) is refused.
const PERMISSIONS = {
  "rollout.read": ["ADMIN", "COMMANDER", "ENGINEER", "VIEWER"],
  "rollout.configure": ["ADMIN"],
  "item.update": ["ADMIN", "COMMANDER", "ENGINEER"],
  "signoff.sign": ["ADMIN", "COMMANDER"],
  "phase.control": ["ADMIN", "COMMANDER"],
  "action.run": ["ADMIN", "COMMANDER"],
  "action.configure": ["ADMIN"],
  "share.manage": ["ADMIN", "COMMANDER"],
  "metrics.push": ["ADMIN", "COMMANDER", "ENGINEER"],
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
