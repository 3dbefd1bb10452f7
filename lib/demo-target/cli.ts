// Starts the demo target for manual use: `DEMO_TARGET_TOKEN=secret npx tsx lib/demo-target/cli.ts`.
// Env: DEMO_TARGET_PORT (default 4010), DEMO_TARGET_HOST (default 127.0.0.1), DEMO_TARGET_TOKEN (default "demo-token",
// fine on a laptop only), DEMO_TARGET_BAD_BUILD_ABOVE_PERCENT (default 25).
import { startDemoTarget } from "./server";

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return value;
}

const token = process.env.DEMO_TARGET_TOKEN?.trim() || "demo-token";
if (!process.env.DEMO_TARGET_TOKEN) console.warn('DEMO_TARGET_TOKEN is not set; using "demo-token".');

const target = await startDemoTarget({
  port: intFromEnv("DEMO_TARGET_PORT", 4010),
  host: process.env.DEMO_TARGET_HOST?.trim() || "127.0.0.1",
  token,
  badBuildAbovePercent: intFromEnv("DEMO_TARGET_BAD_BUILD_ABOVE_PERCENT", 25),
});

console.log(`Demo target listening on ${target.url}`);
console.log(`  health:   curl ${target.url}/health`);
console.log(`  metrics:  curl ${target.url}/metrics`);
console.log(
  `  canary:   curl -X POST -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' -d '{"percentage":50}' ${target.url}/api/admin/feature-flags`,
);
console.log(`  rollback: curl -X POST -H 'Authorization: Bearer <token>' ${target.url}/api/admin/rollback`);

const shutdown = (signal: string) => {
  console.log(`${signal}: stopping demo target`);
  target.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once("SIGINT", () => shutdown("SIGINT"));
process.once("SIGTERM", () => shutdown("SIGTERM"));
