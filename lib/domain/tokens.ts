import { getDb } from "@/lib/db/client";
import { actorOf, SYSTEM_ACTOR, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import { forbidden } from "./errors";
import { changeRollout } from "./events";

/** Creates an API token for `userId`; the token itself is returned once and only its hash is kept. */
export async function createApiToken(userId: string, name: string, opts: { expiresAt?: Date } = {}) {
  const token = generateToken("api");
  const row = await getDb().apiToken.create({
    data: { userId, name, tokenHash: hashToken(token), prefix: token.slice(0, 12), expiresAt: opts.expiresAt },
    select: { id: true, name: true, prefix: true, createdAt: true, expiresAt: true },
  });
  return { ...row, token };
}

export async function revokeApiToken(tokenId: string) {
  await getDb().apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
}

/** The user behind a live API token, or null (unknown, revoked or expired). */
export async function findUserByApiToken(token: string) {
  const row = await getDb().apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true, expiresAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  return row.user;
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

export async function revokeShareToken(principal: UserPrincipal, shareTokenId: string) {
  if (!can(principal.role, "share.manage")) throw forbidden("Only a commander or an admin can revoke a share link");
  await changeRollout({ via: "ShareToken", id: shareTokenId }, actorOf(principal), async (tx, record) => {
    await tx.shareToken.update({ where: { id: shareTokenId }, data: { revokedAt: new Date() } });
    await record("share.revoked", { shareTokenId });
  });
}

/** The rollout a live share token grants, or null (unknown, revoked or expired). */
export async function findShareGrant(token: string) {
  const row = await getDb().shareToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, rolloutId: true, revokedAt: true, expiresAt: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  return { shareTokenId: row.id, rolloutId: row.rolloutId };
}
