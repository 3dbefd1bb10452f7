import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { listActionConfigs } from "@/lib/domain/action-configs";
import { requestActionRun } from "@/lib/domain/action-runs";
import { seedDemoIfEmpty } from "./seed";

// Demo mode on an empty database: the demo rollout's actions point at the demo target and work.

let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget({ token: "seeded-demo-token" });
});
afterAll(() => target.close());

describe("seedDemoIfEmpty with a demo target", () => {
  it("gives the demo rollout traffic, rollback and kill-switch actions that call the target", async () => {
    const seed = await seedDemoIfEmpty({ password: "demo-password-1", demoTarget: { url: target.url, token: "seeded-demo-token" } });
    expect(seed).not.toBeNull();
    const admin = await makeUser("ADMIN");
    const actions = await listActionConfigs(admin.principal, seed!.rolloutId);
    expect(actions.map((a) => [a.kind, a.requiresSecondApprover])).toEqual([
      ["SET_TRAFFIC", false],
      ["ROLLBACK", false],
      ["KILL_SWITCH", true],
    ]);
    expect(JSON.stringify(actions)).not.toContain("seeded-demo-token");
    const { run } = await requestActionRun(admin.principal, actions[0]!.id, { reason: "demo", params: { percentage: 10 } });
    expect(run.status).toBe("SUCCEEDED");
    expect(target.state().trafficPercent).toBe(10);
    expect(await getDb().action.count()).toBe(3);
  });
});
