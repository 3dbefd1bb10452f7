import "server-only";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import type { UserPrincipal } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { AcceptInvitationInput, CreateInvitationInput } from "@/lib/schemas/users";
import { badRequest, conflict, DomainError, notFound } from "./errors";
import { hashPassword } from "./users";

// Single-use links that let a person set their own password: an admin's invitation (e-mail and role fixed by
// the admin), and the first-run setup link that creates the first admin. The token is shown once (in the link);
// only its SHA-256 is stored. Using a link consumes it in the same transaction that creates the user.

export const INVITATION_PATH = "/invite/";
const DEFAULT_INVITATION_HOURS = 72;
const SETUP_LINK_HOURS = 1;

const invitationSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  usedAt: true,
  revokedAt: true,
  createdBy: { select: { id: true, name: true } },
} satisfies Prisma.InvitationSelect;

type InvitationRow = Prisma.InvitationGetPayload<{ select: typeof invitationSelect }>;

function toInvitationView(row: InvitationRow, now = new Date()) {
  const state: "used" | "revoked" | "expired" | "pending" = row.usedAt ? "used" : row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "pending";
  return { ...row, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString(), usedAt: row.usedAt?.toISOString() ?? null, revokedAt: row.revokedAt?.toISOString() ?? null, state };
}
export type InvitationView = ReturnType<typeof toInvitationView>;

export async function createInvitation(admin: UserPrincipal, input: CreateInvitationInput) {
  const db = getDb();
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw conflict("A user with this e-mail already exists");
  const token = generateToken("invite");
  const row = await db.invitation.create({
    data: {
      email: input.email,
      name: input.name,
      role: input.role,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + (input.expiresInHours ?? DEFAULT_INVITATION_HOURS) * 3_600_000),
      createdById: admin.userId,
    },
    select: invitationSelect,
  });
  return { invitation: toInvitationView(row), token, path: INVITATION_PATH + token };
}

export async function listInvitations(): Promise<InvitationView[]> {
  const rows = await getDb().invitation.findMany({ where: { email: { not: null } }, select: invitationSelect, orderBy: { createdAt: "desc" }, take: 200 });
  const now = new Date();
  return rows.map((row) => toInvitationView(row, now));
}

export async function revokeInvitation(invitationId: string): Promise<InvitationView> {
  const row = await getDb().invitation.findUnique({ where: { id: invitationId }, select: invitationSelect });
  if (!row || !row.email) throw notFound("Invitation");
  if (row.usedAt || row.revokedAt) return toInvitationView(row);
  return toInvitationView(await getDb().invitation.update({ where: { id: invitationId }, data: { revokedAt: new Date() }, select: invitationSelect }));
}

/** What the invitation page shows before the person sets a password: the e-mail and role, or null for a dead link. */
export async function findOpenInvitation(token: string) {
  if (!token || token.length > 200) return null;
  const row = await getDb().invitation.findUnique({ where: { tokenHash: hashToken(token) }, select: { email: true, name: true, role: true, usedAt: true, revokedAt: true, expiresAt: true } });
  if (!row || row.usedAt || row.revokedAt || row.expiresAt <= new Date()) return null;
  return { email: row.email, name: row.name, role: row.role, setup: row.email === null };
}

const deadLink = () => new DomainError("not_found", 404, "This link has been used, has expired, or does not exist");

/** Uses the link once: creates the user with their own password. A used, revoked or expired link is a 404. */
export async function acceptInvitation(input: AcceptInvitationInput) {
  const db = getDb();
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const now = new Date();
    // Consume first (a conditional update): two people racing on one link cannot both get an account.
    const [invitation] = await tx.invitation.updateManyAndReturn({
      where: { tokenHash: hashToken(input.token), usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
      select: { id: true, email: true, role: true },
    });
    if (!invitation) throw deadLink();
    const email = invitation.email ?? input.email;
    if (!email) throw badRequest("The setup link needs the admin's e-mail", { email: ["is required"] });
    // The setup link creates the first admin only: once anyone exists it is dead.
    if (!invitation.email && (await tx.user.count()) > 0) throw deadLink();
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw conflict("A user with this e-mail already exists");
    const user = await tx.user.create({ data: { email, name: input.name, role: invitation.role, passwordHash }, select: { id: true, email: true, name: true, role: true } });
    await tx.invitation.update({ where: { id: invitation.id }, data: { userId: user.id } });
    return user;
  });
}

/**
 * First run: with no user at all, a single-use link (1 hour) that creates the first admin. Earlier setup links are
 * revoked, so only the one printed last works. Null when someone exists (nothing to set up).
 */
export async function createSetupLinkIfNoUsers(): Promise<{ token: string; path: string; expiresAt: Date } | null> {
  const db = getDb();
  return db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) return null;
    await tx.invitation.updateMany({ where: { email: null, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    const token = generateToken("invite");
    const expiresAt = new Date(Date.now() + SETUP_LINK_HOURS * 3_600_000);
    await tx.invitation.create({ data: { email: null, role: "ADMIN", tokenHash: hashToken(token), expiresAt } });
    return { token, path: INVITATION_PATH + token, expiresAt };
  });
}
