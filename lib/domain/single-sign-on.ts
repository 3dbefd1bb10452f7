import "server-only";
import { announcePrincipalChange, bumpSessionVersion } from "@/lib/auth/invalidate";
import { roleForGroups, type AuthEnv } from "@/lib/auth/auth-config";
import { getDb } from "@/lib/db/client";
import { endUserSessions } from "./sessions";

// Who an OpenID Connect sign-in is. The provider's groups decide the role on every sign-in (group → role map);
// a person with no mapped group is refused, and if they had an account its sessions end (their group was taken
// away). New people get an account when provisioning is "auto", or when an admin invited their e-mail.

/** `emailVerified`: false only when the provider says the address is unverified (then it links and provisions nothing). */
export type OidcIdentity = { subject: string; email: string | null; name: string | null; groups: string[]; emailVerified?: boolean };
export type OidcSignIn = { ok: true; user: { id: string; email: string; name: string } } | { ok: false; reason: "no_group" | "not_invited" | "deactivated" | "no_email" };

export async function resolveOidcSignIn(identity: OidcIdentity, env: Pick<AuthEnv, "WARROOM_OIDC_ROLE_MAP" | "WARROOM_OIDC_PROVISIONING">): Promise<OidcSignIn> {
  const db = getDb();
  const role = roleForGroups(identity.groups, env.WARROOM_OIDC_ROLE_MAP);
  // An unverified address must not take over the account that has it.
  const email = identity.emailVerified === false ? null : identity.email?.trim().toLowerCase() || null;
  const existing =
    (await db.user.findUnique({ where: { oidcSubject: identity.subject } })) ?? (email ? await db.user.findUnique({ where: { email } }) : null);

  if (!role) {
    if (existing && !existing.deactivatedAt) {
      await db.$transaction(async (tx) => {
        await endUserSessions(existing.id, { tx });
        await bumpSessionVersion(existing.id, tx);
      });
      announcePrincipalChange(existing.id);
    }
    return { ok: false, reason: "no_group" };
  }
  if (existing) {
    if (existing.deactivatedAt) return { ok: false, reason: "deactivated" };
    const changed = existing.role !== role;
    const user = await db.$transaction(async (tx) => {
      const updated = await tx.user.update({ where: { id: existing.id }, data: { role, oidcSubject: identity.subject }, select: { id: true, email: true, name: true } });
      if (changed) await bumpSessionVersion(existing.id, tx);
      return updated;
    });
    if (changed) announcePrincipalChange(existing.id);
    return { ok: true, user };
  }
  if (!email) return { ok: false, reason: "no_email" };
  const name = identity.name?.trim() || email;
  return db.$transaction(async (tx): Promise<OidcSignIn> => {
    if (env.WARROOM_OIDC_PROVISIONING === "invite") {
      const [invitation] = await tx.invitation.updateManyAndReturn({
        where: { email, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
        select: { id: true },
      });
      if (!invitation) return { ok: false, reason: "not_invited" };
      const user = await tx.user.create({ data: { email, name, role, oidcSubject: identity.subject }, select: { id: true, email: true, name: true } });
      await tx.invitation.updateMany({ where: { email, userId: null, usedAt: { not: null } }, data: { userId: user.id } });
      return { ok: true, user };
    }
    const user = await tx.user.create({ data: { email, name, role, oidcSubject: identity.subject }, select: { id: true, email: true, name: true } });
    return { ok: true, user };
  });
}
