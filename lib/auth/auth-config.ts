import { z } from "zod";
import { roleSchema } from "@/lib/schemas/runbook";
import type { Role } from "@/lib/db/generated/enums";

// How people sign in (README, "Signing in"): passwords, OpenID Connect, or both; read from the environment once.

const roleMapSchema = z
  .string()
  .transform((text, ctx) => {
    const map: Record<string, Role> = {};
    for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const i = pair.lastIndexOf("=");
      const role = roleSchema.safeParse(pair.slice(i + 1).trim().toUpperCase());
      if (i <= 0 || !role.success) {
        ctx.addIssue({ code: "custom", message: `"${pair}" is not group=ROLE (ADMIN, COMMANDER, ENGINEER or VIEWER)` });
        return z.NEVER;
      }
      map[pair.slice(0, i).trim()] = role.data;
    }
    return map;
  });

export const authEnvSchema = z
  .object({
    WARROOM_AUTH: z.enum(["passwords", "oidc", "both"]).default("passwords"),
    WARROOM_OIDC_ISSUER: z.string().url().optional(),
    WARROOM_OIDC_CLIENT_ID: z.string().min(1).optional(),
    WARROOM_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    WARROOM_OIDC_NAME: z.string().min(1).default("Single sign-on"),
    WARROOM_OIDC_SCOPES: z.string().min(1).default("openid email profile"),
    WARROOM_OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
    WARROOM_OIDC_ROLE_MAP: roleMapSchema.default({}),
    WARROOM_OIDC_PROVISIONING: z.enum(["auto", "invite"]).default("invite"),
    // Origins allowed to open a WebSocket, comma-separated; default: the public URL's origin.
    WARROOM_ALLOWED_ORIGINS: z.string().optional(),
    NEXTAUTH_URL: z.string().url().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.WARROOM_AUTH === "passwords") return;
    for (const key of ["WARROOM_OIDC_ISSUER", "WARROOM_OIDC_CLIENT_ID", "WARROOM_OIDC_CLIENT_SECRET"] as const) {
      if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: `is required when WARROOM_AUTH is ${env.WARROOM_AUTH}` });
    }
  });

export type AuthEnv = z.infer<typeof authEnvSchema>;

export function readAuthEnv(source: Record<string, string | undefined> = process.env): AuthEnv {
  const parsed = authEnvSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid sign-in configuration:\n${lines}`);
  }
  return parsed.data;
}

export const passwordsEnabled = (env: AuthEnv) => env.WARROOM_AUTH !== "oidc";
export const oidcEnabled = (env: AuthEnv) => env.WARROOM_AUTH !== "passwords";

const ROLE_RANK: Record<Role, number> = { ADMIN: 4, COMMANDER: 3, ENGINEER: 2, VIEWER: 1 };

/** The highest role any of the groups maps to, or null when none is mapped (then sign-in is refused). */
export function roleForGroups(groups: readonly string[], map: Record<string, Role>): Role | null {
  let best: Role | null = null;
  for (const group of groups) {
    const role = map[group];
    if (role && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  }
  return best;
}

/** The groups claim as a list, whatever shape the provider sent (array, or one string). */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  if (typeof value === "string") return [value];
  return [];
}

/**
 * Only a same-origin path is a place to go after signing in: `/rollouts/x`, never `//evil`, `/\evil`, a path whose
 * percent-encoding hides a slash, backslash or control character (`/%09/evil.example`), nor an absolute URL.
 */
export function safeCallbackPath(candidate: string | null | undefined, fallback = "/rollouts"): string {
  if (!candidate || candidate.length > 2000) return fallback;
  const unsafe = (path: string) => !path.startsWith("/") || path.startsWith("//") || /[\\\s\u0000-\u001f\u007f]/.test(path);
  if (unsafe(candidate)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(candidate);
  } catch {
    return fallback;
  }
  if (unsafe(decoded) || /^\/[/\\]/.test(decoded.replace(/[\s\u0000-\u001f\u007f]/g, ""))) return fallback;
  const base = new URL("http://warroom.invalid");
  const resolved = new URL(candidate, base);
  if (resolved.origin !== base.origin) return fallback;
  return resolved.pathname + resolved.search + resolved.hash;
}

/** Origins a browser may open a WebSocket from: the configured list, else the public URL's origin. */
export function allowedOrigins(env: AuthEnv): string[] | null {
  if (env.WARROOM_ALLOWED_ORIGINS) return env.WARROOM_ALLOWED_ORIGINS.split(",").map((o) => o.trim().replace(/\/$/, "")).filter(Boolean);
  if (env.NEXTAUTH_URL) return [new URL(env.NEXTAUTH_URL).origin];
  return null;
}
