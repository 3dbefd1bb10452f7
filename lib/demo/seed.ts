import { randomBytes } from "node:crypto";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { createRolloutFromDraft } from "@/lib/domain/rollouts";
import { createTileAs } from "@/lib/domain/tiles";
import { createSeedShareToken } from "@/lib/domain/tokens";
import { countUsers, createUser } from "@/lib/domain/users";
import { demoRunbook } from "./runbook";
import { demoTiles } from "./tiles";

export const DEMO_USERS = [
  { email: "admin@warroom.local", name: "Ada Admin", role: "ADMIN" },
  { email: "commander@warroom.local", name: "Cole Commander", role: "COMMANDER" },
  { email: "engineer@warroom.local", name: "Erin Engineer", role: "ENGINEER" },
  { email: "viewer@warroom.local", name: "Vic Viewer", role: "VIEWER" },
] as const;

export type DemoSeed = { password: string; generatedPassword: boolean; rolloutId: string; shareToken: string };

/**
 * Demo mode: on a database with no users, create the four demo users and a demo rollout, and return what to
 * print. Does nothing (returns null) once anyone exists, so real data is never touched. With `metricsUrl` (the demo
 * target's /metrics), the rollout gets metric tiles reading from it.
 */
export async function seedDemoIfEmpty(opts: { password?: string; now?: Date; metricsUrl?: string } = {}): Promise<DemoSeed | null> {
  if ((await countUsers()) > 0) return null;
  const password = opts.password ?? randomBytes(9).toString("base64url");
  for (const user of DEMO_USERS) await createUser({ ...user, password });
  // T0 an hour from now: the pre-deployment items are due (some overdue), deployment is next.
  const plannedStartAt = new Date((opts.now ?? new Date()).getTime() + 60 * 60 * 1000);
  const rollout = await createRolloutFromDraft(demoRunbook, SYSTEM_ACTOR, { plannedStartAt });
  if (opts.metricsUrl) for (const tile of demoTiles(opts.metricsUrl)) await createTileAs(SYSTEM_ACTOR, rollout.id, tile);
  const share = await createSeedShareToken(rollout.id);
  return { password, generatedPassword: !opts.password, rolloutId: rollout.id, shareToken: share.token };
}
