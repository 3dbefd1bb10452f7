import { afterEach, describe, expect, it, vi } from "vitest";
import { makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { revokeApiToken } from "@/lib/domain/tokens";
import { invalidateCachedPrincipals, PRINCIPAL_TTL_MS } from "./principal-cache";
import { authenticate } from "./session";

// The principal cache keeps who a credential is for PRINCIPAL_TTL_MS, and forgets it at once when told. The
// clock is frozen (only Date is faked; timers and I/O are real), so no assertion depends on how fast this runs.

const roleVia = async (credentials: Parameters<typeof authenticate>[0]) => {
  const principal = await authenticate(credentials);
  return principal?.kind === "user" ? principal.role : null;
};

afterEach(() => vi.useRealTimers());

describe("principal cache", () => {
  for (const via of ["apiToken", "session"] as const) {
    it(`keeps a ${via}'s principal for the TTL, then reads the user again`, async () => {
      vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T12:00:00Z") });
      const user = await makeUser("ENGINEER");
      const credentials = via === "apiToken" ? { authorization: `Bearer ${user.apiToken}` } : { cookie: user.cookie };
      expect(await roleVia(credentials)).toBe("ENGINEER");
      await getDb().user.update({ where: { id: user.id }, data: { role: "VIEWER" } });
      expect(await roleVia(credentials)).toBe("ENGINEER");
      vi.setSystemTime(Date.now() + PRINCIPAL_TTL_MS + 1);
      expect(await roleVia(credentials)).toBe("VIEWER");
    });
  }

  it("forgets a user's principals at once on invalidateCachedPrincipals({ userId })", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T12:00:00Z") });
    const user = await makeUser("COMMANDER");
    const bearer = { authorization: `Bearer ${user.apiToken}` };
    expect([await roleVia(bearer), await roleVia({ cookie: user.cookie })]).toEqual(["COMMANDER", "COMMANDER"]);
    await getDb().user.update({ where: { id: user.id }, data: { role: "VIEWER" } });
    invalidateCachedPrincipals({ userId: user.id });
    expect([await roleVia(bearer), await roleVia({ cookie: user.cookie })]).toEqual(["VIEWER", "VIEWER"]);
  });

  it("refuses a revoked API token at once, though it was just cached", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T12:00:00Z") });
    const user = await makeUser("ENGINEER");
    const bearer = { authorization: `Bearer ${user.apiToken}` };
    expect(await roleVia(bearer)).toBe("ENGINEER");
    const token = await getDb().apiToken.findFirstOrThrow({ where: { userId: user.id } });
    await revokeApiToken(token.id);
    expect(await authenticate(bearer)).toBeNull();
  });
});
