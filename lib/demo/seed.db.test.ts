import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { principalFromBearer } from "@/lib/auth/session";
import { getRolloutState } from "@/lib/domain/rollouts";
import { verifyCredentials } from "@/lib/domain/users";
import { DEMO_USERS, seedDemoIfEmpty } from "./seed";

describe("demo mode", () => {
  it("seeds once, even when two processes start together, and never again once users exist", async () => {
    const [a, b] = await Promise.all([seedDemoIfEmpty({ password: "demo-password-1" }), seedDemoIfEmpty({ password: "demo-password-1" })]);
    const seeded = a ?? b;
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await getDb().user.count()).toBe(4);
    expect(await seedDemoIfEmpty()).toBeNull();

    for (const user of DEMO_USERS) {
      expect(await verifyCredentials({ email: user.email, password: "demo-password-1" })).toMatchObject({ email: user.email, role: user.role });
      expect(await verifyCredentials({ email: user.email, password: "wrong" })).toBeNull();
    }

    const state = await getRolloutState(seeded!.rolloutId);
    expect(state.phases.map((p) => p.trafficPercent)).toEqual([0, 10, 50, 100]);
    expect(state.gates.map((g) => g.kind)).toContain("GO_LIVE");
    expect(state.items.length).toBeGreaterThan(15);
    expect(state.contacts.length).toBeGreaterThan(2);
    expect(await principalFromBearer(seeded!.shareToken)).toMatchObject({ kind: "share", rolloutId: seeded!.rolloutId });
  });

  it("generates a password when none is given", async () => {
    await getDb().user.deleteMany();
    const seeded = await seedDemoIfEmpty();
    expect(seeded?.generatedPassword).toBe(true);
    expect(seeded!.password.length).toBeGreaterThanOrEqual(12);
    expect(await verifyCredentials({ email: "admin@warroom.local", password: seeded!.password })).not.toBeNull();
  });
});
