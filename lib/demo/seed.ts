import { randomBytes } from "node:crypto";
import { withAdvisoryLock } from "@/lib/db/advisory-lock";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { createRolloutFromDraft } from "@/lib/domain/rollouts";
import { createTileAs } from "@/lib/domain/tiles";
import { createSeedShareToken } from "@/lib/domain/tokens";
import { countUsers, createUser } from "@/lib/domain/users";
import { seedDemoActions } from "./actions";
import { demoRunbook } from "./runbook";
import type { DemoTargetInfo } from "./target";
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
 * print. Does nothing (returns null) once anyone exists, so real data is never touched. With a demo target, the
 * rollout gets metric tiles reading its /metrics and actions calling its admin endpoints.
 */
type SeedOptions = { password?: string; now?: Date; demoTarget?: DemoTargetInfo | null };

export async function seedDemoIfEmpty(opts: SeedOptions = {}): Promise<DemoSeed | null> {
  // Several processes may start on one empty database at once: one seeds, the others see users and skip.
  return withAdvisoryLock(DEMO_SEED_LOCK, () => seedUnlocked(opts));
}

const DEMO_SEED_LOCK = 727_274_002;

async function seedUnlocked(opts: SeedOptions): Promise<DemoSeed | null> {
  if ((await countUsers()) > 0) return null;
  const password = opts.password ?? randomBytes(9).toString("base64url");
  for (const user of DEMO_USERS) await createUser({ ...user, password });
  // T0 an hour from now: the pre-deployment items are due (some overdue), deployment is next.
  const plannedStartAt = new Date((opts.now ?? new Date()).getTime() + 60 * 60 * 1000);
  const rollout = await createRolloutFromDraft(demoRunbook, SYSTEM_ACTOR, { plannedStartAt });
  if (opts.demoTarget) await seedDemoActions(rollout.id, opts.demoTarget);
  if (opts.demoTarget) for (const tile of demoTiles(`${opts.demoTarget.url}/metrics`)) await createTileAs(SYSTEM_ACTOR, rollout.id, tile);
  const share = await createSeedShareToken(rollout.id);
  return { password, generatedPassword: !opts.password, rolloutId: rollout.id, shareToken: share.token };
}
