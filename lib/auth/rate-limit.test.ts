import { describe, expect, it } from "vitest";
import { createFailureLimiter } from "./rate-limit";

describe("createFailureLimiter", () => {
  it("allows max failures in the window, then refuses until they age out", () => {
    const limiter = createFailureLimiter({ max: 3, windowMs: 1000 });
    for (let n = 0; n < 3; n++) {
      expect(limiter.allowed("a", n)).toBe(true);
      limiter.recordFailure("a", n);
    }
    expect(limiter.allowed("a", 10)).toBe(false);
    expect(limiter.allowed("b", 10)).toBe(true);
    expect(limiter.allowed("a", 1000)).toBe(true); // the first failure (t=0) has aged out
  });

  it("forgets a key on reset (a successful sign-in)", () => {
    const limiter = createFailureLimiter({ max: 1, windowMs: 1000 });
    limiter.recordFailure("a", 0);
    expect(limiter.allowed("a", 1)).toBe(false);
    limiter.reset("a");
    expect(limiter.allowed("a", 1)).toBe(true);
  });
});
