import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { recordSignOffSchema } from "@/lib/schemas/signoff";
import { getRolloutState } from "./rollouts";
import { recordSignOff } from "./signoffs";

let commander: Awaited<ReturnType<typeof makeUser>>;
let admin: Awaited<ReturnType<typeof makeUser>>;
let engineer: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  commander = await makeUser("COMMANDER", "Cole");
  admin = await makeUser("ADMIN", "Ada");
  engineer = await makeUser("ENGINEER");
});

async function gatesOfNewRollout() {
  const rollout = await makeRollout();
  const state = await getRolloutState(rollout.id);
  return { goLive: state.gates.find((g) => g.kind === "GO_LIVE")!, twoPerson: state.gates.find((g) => g.requiredRoles.length === 2)! };
}

describe("recordSignOff", () => {
  it("signs as the caller, and a single-role gate is then approved", async () => {
    const { goLive } = await gatesOfNewRollout();
    const result = await recordSignOff(commander.principal, goLive.id, { decision: "GO", comment: "all green", trafficPercent: 10 });
    expect(result.status).toBe("APPROVED");
    expect(result.signature).toMatchObject({ decision: "GO", signerRole: "COMMANDER", comment: "all green", trafficPercent: 10, signer: { id: commander.id } });
  });

  it("stores the evidence the signer saw with the signature", async () => {
    const { goLive } = await gatesOfNewRollout();
    const { signature } = await recordSignOff(commander.principal, goLive.id, { decision: "GO" });
    // The factory's checklist: "Pre-deployment" with 4 items, 1 done ("Flag created").
    expect(signature.evidence).toMatchObject({ checklist: { scope: "sections", done: 1, total: 4, sections: [{ title: "Pre-deployment" }] }, phase: null, criteria: [] });
  });

  it("needs every required role before a multi-role gate is approved; a NO_GO rejects it", async () => {
    const { twoPerson } = await gatesOfNewRollout();
    expect((await recordSignOff(commander.principal, twoPerson.id, { decision: "GO" })).status).toBe("PENDING");
    expect((await recordSignOff(admin.principal, twoPerson.id, { decision: "NO_GO", comment: "metrics wobble" })).status).toBe("REJECTED");
    expect((await recordSignOff(admin.principal, twoPerson.id, { decision: "GO", comment: "recovered" })).status).toBe("APPROVED");
  });

  it("refuses roles the gate does not name, and engineers altogether", async () => {
    const { goLive } = await gatesOfNewRollout();
    await expect(recordSignOff(admin.principal, goLive.id, { decision: "GO" })).rejects.toMatchObject({ status: 403 });
    await expect(recordSignOff(engineer.principal, goLive.id, { decision: "GO" })).rejects.toMatchObject({ status: 403 });
    await expect(recordSignOff(commander.principal, "missing-gate", { decision: "GO" })).rejects.toMatchObject({ status: 404 });
  });

  it("records a go-live signed on a 0.5 % phase as 0.5 % traffic, stored and shown", async () => {
    const draft = smallRunbook();
    draft.phases![0]!.trafficPercent = 0.5;
    const rollout = await makeRollout(draft);
    const goLive = (await getRolloutState(rollout.id)).gates.find((g) => g.kind === "GO_LIVE")!;
    // Through the same schema the route handler and the socket handler parse with.
    const input = recordSignOffSchema.parse({ decision: "GO", trafficPercent: 0.5 });
    const { signature } = await recordSignOff(commander.principal, goLive.id, input);
    expect(signature.trafficPercent).toBe(0.5);
    expect((await getDb().signature.findUniqueOrThrow({ where: { id: signature.id } })).trafficPercent).toBe(0.5);
    const shown = (await getRolloutState(rollout.id)).gates.find((g) => g.id === goLive.id)!;
    expect(shown.signatures.map((s) => s.trafficPercent)).toEqual([0.5]);
  });

  it("keeps signatures append-only: the database refuses an update", async () => {
    const { goLive } = await gatesOfNewRollout();
    const { signature } = await recordSignOff(commander.principal, goLive.id, { decision: "GO" });
    await expect(getDb().signature.update({ where: { id: signature.id }, data: { decision: "NO_GO" } })).rejects.toThrow();
    expect((await getDb().signature.findUniqueOrThrow({ where: { id: signature.id } })).decision).toBe("GO");
  });
});

describe("recordSignOffSchema", () => {
  it("wants a comment with a NO_GO and has no signer field", () => {
    expect(recordSignOffSchema.safeParse({ decision: "NO_GO" }).success).toBe(false);
    expect(recordSignOffSchema.safeParse({ decision: "GO", signerId: "someone-else" }).success).toBe(false);
    expect(recordSignOffSchema.safeParse({ decision: "GO" }).success).toBe(true);
  });
});
