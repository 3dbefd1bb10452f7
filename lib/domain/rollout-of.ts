import "server-only";
import { getDb } from "@/lib/db/client";
import { notFound } from "./errors";
import { rolloutIdOf } from "./events";

// Which rollouts an operation's target belongs to, for API tokens limited to some rollouts (lib/auth/access.ts).
// Asked only for such tokens; the answer for a row that never moves is the cached one lib/domain/events.ts keeps.

/** What the `id` path parameter (or a socket command's target) of an operation names. */
export type TargetKind = "rollout" | "rehearsal" | "item" | "gate" | "criterion" | "tile" | "action" | "actionRun" | "shareLink" | "notificationChannel";

/**
 * The rollouts `id` (of `kind`) belongs to; 404 when it does not exist; [] when it belongs to none (a default
 * notification channel). A rehearsal also names the rollout it rehearsed (re-baselining writes to that one).
 */
export async function rolloutsOfTarget(kind: TargetKind, id: string): Promise<string[]> {
  switch (kind) {
    case "rollout":
      return [id];
    case "rehearsal": {
      const row = await getDb().rollout.findUnique({ where: { id }, select: { rehearsalOfId: true } });
      return row?.rehearsalOfId ? [id, row.rehearsalOfId] : [id];
    }
    case "item":
      return [await rolloutIdOf({ via: "ChecklistItem", id })];
    case "gate":
      return [await rolloutIdOf({ via: "SignoffGate", id })];
    case "tile":
      return [await rolloutIdOf({ via: "MetricTile", id })];
    case "action":
      return [await rolloutIdOf({ via: "Action", id })];
    case "actionRun":
      return [await rolloutIdOf({ via: "ActionRun", id })];
    case "shareLink":
      return [await rolloutIdOf({ via: "ShareToken", id })];
    case "criterion": {
      const row = await getDb().criterion.findUnique({ where: { id }, select: { phase: { select: { rolloutId: true } } } });
      if (!row) throw notFound("Criterion");
      return [row.phase.rolloutId];
    }
    case "notificationChannel": {
      const row = await getDb().notificationChannel.findUnique({ where: { id }, select: { rolloutId: true } });
      if (!row) throw notFound("Notification channel");
      return row.rolloutId ? [row.rolloutId] : [];
    }
  }
}
