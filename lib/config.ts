import { z } from "zod";

// Every environment variable War Room reads, validated once at start (README: "Configuration").
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  WARROOM_DATA_DIR: z.string().min(1).default(".data"),
  WARROOM_PG_PORT: z.coerce.number().int().min(1).max(65_535).default(54329),
  WARROOM_DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  WARROOM_DEMO: z.enum(["auto", "off"]).default("auto"),
  // Encrypts action secret headers (lib/actions/secret-box.ts); generated into <data dir>/secret-key when unset.
  WARROOM_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v.trim(), "base64").length === 32, "must be base64 of 32 bytes (openssl rand -base64 32)")
    .optional(),
  // A demo target you run yourself (lib/demo-target/cli.ts) for the demo rollout's actions; else one is started.
  DEMO_TARGET_URL: z.string().url().optional(),
  DEMO_TARGET_TOKEN: z.string().min(1).optional(),
  // Background workers (metric pollers, gate evaluator, sample compaction): see lib/workers/.
  WARROOM_WORKERS: z.enum(["on", "off"]).default("on"),
  WARROOM_EVAL_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5000),
  WARROOM_POLL_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How often runs left RUNNING by a crash, and approvals past their window, are resolved. */
  WARROOM_REAP_INTERVAL_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  WARROOM_COMPACT_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  WARROOM_LEADER_RETRY_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  WARROOM_SOURCE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // Notification delivery (lib/domain/notification-delivery.ts): how often due deliveries are sent, and the first retry delay.
  WARROOM_NOTIFY_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  WARROOM_NOTIFY_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  // How often reminders (overdue items, waiting gates, stakeholder updates) are looked for (lib/domain/reminders.ts).
  WARROOM_REMINDER_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  // How often login throttle rows whose window has passed are deleted (lib/domain/login-throttle.ts).
  WARROOM_THROTTLE_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  // Demo mode's demo target (lib/demo/target.ts): 0 = a free port (then kept in WARROOM_DATA_DIR for restarts).
  WARROOM_DEMO_TARGET_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  WARROOM_DEMO_BAD_BUILD_ABOVE_PERCENT: z.coerce.number().min(0).max(100).default(25),
  // How long every headline metric must stay healthy after a rollback before the stakeholder page says Resolved.
  WARROOM_STATUS_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  return parsed.data;
}
