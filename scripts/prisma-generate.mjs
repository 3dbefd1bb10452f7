// `prisma generate` wants a schema-engine binary before it starts, though generating does not use it, and the
// binary cannot be downloaded offline. Any existing file satisfies the check (see README, "Prisma offline").
import { spawnSync } from "node:child_process";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
