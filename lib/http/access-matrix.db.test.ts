import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createShareToken, revokeApiToken } from "@/lib/domain/tokens";
import { PATCH as patchItem } from "@/app/api/v1/items/[id]/route";
import { POST as signGate } from "@/app/api/v1/gates/[id]/signatures/route";
import { POST as createShareLink } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { POST as createRollout } from "@/app/api/v1/rollouts/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";

// Every mutating operation × every kind of caller, on HTTP: who gets 2xx, 401 or 403. Each cell runs on a
// fresh rollout so cells do not depend on each other.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Fixture = Awaited<ReturnType<typeof freshRollout>>;
type Operation = {
  name: string;
  handler: Handler;
  params: (f: Fixture) => Record<string, string>;
  body: (f: Fixture) => unknown;
  /** Roles that may do it (everyone else signed in gets 403). */
  allowed: Role[];
  /** Only a browser session may do it (API tokens get 403). */
  sessionOnly?: boolean;
};

async function freshRollout() {
  const rollout = await makeRollout();
  const state = await getRolloutState(rollout.id);
  return { rolloutId: rollout.id, itemId: state.items[0]!.id, goLiveGateId: state.gates.find((g) => g.kind === "GO_LIVE")!.id, twoRoleGateId: state.gates.find((g) => g.requiredRoles.length === 2)!.id };
}

const ALL: Role[] = ["ADMIN", "COMMANDER", "ENGINEER", "VIEWER"];
const OPERATIONS: Operation[] = [
  { name: "tick an item", handler: patchItem, params: (f) => ({ id: f.itemId }), body: () => ({ state: "DONE" }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "sign the go-live gate", handler: signGate, params: (f) => ({ id: f.goLiveGateId }), body: () => ({ decision: "GO" }), allowed: ["COMMANDER"] },
  { name: "sign a COMMANDER+ADMIN gate", handler: signGate, params: (f) => ({ id: f.twoRoleGateId }), body: () => ({ decision: "GO" }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "create a share link", handler: createShareLink, params: (f) => ({ id: f.rolloutId }), body: () => ({ label: "x" }), allowed: ["ADMIN", "COMMANDER"] },
  {
    name: "create a rollout",
    handler: createRollout,
    params: () => ({}),
    body: () => ({ name: `Matrix ${randomUUID().slice(0, 6)}`, service: "svc", sections: [{ title: "S", items: [{ text: "i" }] }] }),
    allowed: ["ADMIN"],
  },
  { name: "create an API token", handler: createToken, params: () => ({}), body: () => ({ name: "matrix" }), allowed: ALL, sessionOnly: true },
];

type Caller = { label: string; headers: (f: Fixture) => Promise<Record<string, string>>; role?: Role; via?: "session" | "apiToken" };
let callers: Caller[];

beforeAll(async () => {
  const users = Object.fromEntries(await Promise.all(ALL.map(async (role) => [role, await makeUser(role)] as const))) as Record<Role, Awaited<ReturnType<typeof makeUser>>>;
  const revoked = await makeUser("ADMIN");
  await revokeApiToken((await getDb().apiToken.findFirstOrThrow({ where: { userId: revoked.id } })).id);
  const shareFor = async (f: Fixture, expired: boolean) => {
    const link = await createShareToken(users.COMMANDER.principal, f.rolloutId, expired ? { expiresAt: new Date(Date.now() - 1000) } : {});
    return { authorization: `Bearer ${link.token}` };
  };
  callers = [
    { label: "anonymous", headers: async () => ({}) },
    ...ALL.map((role): Caller => ({ label: `${role} (session)`, role, via: "session", headers: async () => ({ cookie: users[role].cookie }) })),
    ...ALL.map((role): Caller => ({ label: `${role} (API token)`, role, via: "apiToken", headers: async () => ({ authorization: `Bearer ${users[role].apiToken}` }) })),
    { label: "share token", headers: (f) => shareFor(f, false) },
    { label: "expired share token", headers: (f) => shareFor(f, true) },
    { label: "revoked API token", headers: async () => ({ authorization: `Bearer ${revoked.apiToken}` }) },
  ];
}, 60_000);

function expectedStatus(op: Operation, caller: Caller): "2xx" | 401 | 403 {
  if (caller.label === "anonymous" || caller.label === "expired share token" || caller.label === "revoked API token") return 401;
  if (!caller.role) return 403; // a live share token is read-only
  if (op.sessionOnly && caller.via === "apiToken") return 403;
  return op.allowed.includes(caller.role) ? "2xx" : 403;
}

describe("access matrix (HTTP)", () => {
  it("gives every caller exactly the expected answer for every mutating operation", async () => {
    const table: string[] = [];
    const mismatches: string[] = [];
    for (const op of OPERATIONS) {
      for (const caller of callers) {
        const f = await freshRollout();
        const request = new Request("http://localhost/api/matrix", {
          method: "POST",
          headers: { ...(await caller.headers(f)), "content-type": "application/json" },
          body: JSON.stringify(op.body(f)),
        });
        const status = (await op.handler(request, { params: Promise.resolve(op.params(f)) })).status;
        const expected = expectedStatus(op, caller);
        const ok = expected === "2xx" ? status >= 200 && status < 300 : status === expected;
        table.push(`${op.name} | ${caller.label} | ${status}`);
        if (!ok) mismatches.push(`${op.name} as ${caller.label}: expected ${expected}, got ${status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(table.length).toBe(OPERATIONS.length * callers.length);
  }, 120_000);
});
