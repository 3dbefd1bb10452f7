import "server-only";
import bcrypt from "bcryptjs";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { roleSchema } from "@/lib/schemas/runbook";

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

export async function createUser(input: z.input<typeof newUserSchema>) {
  const user = newUserSchema.parse(input);
  const passwordHash = await bcrypt.hash(user.password, BCRYPT_ROUNDS);
  return getDb().user.create({
    data: { email: user.email, name: user.name, role: user.role, passwordHash },
    select: { id: true, email: true, name: true, role: true },
  });
}

/** The user for these credentials, or null. Never says which half was wrong. */
export async function verifyCredentials(input: unknown) {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await getDb().user.findUnique({ where: { email: parsed.data.email } });
  const ok = await bcrypt.compare(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
  return ok && user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
}

export async function countUsers() {
  return getDb().user.count();
}

export async function findUserForPrincipal(userId: string) {
  return getDb().user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, role: true } });
}
