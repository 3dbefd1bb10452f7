import { createSeedAction } from "@/lib/domain/action-configs";
import { createActionSchema } from "@/lib/schemas/actions";
import type { DemoTargetInfo } from "./target";

// The demo rollout's actions, pointing at the demo target: the runbook's curl commands as War Room actions.

export async function seedDemoActions(rolloutId: string, target: DemoTargetInfo): Promise<void> {
  const auth = [{ name: "Authorization", value: `Bearer ${target.token}`, secret: true }];
  const actions = [
    {
      kind: "SET_TRAFFIC",
      name: "Set canary traffic",
      url: `${target.url}/api/admin/feature-flags`,
      headers: auth,
      bodyTemplate: '{"percentage": {{percentage}}, "reason": "{{reason}}"}',
      allowedRoles: ["COMMANDER", "ADMIN"],
      timeoutMs: 5000,
    },
    {
      kind: "ROLLBACK",
      name: "Roll back to v3.1.9",
      url: `${target.url}/api/admin/rollback`,
      headers: auth,
      bodyTemplate: '{"reason": "{{reason}}"}',
      allowedRoles: ["COMMANDER", "ADMIN"],
      timeoutMs: 5000,
    },
    {
      kind: "KILL_SWITCH",
      name: "Kill switch",
      url: `${target.url}/api/admin/feature-flags`,
      headers: auth,
      bodyTemplate: '{"killSwitch": true, "reason": "{{reason}}"}',
      allowedRoles: ["COMMANDER", "ADMIN"],
      requiresSecondApprover: true,
      approvalWindowMinutes: 10,
      timeoutMs: 5000,
    },
  ];
  for (const action of actions) await createSeedAction(rolloutId, createActionSchema.parse(action));
}
