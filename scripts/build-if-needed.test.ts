import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildIsStale } from "./build-if-needed";

// `npm start` builds when the build is stale. Real processes here, as two `npm start`s in one checkout would be:
// each runs buildIfNeeded in a temporary project whose `next build` is a stand-in that records that it ran and
// then waits for the test's go-ahead (a file), so the test decides what happens while a build is under way.
// (Extensionless, as next's own bin is, so Node runs it as CommonJS.)

const moduleUrl = new URL("./build-if-needed.ts", import.meta.url).href;
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");

const FAKE_NEXT = `
const { appendFileSync, existsSync, mkdirSync, writeFileSync } = require("node:fs");
appendFileSync("builds.log", process.pid + "\\n");
const wait = () => {
  if (!existsSync("release")) return setTimeout(wait, 20);
  mkdirSync(".next", { recursive: true });
  writeFileSync(".next/BUILD_ID", "build-" + process.pid);
};
wait();
`;

let root: string;
const started: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "warroom-build-"));
  await mkdir(path.join(root, "app"), { recursive: true });
  await writeFile(path.join(root, "app", "page.tsx"), "export default function Page() { return 'one'; }\n");
  await mkdir(path.join(root, "node_modules", "next", "dist", "bin"), { recursive: true });
  await writeFile(path.join(root, "node_modules", "next", "dist", "bin", "next"), FAKE_NEXT);
});
afterEach(async () => {
  for (const child of started) if (child.exitCode === null) child.kill();
  started.length = 0;
  await rm(root, { recursive: true, force: true });
});

/** A process that runs buildIfNeeded in the temporary project; resolves with its output when it ends. */
function startOnce() {
  const child = spawn(tsx, ["-e", `import(${JSON.stringify(moduleUrl)}).then((m) => m.buildIfNeeded((line) => console.log(line))).catch((e) => { console.error(e); process.exit(1); });`], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.on("exit", (code) => resolve({ code, output })));
  return { done, output: () => output };
}

const builds = async () => (existsSync(path.join(root, "builds.log")) ? (await readFile(path.join(root, "builds.log"), "utf8")).trim().split("\n").filter(Boolean).length : 0);
const release = () => writeFile(path.join(root, "release"), "");

describe("buildIfNeeded", () => {
  it("builds once when two starts find the same stale build: the second waits for the first's", async () => {
    const first = startOnce();
    await expect.poll(builds, { timeout: 30_000 }).toBe(1);
    const second = startOnce();
    // The second either starts a build of its own (the race) or says it waits for the running one.
    await expect.poll(async () => (await builds()) > 1 || /waiting for/.test(second.output()), { timeout: 30_000 }).toBe(true);
    await release();
    const results = await Promise.all([first.done, second.done]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(await builds()).toBe(1);
    expect(await buildIsStale(root)).toBe(false);
  }, 60_000);

  it("treats a build as stale when a source changed while it was being built", async () => {
    const run = startOnce();
    await expect.poll(builds, { timeout: 30_000 }).toBe(1);
    // Edited after the build read its sources but before it finished: the build does not have this change.
    await writeFile(path.join(root, "app", "page.tsx"), "export default function Page() { return 'two'; }\n");
    await release();
    expect((await run.done).code).toBe(0);
    expect(await buildIsStale(root)).toBe(true);
  }, 60_000);

  it("takes over the lock of a build whose process died", async () => {
    const dead = spawn(process.execPath, ["-e", ""]);
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.on("exit", resolve));
    await writeFile(path.join(root, ".next-build.lock"), `${deadPid}\n`);
    await release();
    expect((await startOnce().done).code).toBe(0);
    expect(await builds()).toBe(1);
    expect(existsSync(path.join(root, ".next-build.lock"))).toBe(false);
    expect(await buildIsStale(root)).toBe(false);
  }, 60_000);

  it("does not build again when nothing changed since the last build", async () => {
    await release();
    expect((await startOnce().done).code).toBe(0);
    expect((await startOnce().done).code).toBe(0);
    expect(await builds()).toBe(1);
  }, 60_000);
});
