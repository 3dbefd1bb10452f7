import "server-only";
import { getDb } from "@/lib/db/client";
import { invalidatePrincipals } from "@/lib/auth/invalidate";
import { actorOf, SYSTEM_ACTOR, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { invalidateCachedPrincipals } from "@/lib/auth/principal-cache";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import type { TokenGrant } from "@/lib/auth/token-scope";
import type { Prisma } from "@/lib/db/generated/client";
import type { ApiTokenScopeName, createTokenSchema } from "@/lib/schemas/users";
import type { z } from "zod";
import { badRequest, forbidden, notFound } from "./errors";
import { changeRollout } from "./events";
import { jsonify } from "./json";

/**
 * Creates an API token for `userId`; the token itself is returned once and only its hash is kept. `scope` (FULL
 * unless given) and `rolloutIds` (every rollout unless given) limit it; its owner's role still applies on top.
 */
export async function createApiToken(userId: string, name: string, opts: { expiresAt?: Date; scope?: ApiTokenScopeName; rolloutIds?: string[] } = {}) {
  const token = generateToken("api");
  const row = await getDb().apiToken.create({
    data: {
      userId,
      name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 12),
      expiresAt: opts.expiresAt,
      scope: opts.scope ?? "FULL",
      allRollouts: opts.rolloutIds === undefined,
      rollouts: opts.rolloutIds ? { create: opts.rolloutIds.map((rolloutId) => ({ rolloutId })) } : undefined,
    },
    select: apiTokenViewSelect,
  });
  return { ...toApiTokenView(row), token };
}

/**
 * The signed-in user's new token (POST /api/v1/tokens). 400 naming `rolloutIds.N` for a rollout that does not
 * exist, and naming `scope` for a scope the user's role cannot use at all (a viewer's push-only token).
 */
export async function createOwnApiToken(principal: UserPrincipal, input: CreateTokenInputParsed) {
  if (input.scope === "METRICS_PUSH" && !can(principal.role, "metrics.push")) {
    throw badRequest(`Your role (${principal.role}) cannot push metrics`, { scope: [`METRICS_PUSH needs a role that may push metrics (not ${principal.role})`] });
  }
  if (input.rolloutIds) {
    const found = new Set((await getDb().rollout.findMany({ where: { id: { in: input.rolloutIds } }, select: { id: true } })).map((r) => r.id));
    const fields: Record<string, string[]> = {};
    input.rolloutIds.forEach((id, i) => {
      if (!found.has(id)) fields[`rolloutIds.${i}`] = ["is not a rollout"];
    });
    if (Object.keys(fields).length) throw badRequest("rolloutIds names rollouts that do not exist", fields);
  }
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : undefined;
  return createApiToken(principal.userId, input.name, { expiresAt, scope: input.scope, rolloutIds: input.rolloutIds });
}

/** Revokes a token (its sockets close at once). Revoking a revoked token changes nothing. */
export async function revokeApiToken(tokenId: string) {
  const row = await getDb().apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, select: { userId: true } });
  invalidateCachedPrincipals({ apiTokenId: tokenId });
  await invalidatePrincipals(row.userId);
}

const apiTokenViewSelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  scope: true,
  allRollouts: true,
  rollouts: { select: { rollout: { select: { id: true, name: true } } }, orderBy: { rollout: { name: "asc" } } },
} satisfies Prisma.ApiTokenSelect;

/** A token as its owner sees it: never the token nor its hash; `rollouts` null means every rollout. */
function toApiTokenView(row: Prisma.ApiTokenGetPayload<{ select: typeof apiTokenViewSelect }>, now = new Date()) {
  const { allRollouts, rollouts, ...rest } = row;
  const state: "active" | "expired" | "revoked" = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return jsonify({ ...rest, rollouts: allRollouts ? null : rollouts.map((r) => r.rollout), state });
}

/** One's own API tokens, newest first: never the token nor its hash. */
export async function listOwnApiTokens(userId: string) {
  const rows = await getDb().apiToken.findMany({ where: { userId }, select: apiTokenViewSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const now = new Date();
  return rows.map((row) => toApiTokenView(row, now));
}

/** Revokes one of the caller's own tokens (admins revoke anyone's by deactivating them). Someone else's is a 404. */
export async function revokeOwnApiToken(principal: UserPrincipal, tokenId: string) {
  const row = await getDb().apiToken.findUnique({ where: { id: tokenId }, select: { userId: true, revokedAt: true } });
  if (!row || row.userId !== principal.userId) throw notFound("API token");
  if (!row.revokedAt) await revokeApiToken(tokenId);
  const [view] = (await listOwnApiTokens(principal.userId)).filter((t) => t.id === tokenId);
  return view;
}

export type ApiTokenView = Awaited<ReturnType<typeof listOwnApiTokens>>[number];
type CreateTokenInputParsed = z.infer<typeof createTokenSchema>;

// lastUsedAt is written at most once a minute per token: the hot path reads, it does not write every time.
const LAST_USED_GRANULARITY_MS = 60_000;

/** The active user behind a live API token (given by its hash), or null (unknown, revoked, expired, or its user deactivated). */
export async function findUserByApiToken(tokenHash: string) {
  const row = await getDb().apiToken.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      scope: true,
      allRollouts: true,
      rollouts: { select: { rolloutId: true } },
      user: { select: { id: true, email: true, name: true, role: true, deactivatedAt: true } },
    },
  });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.deactivatedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    void getDb().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  const grant: TokenGrant = { scope: row.scope, rolloutIds: row.allRollouts ? null : row.rollouts.map((r) => r.rolloutId) };
  return { user: row.user, tokenId: row.id, expiresAt: row.expiresAt, grant };
}

/** A stakeholder link to one rollout. The URL is shown once; revoking it closes open status pages. */
export async function createShareToken(principal: UserPrincipal, rolloutId: string, opts: { label?: string; expiresAt?: Date } = {}) {
  if (!can(principal.role, "share.manage")) throw forbidden("Only a commander or an admin can share a rollout");
  return insertShareToken(rolloutId, actorOf(principal), principal.userId, opts);
}

/** The demo seed's stakeholder link, recorded as War Room's own action. */
export function createSeedShareToken(rolloutId: string) {
  return insertShareToken(rolloutId, SYSTEM_ACTOR, null, { label: "Demo stakeholder link" });
}

async function insertShareToken(rolloutId: string, actor: Actor, createdById: string | null, opts: { label?: string; expiresAt?: Date }) {
  const token = generateToken("share");
  const { result } = await changeRollout(rolloutId, actor, async (tx, record) => {
    const row = await tx.shareToken.create({
      data: { rolloutId, tokenHash: hashToken(token), label: opts.label, expiresAt: opts.expiresAt, createdById },
      select: { id: true, label: true, createdAt: true, expiresAt: true },
    });
    await record("share.created", { shareTokenId: row.id, label: row.label ?? null, expiresAt: row.expiresAt });
    return row;
  });
  return { ...result, token };
}

/**
 * Revokes a stakeholder link: its status page answers 404 and its open sockets are closed (lib/realtime/server.ts
 * acts on the `share.revoked` event). Revoking a revoked link changes nothing and records nothing.
 */
export async function revokeShareToken(principal: UserPrincipal, shareTokenId: string) {
  if (!can(principal.role, "share.manage")) throw forbidden("Only a commander or an admin can revoke a share link");
  const { result } = await changeRollout({ via: "ShareToken", id: shareTokenId }, actorOf(principal), async (tx, record) => {
    const current = await tx.shareToken.findUniqueOrThrow({ where: { id: shareTokenId }, select: shareLinkSelect });
    if (current.revokedAt) return current;
    const row = await tx.shareToken.update({ where: { id: shareTokenId }, data: { revokedAt: new Date() }, select: shareLinkSelect });
    await record("share.revoked", { shareTokenId });
    return row;
  });
  return toShareLinkView(result);
}

// A stakeholder link as its managers see it: never the token (only its hash is stored) nor the hash.
const shareLinkSelect = {
  id: true,
  rolloutId: true,
  label: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  createdBy: { select: { id: true, name: true } },
} satisfies Prisma.ShareTokenSelect;

function toShareLinkView(row: Prisma.ShareTokenGetPayload<{ select: typeof shareLinkSelect }>, now = new Date()) {
  const state: ShareLinkState = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return jsonify({ ...row, state });
}
export type ShareLinkState = "active" | "expired" | "revoked";
export type ShareLinkView = ReturnType<typeof toShareLinkView>;

/** A rollout's stakeholder links, newest first, for a commander or an admin. */
export async function listShareTokens(principal: UserPrincipal, rolloutId: string) {
  if (!can(principal.role, "share.manage")) throw forbidden("Only a commander or an admin can manage share links");
  const db = getDb();
  const [rollout, rows] = await Promise.all([
    db.rollout.findUnique({ where: { id: rolloutId }, select: { id: true } }),
    db.shareToken.findMany({ where: { rolloutId }, select: shareLinkSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  ]);
  if (!rollout) throw notFound("Rollout");
  const now = new Date();
  return rows.map((row) => toShareLinkView(row, now));
}

/** The rollout a live share token grants, or null (unknown, revoked or expired). */
export async function findShareGrant(token: string) {
  const row = await getDb().shareToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, rolloutId: true, revokedAt: true, expiresAt: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  return { shareTokenId: row.id, rolloutId: row.rolloutId, expiresAt: row.expiresAt?.toISOString() ?? null };
}
