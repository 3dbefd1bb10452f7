import { describe, expect, it } from "vitest";
import { backoffMs, checkLoginThrottle, clearLoginFailures, recordLoginFailure, THROTTLE_RULES } from "./login-throttle";

// The slowdown is per (e-mail, address) pair for refusals; per account and per address it only delays, so
// nobody can lock someone else out.

const email = () => `t-${Math.random().toString(36).slice(2, 10)}@example.com`;

describe("login throttle", () => {
  it("doubles the pair's wait after the free failures, up to its cap", () => {
    expect(backoffMs(THROTTLE_RULES.pair.free - 1, THROTTLE_RULES.pair)).toBe(0);
    expect(backoffMs(THROTTLE_RULES.pair.free, THROTTLE_RULES.pair)).toBe(5_000);
    expect(backoffMs(THROTTLE_RULES.pair.free + 1, THROTTLE_RULES.pair)).toBe(10_000);
    expect(backoffMs(1000, THROTTLE_RULES.pair)).toBe(THROTTLE_RULES.pair.maxMs);
  });

  it("refuses the guessing pair only: the same account from elsewhere and others from the same address still get in", async () => {
    const victim = email();
    for (let n = 0; n < THROTTLE_RULES.pair.free; n++) {
      expect((await checkLoginThrottle(victim, "10.0.0.66")).allowed).toBe(true);
      await recordLoginFailure(victim, "10.0.0.66");
    }
    const refused = await checkLoginThrottle(victim, "10.0.0.66");
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.retryAfterMs).toBeLessThanOrEqual(THROTTLE_RULES.pair.baseMs);
    expect((await checkLoginThrottle(victim, "10.0.0.7")).allowed).toBe(true);
    expect((await checkLoginThrottle(email(), "10.0.0.66")).allowed).toBe(true);
  });

  it("only delays, by a bounded amount, an account under attack from many addresses", async () => {
    const victim = email();
    for (let n = 0; n < 40; n++) await recordLoginFailure(victim, `10.1.0.${n}`);
    const decision = await checkLoginThrottle(victim, "10.2.0.1");
    expect(decision).toMatchObject({ allowed: true });
    expect(decision.allowed && decision.delayMs).toBeGreaterThan(0);
    expect(decision.allowed && decision.delayMs).toBeLessThanOrEqual(THROTTLE_RULES.account.maxMs);
  });

  it("a success clears the pair", async () => {
    const user = email();
    for (let n = 0; n < THROTTLE_RULES.pair.free; n++) await recordLoginFailure(user, "10.3.0.1");
    expect((await checkLoginThrottle(user, "10.3.0.1")).allowed).toBe(false);
    await clearLoginFailures(user, "10.3.0.1");
    expect((await checkLoginThrottle(user, "10.3.0.1")).allowed).toBe(true);
  });
});
