import { describe, expect, it } from "vitest";
import type { UserPrincipal } from "@/lib/auth/principal";
import { requesterRecord, type Requester } from "./action-requester";

const commander: UserPrincipal = { kind: "user", userId: "u-cole", name: "Cole", email: "cole@example.test", role: "COMMANDER", via: "apiToken" };

describe("requesterRecord", () => {
  it("records a person as themselves, under the two-person rule", () => {
    expect(requesterRecord(commander)).toEqual({ actor: { id: "u-cole", name: "Cole (API token)" }, userId: "u-cole", twoPersonRule: true });
  });

  it("records War Room itself with no user id and no second approver", () => {
    expect(requesterRecord({ kind: "system", reason: "auto-rollback" })).toEqual({ actor: { id: null, name: "War Room" }, userId: null, twoPersonRule: false });
  });

  it("refuses, at compile time, a system requester with a user id or an unnamed reason (npm run typecheck)", () => {
    // @ts-expect-error a system requester has no user id
    const withUser: Requester = { kind: "system", reason: "auto-rollback", userId: "u-cole" };
    // @ts-expect-error a system requester names why it runs, from a fixed list
    const anyReason: Requester = { kind: "system", reason: "because" };
    // @ts-expect-error there is no boolean `system` any more: a requester is a person or War Room
    const flagged: Requester = { ...commander, system: true };
    expect([withUser, anyReason, flagged]).toHaveLength(3);
  });
});
