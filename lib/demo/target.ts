import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { countUsers } from "@/lib/domain/users";

// Demo mode's "system being rolled out": the demo target (lib/demo-target/server.ts) started beside War Room,
// so the demo rollout's actions have something real to call. Its port and token are kept in
// <data dir>/demo-target.json (0600) so the seeded actions keep working after a restart.

export type DemoTargetInfo = { url: string; token: string };
type Saved = { port: number; token: string };

/**
 * Starts the demo target when War Room runs in demo mode: WARROOM_DEMO is not "off" and either the database is
 * empty (the demo is about to be seeded) or an earlier demo start left its file. Sets DEMO_TARGET_URL and
 * DEMO_TARGET_TOKEN for the seed. With DEMO_TARGET_URL already set (a demo target you run yourself), starts
 * nothing. Returns the running target (stop it on exit), or null.
 */
export async function startDemoTargetIfDemo(opts: { dataDir: string; demo: "auto" | "off"; log: (line: string) => void }): Promise<DemoTarget | null> {
  if (opts.demo === "off" || process.env.DEMO_TARGET_URL) return null;
  const file = path.join(opts.dataDir, "demo-target.json");
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Saved) : null;
  if (!saved && (await countUsers()) > 0) return null; // real data, no demo
  const token = saved?.token ?? randomBytes(18).toString("base64url");
  let target: DemoTarget;
  try {
    target = await startDemoTarget({ token, port: saved?.port ?? 0 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    target = await startDemoTarget({ token, port: 0 });
    opts.log(`demo target: port ${saved?.port} is taken, using ${target.port}; the demo rollout's actions still name the old port (edit them on its Actions page)`);
  }
  writeFileSync(file, JSON.stringify({ port: target.port, token } satisfies Saved) + "\n", { mode: 0o600 });
  process.env.DEMO_TARGET_URL = target.url;
  process.env.DEMO_TARGET_TOKEN = token;
  opts.log(`demo target (the system being rolled out) on ${target.url}`);
  return target;
}

/** The demo target to seed actions for: the one started above, or one named in the environment. */
export function demoTargetFromEnv(): DemoTargetInfo | null {
  const url = process.env.DEMO_TARGET_URL;
  const token = process.env.DEMO_TARGET_TOKEN;
  return url && token ? { url: url.replace(/\/+$/, ""), token } : null;
}
