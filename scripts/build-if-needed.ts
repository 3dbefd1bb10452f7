import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

// `npm start` builds when there is no production build or the sources differ from the ones it was built from,
// so a fresh clone and a `git pull` both just work.
//
// The marker is the hash of the sources taken *before* the build started, written (atomically) into .next once
// the build succeeded: a source edited while `next build` ran makes the next start rebuild, where comparing
// mtimes with BUILD_ID (written at the end) called that build fresh. Only one process builds a checkout at a
// time: the others wait on a lock file (with its owner's pid; a dead owner's lock is taken over) and then look
// again, so two starts that find the same stale build build it once.

const SOURCES = ["app", "components", "lib", "public", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
const MARKER = path.join(".next", "warroom-source-hash");
// Outside .next: `next build` empties its output folder when it starts.
const LOCK = ".next-build.lock";
const LOCK_POLL_MS = 250;

async function hashEntry(root: string, entry: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const full = path.join(root, entry);
  if (!existsSync(full)) return;
  const info = await stat(full);
  if (info.isDirectory()) {
    for (const child of (await readdir(full)).sort()) await hashEntry(root, path.join(entry, child), hash);
    return;
  }
  hash.update(`${entry.split(path.sep).join("/")}\0${info.size}\0`);
  hash.update(await readFile(full));
  hash.update("\0");
}

/** A hash of every file the build reads from the project (names and contents). */
export async function sourceHash(root = process.cwd()): Promise<string> {
  const hash = createHash("sha256");
  for (const entry of SOURCES) await hashEntry(root, entry, hash);
  return hash.digest("hex");
}

async function builtHash(root: string): Promise<string | null> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) return null;
  return readFile(path.join(root, MARKER), "utf8").then((s) => s.trim(), () => null);
}

export async function buildIsStale(root = process.cwd()): Promise<boolean> {
  return (await builtHash(root)) !== (await sourceHash(root));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Takes the build lock, or answers the pid of the live process that holds it. A dead holder's lock is removed. */
async function tryLock(root: string): Promise<{ release: () => Promise<void> } | { heldBy: number }> {
  const lock = path.join(root, LOCK);
  // Written in full under another name, then linked into place (fails if the lock exists): a lock is never
  // seen without its pid.
  const mine = `${lock}.${process.pid}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    await link(mine, lock);
    return { release: () => rm(lock, { force: true }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(mine, { force: true });
  }
  const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
  if (Number.isInteger(holder) && holder > 0 && alive(holder)) return { heldBy: holder };
  // A crashed build's lock: remove it and try again.
  await rm(lock, { force: true });
  return { heldBy: 0 };
}

function runNextBuild(root: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})`))));
  });
}

export async function buildIfNeeded(log: (line: string) => void, root = process.cwd()): Promise<void> {
  let saidWaiting = false;
  for (;;) {
    if (!(await buildIsStale(root))) return;
    const lock = await tryLock(root);
    if ("heldBy" in lock) {
      if (lock.heldBy && !saidWaiting) log(`waiting for the build of another process (pid ${lock.heldBy}) to finish`);
      saidWaiting ||= lock.heldBy > 0;
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      continue;
    }
    try {
      // Looked at again under the lock: the holder before us may just have built these very sources.
      const hash = await sourceHash(root);
      if ((await builtHash(root)) === hash) return;
      log("building the app (next build) — first start only, about a minute");
      await runNextBuild(root);
      await mkdir(path.join(root, ".next"), { recursive: true });
      const temporary = path.join(root, `${MARKER}.${process.pid}`);
      await writeFile(temporary, `${hash}\n`);
      await rename(temporary, path.join(root, MARKER));
      return;
    } finally {
      await lock.release();
    }
  }
}
