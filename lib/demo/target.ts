import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import type { Env } from "@/lib/config";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { moveTileSources } from "@/lib/domain/tiles";
import { countUsers } from "@/lib/domain/users";

// Demo mode's "system being rolled out": the demo target (lib/demo-target) started before the server and
// stopped on exit, so the demo rollout's tiles read real metrics and its actions have something real to call.
// Its port and bearer token are kept in WARROOM_DATA_DIR/demo-target.json (0600) so both keep working across
// restarts; if that port is taken it moves, the tiles follow, and the log says the actions need editing.

export type DemoTargetInfo = { url: string; token: string };
export type RunningDemoTarget = DemoTargetInfo & { metricsUrl: string; target: DemoTarget; stop: () => Promise<void> };

const savedSchema = z.object({ port: z.number().int().min(1).max(65_535), token: z.string().min(16) });

/**
 * Starts the demo target when War Room runs in demo mode: WARROOM_DEMO is not "off", no DEMO_TARGET_URL names
 * one you run yourself, and either the database is empty (it is about to be seeded) or this data folder ran
 * the demo before. Null otherwise (real data: no demo target).
 */
export async function startDemoTargetIfDemo(opts: { env: Env; dataDir: string; log: (line: string) => void }): Promise<RunningDemoTarget | null> {
  if (opts.env.WARROOM_DEMO === "off" || opts.env.DEMO_TARGET_URL) return null;
  const file = path.join(opts.dataDir, "demo-target.json");
  const saved = existsSync(file) ? savedSchema.safeParse(JSON.parse(await readFile(file, "utf8").catch(() => "null"))) : null;
  const previous = saved?.success ? saved.data : null;
  if (!previous && (await countUsers()) > 0) return null;

  const token = previous?.token ?? randomBytes(24).toString("base64url");
  // 200 requests a second: enough per 5-second poll that a healthy 0.1% error rate does not wander past the demo
  // runbook's 0.5% criterion by chance (at the model's default 50, two errors in a poll already would).
  const options = { token, badBuildAbovePercent: opts.env.WARROOM_DEMO_BAD_BUILD_ABOVE_PERCENT, requestsPerSecond: 200 };
  const wanted = opts.env.WARROOM_DEMO_TARGET_PORT || previous?.port || 0;
  const target = await startDemoTarget({ ...options, port: wanted }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== "EADDRINUSE") throw error;
    opts.log(`demo target: port ${wanted} is taken, using a free one`);
    return startDemoTarget({ ...options, port: 0 });
  });
  await writeFile(file, JSON.stringify({ port: target.port, token }) + "\n", { mode: 0o600 });
  if (previous && previous.port !== target.port) {
    const before = `http://127.0.0.1:${previous.port}/metrics`;
    await moveTileSources(SYSTEM_ACTOR, before, `${target.url}/metrics`);
    opts.log(`demo target moved from port ${previous.port}: the demo rollout's actions still name the old port (edit them on its Actions page)`);
  }
  opts.log(`demo target (the system being rolled out) on ${target.url}`);
  return { url: target.url, metricsUrl: `${target.url}/metrics`, token, target, stop: () => target.close() };
}

/** The demo target to seed for: the one started above, else one you run yourself (DEMO_TARGET_URL/TOKEN). */
export function demoTargetInfo(running: RunningDemoTarget | null, env: Env): DemoTargetInfo | null {
  if (running) return { url: running.url, token: running.token };
  return env.DEMO_TARGET_URL && env.DEMO_TARGET_TOKEN ? { url: env.DEMO_TARGET_URL.replace(/\/+$/, ""), token: env.DEMO_TARGET_TOKEN } : null;
}
