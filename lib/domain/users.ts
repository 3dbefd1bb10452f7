import "server-only";
import bcrypt from "bcryptjs";
import { z } from "zod";
import { announcePrincipalChange, bumpSessionVersion } from "@/lib/auth/invalidate";
import type { UserPrincipal } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { roleSchema } from "@/lib/schemas/runbook";
import { changePasswordSchema, type CreateUserInput, type UpdateUserInput } from "@/lib/schemas/users";
import { badRequest, conflict, notFound } from "./errors";
import { endUserSessions } from "./sessions";

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email("must be an e-mail address").max(320),
  password: z.string().min(1, "is required").max(200),
});

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  name: z.string().trim().min(1).max(200),
  role: roleSchema,
  password: z.string().min(8, "must be at least 8 characters").max(200),
});

const BCRYPT_ROUNDS = 10;
// Compared against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync("not-a-real-password", BCRYPT_ROUNDS);

export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_ROUNDS);

export async function createUser(input: z.input<typeof newUserSchema>) {
  const user = newUserSchema.parse(input);
  const passwordHash = await hashPassword(user.password);
  return getDb().user.create({
    data: { email: user.email, name: user.name, role: user.role, passwordHash },
    select: { id: true, email: true, name: true, role: true },
  });
}

/** The active user for these credentials, or null. Never says which half was wrong. */
export async function verifyCredentials(input: unknown) {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await getDb().user.findUnique({ where: { email: parsed.data.email } });
  const ok = await bcrypt.compare(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
  return ok && user && user.passwordHash && !user.deactivatedAt ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
}

export async function countUsers() {
  return getDb().user.count();
}

/** Active users only: a deactivated user's credentials are as good as none. */
export async function findUserForPrincipal(userId: string) {
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, role: true, deactivatedAt: true, sessionVersion: true } });
  return user && !user.deactivatedAt ? user : null;
}

// A user as admins (and the API) see them: the hash and the OIDC subject are read only to say whether they exist.
export const userViewSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  deactivatedAt: true,
  oidcSubject: true,
  passwordHash: true,
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof userViewSelect }>;
const toUserView = ({ oidcSubject, passwordHash, ...row }: UserRow) => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
  active: !row.deactivatedAt,
  singleSignOn: Boolean(oidcSubject),
  hasPassword: Boolean(passwordHash),
});
export type UserView = ReturnType<typeof toUserView>;

export async function listUsers(): Promise<UserView[]> {
  const rows = await getDb().user.findMany({ select: userViewSelect, orderBy: [{ deactivatedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }] });
  return rows.map(toUserView);
}

/** Active people one can assign an item to, for pickers. */
export async function listAssignableUsers() {
  return getDb().user.findMany({ where: { deactivatedAt: null }, select: { id: true, name: true, role: true }, orderBy: { name: "asc" } });
}

export async function getUser(userId: string): Promise<UserView> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: userViewSelect });
  if (!row) throw notFound("User");
  return toUserView(row);
}

/** An admin creates an account with a password (they hand it over; invitations let people choose their own). */
export async function createUserAsAdmin(input: CreateUserInput): Promise<UserView> {
  const exists = await getDb().user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (exists) throw conflict("A user with this e-mail already exists");
  const row = await getDb().user.create({
    data: { email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
    select: userViewSelect,
  });
  return toUserView(row);
}

/**
 * Role, name, deactivation. Deactivating keeps every row the user is named in (history) and ends their sessions,
 * API tokens and sockets at once; a role change re-checks their open sockets. An admin cannot demote or deactivate
 * themself (the last admin would lock the team out of its own install).
 */
export async function updateUser(admin: UserPrincipal, userId: string, change: UpdateUserInput): Promise<UserView> {
  if (userId === admin.userId && ((change.role && change.role !== admin.role) || change.active === false)) {
    throw badRequest("You cannot change your own role or deactivate yourself; ask another admin", { [change.role ? "role" : "active"]: ["cannot be changed on yourself"] });
  }
  const row = await getDb().$transaction(async (tx) => {
    const current = await tx.user.findUnique({ where: { id: userId }, select: { id: true, role: true, deactivatedAt: true } });
    if (!current) throw notFound("User");
    const deactivating = change.active === false && !current.deactivatedAt;
    const updated = await tx.user.update({
      where: { id: userId },
      data: {
        role: change.role,
        name: change.name,
        deactivatedAt: change.active === undefined ? undefined : change.active ? null : (current.deactivatedAt ?? new Date()),
      },
      select: userViewSelect,
    });
    if (deactivating) {
      await endUserSessions(userId, { tx });
      await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    if (deactivating || (change.role && change.role !== current.role) || change.active !== undefined) await bumpSessionVersion(userId, tx);
    return updated;
  });
  announcePrincipalChange(userId);
  return toUserView(row);
}

/** Changes one's own password; every other session of theirs ends (the one that changed it stays signed in). */
export async function changeOwnPassword(principal: UserPrincipal, input: unknown) {
  const { currentPassword, newPassword } = changePasswordSchema.parse(input);
  const user = await getDb().user.findUnique({ where: { id: principal.userId }, select: { passwordHash: true } });
  if (!user) throw notFound("User");
  const ok = await bcrypt.compare(currentPassword, user.passwordHash ?? DUMMY_HASH);
  if (!ok || !user.passwordHash) throw badRequest("The current password is not right", { currentPassword: ["is not right"] });
  const passwordHash = await hashPassword(newPassword);
  await getDb().$transaction(async (tx) => {
    await tx.user.update({ where: { id: principal.userId }, data: { passwordHash } });
    await endUserSessions(principal.userId, { except: principal.sessionId, tx });
    await bumpSessionVersion(principal.userId, tx);
  });
  announcePrincipalChange(principal.userId);
}
