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
