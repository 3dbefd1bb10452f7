import "server-only";
import { getDb } from "@/lib/db/client";

// Failed sign-ins slow down further attempts, kept in Postgres so it holds across processes. Three keys:
// - the pair (e-mail, address): after PAIR_FREE failures further attempts of that pair must wait, doubling up to
//   PAIR_MAX_WAIT_MS. Guessing one account from one place is slow; nobody elsewhere is affected.
// - the account (e-mail, any address) and the address (any e-mail): only *delay* the answer, by at most a few
//   seconds. A distributed guess is slowed, but a stranger hammering your e-mail, or a colleague behind the same
//   proxy, can never turn it into a lock: every attempt still gets an answer.
// A failure more than WINDOW_MS after the previous one starts the count again; a success clears the pair.

const WINDOW_MS = 15 * 60_000;
type Rule = { free: number; baseMs: number; maxMs: number };
export const THROTTLE_RULES = {
  pair: { free: 5, baseMs: 5_000, maxMs: 60_000 },
  account: { free: 10, baseMs: 500, maxMs: 3_000 },
  address: { free: 20, baseMs: 250, maxMs: 2_000 },
} satisfies Record<string, Rule>;

export const TOO_MANY_ATTEMPTS = "TooManyAttempts";

const keysOf = (email: string, address: string) => ({
  pair: `pair:${email}|${address}`,
  account: `account:${email}`,
  address: `address:${address}`,
});

/** How long the n-th failure in a row makes the next attempt wait under `rule` (0 while under `free`). */
export function backoffMs(failures: number, rule: Rule): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.maxMs, rule.baseMs * 2 ** (failures - rule.free));
}

export type ThrottleDecision = { allowed: true; delayMs: number } | { allowed: false; retryAfterMs: number };

/** Before checking a password: refuse the pair while it must wait; otherwise how long to delay the answer. */
export async function checkLoginThrottle(email: string, address: string, now = new Date()): Promise<ThrottleDecision> {
  const keys = keysOf(email, address);
  const rows = await getDb().loginThrottle.findMany({ where: { key: { in: Object.values(keys) } }, select: { key: true, nextAttemptAt: true } });
  const waitOf = (key: string) => Math.max(0, (rows.find((r) => r.key === key)?.nextAttemptAt.getTime() ?? 0) - now.getTime());
  const pairWait = waitOf(keys.pair);
  if (pairWait > 0) return { allowed: false, retryAfterMs: pairWait };
  const delayMs = Math.min(THROTTLE_RULES.account.maxMs, waitOf(keys.account)) + Math.min(THROTTLE_RULES.address.maxMs, waitOf(keys.address));
  return { allowed: true, delayMs };
}

/** A wrong password: count it on all three keys (one atomic upsert each) and set when the next attempt may come. */
export async function recordLoginFailure(email: string, address: string): Promise<void> {
  const keys = keysOf(email, address);
  const db = getDb();
  await Promise.all(
    (Object.keys(keys) as (keyof typeof keys)[]).map(async (kind) => {
      const rule = THROTTLE_RULES[kind];
      await db.$executeRaw`
        INSERT INTO "LoginThrottle" ("key", "failures", "lastFailureAt", "nextAttemptAt")
        VALUES (${keys[kind]}, 1, now(), now())
        ON CONFLICT ("key") DO UPDATE SET
          "failures" = CASE WHEN "LoginThrottle"."lastFailureAt" < now() - make_interval(secs => ${WINDOW_MS / 1000}) THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
          "lastFailureAt" = now()`;
      await db.$executeRaw`
        UPDATE "LoginThrottle" SET "nextAttemptAt" = now() + make_interval(secs => (
          CASE WHEN "failures" < ${rule.free} THEN 0 ELSE LEAST(${rule.maxMs}, ${rule.baseMs} * power(2, "failures" - ${rule.free})) END) / 1000.0)
        WHERE "key" = ${keys[kind]}`;
    }),
  );
}

/** A successful sign-in clears its pair (the account and address counters age out by themselves). */
export async function clearLoginFailures(email: string, address: string): Promise<void> {
  await getDb().loginThrottle.deleteMany({ where: { key: keysOf(email, address).pair } });
}

/** Old rows are useless (their window has passed); dropped now and then so the table stays small. */
export async function pruneLoginThrottle(now = new Date()): Promise<void> {
  await getDb().loginThrottle.deleteMany({ where: { lastFailureAt: { lt: new Date(now.getTime() - WINDOW_MS) } } });
}
