// Failed sign-ins are limited per e-mail and per client address, in memory (per process: with several
// processes the limit is per process, which still bounds guessing to a few attempts a minute each).

export type FailureLimiter = {
  /** Whether `key` may try now. */
  allowed: (key: string, now?: number) => boolean;
  recordFailure: (key: string, now?: number) => void;
  reset: (key: string) => void;
};

export function createFailureLimiter(opts: { max: number; windowMs: number }): FailureLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => (failures.get(key) ?? []).filter((t) => now - t < opts.windowMs);
  return {
    allowed: (key, now = Date.now()) => recent(key, now).length < opts.max,
    recordFailure: (key, now = Date.now()) => {
      const list = recent(key, now);
      list.push(now);
      failures.set(key, list);
      // Forget idle keys so the map cannot grow without bound.
      if (failures.size > 10_000) for (const [k, v] of failures) if (!v.some((t) => now - t < opts.windowMs)) failures.delete(k);
    },
    reset: (key) => void failures.delete(key),
  };
}

type LimiterGlobal = typeof globalThis & { __warroomLoginLimiter?: { byEmail: FailureLimiter; byAddress: FailureLimiter } };

/** The process's sign-in limiter: 5 failures per e-mail and 20 per address in 15 minutes. */
export function loginLimiter() {
  const g = globalThis as LimiterGlobal;
  g.__warroomLoginLimiter ??= {
    byEmail: createFailureLimiter({ max: 5, windowMs: 15 * 60_000 }),
    byAddress: createFailureLimiter({ max: 20, windowMs: 15 * 60_000 }),
  };
  return g.__warroomLoginLimiter;
}

export const TOO_MANY_ATTEMPTS = "TooManyAttempts";
