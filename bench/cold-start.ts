import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { findFreePort } from "../lib/db/embedded";

// Cold start of `npm start` (already built) to a 200 from /api/health, with embedded Postgres initialised
// from nothing (first start) and warm (second start on the same data); baseline: a bare Node HTTP server
// process answering its first request (the floor of spawning Node at all).

async function firstOk(url: string, deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      http.get(url, (res) => (res.resume(), resolve(res.statusCode === 200))).on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no 200 from ${url} in time`);
}

async function timeProcess(args: string[], env: Record<string, string>, url: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: "ignore" });
  try {
    await firstOk(url, started + 180_000);
    return performance.now() - started;
  } finally {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
}

export type ColdStartResult = { firstStartMs: number; warmStartMs: number; bareNodeMs: number };

export async function measureColdStart(): Promise<ColdStartResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-cold-"));
  await chmod(dataDir, 0o755);
  try {
    const port = await findFreePort();
    const env = { PORT: String(port), HOST: "127.0.0.1", WARROOM_DATA_DIR: dataDir, WARROOM_DEMO_PASSWORD: "cold-start-pass", DATABASE_URL: "" };
    const url = `http://127.0.0.1:${port}/api/health`;
    const firstStartMs = await timeProcess(["--import", "tsx", "scripts/start.ts"], env, url);
    const warmStartMs = await timeProcess(["--import", "tsx", "scripts/start.ts"], env, url);
    const barePort = await findFreePort();
    const bareNodeMs = await timeProcess(
      ["-e", `require("http").createServer((q,s)=>s.end("ok")).listen(${barePort},"127.0.0.1")`],
      {},
      `http://127.0.0.1:${barePort}/`,
    );
    return { firstStartMs, warmStartMs, bareNodeMs };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
