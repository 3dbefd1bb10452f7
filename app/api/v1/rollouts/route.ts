import { actorOf } from "@/lib/auth/principal";
import { requirePermission } from "@/lib/auth/session";
import { createRolloutFromDraft, getRolloutState, listRollouts } from "@/lib/domain/rollouts";
import { defineRoute, ok } from "@/lib/http/route";
import { runbookDraftSchema } from "@/lib/schemas/runbook";
import { z } from "zod";

export const GET = defineRoute({}, async ({ principal }) => {
  requirePermission(principal, "rollout.read");
  return ok({ rollouts: await listRollouts() });
});

/**
 * Create a rollout from a structured runbook (sections, items, phases, gates, contacts), or from scratch with only
 * name, service, plannedStartAt and description (everything else is added by editing the plan). ADMIN only.
 */
export const POST = defineRoute(
  {
    body: runbookDraftSchema.extend({ sections: runbookDraftSchema.shape.sections.default([]), plannedStartAt: z.iso.datetime({ offset: true }).optional() }),
    maxBodyBytes: 1024 * 1024,
  },
  async ({ principal, body }) => {
    const user = requirePermission(principal, "rollout.configure");
    const { plannedStartAt, ...draft } = body;
    const rollout = await createRolloutFromDraft(draft, actorOf(user), { plannedStartAt: plannedStartAt ? new Date(plannedStartAt) : undefined });
    return ok(await getRolloutState(rollout.id), 201);
  },
);
