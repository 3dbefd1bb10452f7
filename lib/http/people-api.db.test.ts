import { describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { makeRollout, makeUser } from "@/test/factories";
import { ctx, json, request } from "@/test/http";
import { getDb } from "@/lib/db/client";
import { createSetupLinkIfNoUsers } from "@/lib/domain/invitations";
import { endAuthSession, startAuthSession } from "@/lib/domain/sessions";
import { verifyCredentials } from "@/lib/domain/users";
import { getRolloutState } from "@/lib/domain/rollouts";
import { GET as listUsersRoute, POST as createUserRoute } from "@/app/api/v1/users/route";
import { GET as getUserRoute, PATCH as patchUserRoute } from "@/app/api/v1/users/[id]/route";
import { GET as listInvitationsRoute, POST as inviteRoute } from "@/app/api/v1/invitations/route";
import { DELETE as revokeInvitationRoute } from "@/app/api/v1/invitations/[id]/route";
import { POST as acceptRoute } from "@/app/api/v1/invitations/accept/route";
import { GET as listTokensRoute, POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { DELETE as revokeTokenRoute } from "@/app/api/v1/tokens/[id]/route";
import { POST as changePasswordRoute } from "@/app/api/v1/me/password/route";
import { PATCH as patchItem } from "@/app/api/v1/items/[id]/route";
import { GET as getRollout } from "@/app/api/v1/rollouts/[id]/route";

// People and sessions through the real route handlers: the first-run link, invitations, roles, deactivation,
// API tokens, password changes and sign-out, each checked by what the old credentials can still do.

const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const cookieFor = async (userId: string, sid: string) => `next-auth.session-token=${await encode({ token: { sub: userId, sid }, secret: process.env.NEXTAUTH_SECRET! })}`;
const readRollout = (rolloutId: string, auth: { cookie?: string; auth?: string }) => getRollout(request("GET", `/api/v1/rollouts/${rolloutId}`, auth), ctx({ id: rolloutId }));

describe("first run", () => {
  it("the setup link creates the first admin once, and no link exists once someone does", async () => {
    // This file's database starts empty.
    expect(await getDb().user.count()).toBe(0);
    const first = await createSetupLinkIfNoUsers();
    const second = await createSetupLinkIfNoUsers();
    expect(first && second).toBeTruthy();
    // Only the link printed last works.
    const stale = await json(acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(first!.path), name: "Ada", password: "first-admin-pw", email: "ada@example.com" } }), ctx()));
    expect(stale.status).toBe(404);
    expect(second!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    const withoutEmail = await json(acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(second!.path), name: "Ada", password: "first-admin-pw" } }), ctx()));
    expect(withoutEmail.status).toBe(400);
    expect(withoutEmail.body.error?.fields).toHaveProperty("email");
    // The 400 rolled the transaction back: the link still works.
    const created = await json<{ user: { role: string; email: string } }>(
      acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(second!.path), name: "Ada", password: "first-admin-pw", email: "Ada@Example.com" } }), ctx()),
    );
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ role: "ADMIN", email: "ada@example.com" });
    expect(await verifyCredentials({ email: "ada@example.com", password: "first-admin-pw" })).toMatchObject({ role: "ADMIN" });
    const again = await json(acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(second!.path), name: "Eve", password: "second-admin", email: "eve@example.com" } }), ctx()));
    expect(again.status).toBe(404);
    expect(await createSetupLinkIfNoUsers()).toBeNull();
  });
});

describe("invitations", () => {
  it("an admin invites an engineer, who sets a password once and can tick an item", async () => {
    const admin = await makeUser("ADMIN");
    const email = `invitee-${Date.now()}@example.com`;
    const invited = await json<{ url: string; invitation: { id: string; state: string } }>(inviteRoute(request("POST", "/api/v1/invitations", { cookie: admin.cookie, body: { email, role: "ENGINEER" } }), ctx()));
    expect(invited.status).toBe(201);
    expect(invited.body.invitation.state).toBe("pending");
    expect(JSON.stringify((await json(listInvitationsRoute(request("GET", "/api/v1/invitations", { cookie: admin.cookie }), ctx()))).body)).not.toContain(tokenOf(invited.body.url));

    const accepted = await json<{ user: { id: string; role: string } }>(acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(invited.body.url), name: "Ena Gineer", password: "my-own-password" } }), ctx()));
    expect(accepted.status).toBe(201);
    expect(accepted.body.user.role).toBe("ENGINEER");
    const reuse = await json(acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(invited.body.url), name: "Mallory", password: "another-password" } }), ctx()));
    expect(reuse.status).toBe(404);

    const user = await verifyCredentials({ email, password: "my-own-password" });
    expect(user?.id).toBe(accepted.body.user.id);
    const session = await startAuthSession(user!.id, "password");
    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const tick = await patchItem(request("PATCH", `/api/v1/items/${item.id}`, { cookie: await cookieFor(user!.id, session.id), body: { state: "DONE" } }), ctx({ id: item.id }));
    expect(tick.status).toBe(200);
  });

  it("refuses a revoked or expired link, an existing e-mail, and non-admins", async () => {
    const admin = await makeUser("ADMIN");
    const commander = await makeUser("COMMANDER");
    const invite = (body: unknown, cookie = admin.cookie) => json<{ url: string; invitation: { id: string } }>(inviteRoute(request("POST", "/api/v1/invitations", { cookie, body }), ctx()));
    expect((await invite({ email: "x@example.com", role: "VIEWER" }, commander.cookie)).status).toBe(403);
    expect((await invite({ email: commander.email, role: "VIEWER" })).status).toBe(409);
    expect((await invite({ email: "not-an-email", role: "VIEWER" })).body.error?.fields).toHaveProperty("email");

    const revoked = await invite({ email: `r-${Date.now()}@example.com`, role: "VIEWER" });
    expect((await revokeInvitationRoute(request("DELETE", "/x", { cookie: admin.cookie }), ctx({ id: revoked.body.invitation.id }))).status).toBe(200);
    const expired = await invite({ email: `e-${Date.now()}@example.com`, role: "VIEWER" });
    await getDb().invitation.update({ where: { id: expired.body.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const link of [revoked, expired]) {
      const res = await json(acceptRoute(request("POST", "/api/v1/invitations/accept", { body: { token: tokenOf(link.body.url), name: "Late", password: "late-password" } }), ctx()));
      expect(res.status).toBe(404);
    }
  });
});

describe("users", () => {
  it("admins list, create and change roles; a role change applies to the same session at once", async () => {
    const admin = await makeUser("ADMIN");
    const engineer = await makeUser("ENGINEER");
    expect((await listUsersRoute(request("GET", "/api/v1/users", { cookie: engineer.cookie }), ctx())).status).toBe(403);
    const listed = await json<{ users: { id: string }[] }>(listUsersRoute(request("GET", "/api/v1/users", { cookie: admin.cookie }), ctx()));
    expect(listed.body.users.map((u) => u.id)).toContain(engineer.id);
    expect(JSON.stringify(listed.body)).not.toMatch(/passwordHash|\$2[aby]\$/);

    const created = await json<{ user: { id: string; role: string } }>(
      createUserRoute(request("POST", "/api/v1/users", { cookie: admin.cookie, body: { email: `c-${Date.now()}@example.com`, name: "Cora", role: "COMMANDER", password: "handed-over-pw" } }), ctx()),
    );
    expect(created.status).toBe(201);
    const short = await json(createUserRoute(request("POST", "/api/v1/users", { cookie: admin.cookie, body: { email: "s@example.com", name: "S", role: "VIEWER", password: "short" } }), ctx()));
    expect(short.body.error?.fields).toHaveProperty("password");

    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items[0]!;
    const demoted = await json<{ user: { role: string } }>(patchUserRoute(request("PATCH", "/x", { cookie: admin.cookie, body: { role: "VIEWER" } }), ctx({ id: engineer.id })));
    expect(demoted.body.user.role).toBe("VIEWER");
    const before = await getDb().user.findUniqueOrThrow({ where: { id: engineer.id }, select: { sessionVersion: true } });
    expect(before.sessionVersion).toBeGreaterThan(0);
    for (const auth of [{ cookie: engineer.cookie }, { auth: engineer.apiToken }]) {
      expect((await patchItem(request("PATCH", `/api/v1/items/${item.id}`, { ...auth, body: { state: "DONE" } }), ctx({ id: item.id }))).status).toBe(403);
      expect((await readRollout(rollout.id, auth)).status).toBe(200);
    }
    // Self: another admin must do it.
    const self = await json(patchUserRoute(request("PATCH", "/x", { cookie: admin.cookie, body: { role: "VIEWER" } }), ctx({ id: admin.id })));
    expect(self.status).toBe(400);
    expect((await getUserRoute(request("GET", "/x", { cookie: engineer.cookie }), ctx({ id: engineer.id }))).status).toBe(200);
    expect((await getUserRoute(request("GET", "/x", { cookie: engineer.cookie }), ctx({ id: admin.id }))).status).toBe(403);
  });

  it("deactivating ends sessions and API tokens at once, keeps history, and can be undone without reviving them", async () => {
    const admin = await makeUser("ADMIN");
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items[0]!;
    expect((await patchItem(request("PATCH", `/api/v1/items/${item.id}`, { cookie: engineer.cookie, body: { state: "DONE" } }), ctx({ id: item.id }))).status).toBe(200);

    const res = await json<{ user: { active: boolean } }>(patchUserRoute(request("PATCH", "/x", { cookie: admin.cookie, body: { active: false } }), ctx({ id: engineer.id })));
    expect(res.body.user.active).toBe(false);
    expect((await readRollout(rollout.id, { cookie: engineer.cookie })).status).toBe(401);
    expect((await readRollout(rollout.id, { auth: engineer.apiToken })).status).toBe(401);
    expect(await verifyCredentials({ email: engineer.email, password: "correct-horse-battery" })).toBeNull();
    // History: the tick is still theirs.
    const state = await getRolloutState(rollout.id);
    expect(state.items.find((i) => i.id === item.id)?.checkedBy?.id).toBe(engineer.id);

    await patchUserRoute(request("PATCH", "/x", { cookie: admin.cookie, body: { active: true } }), ctx({ id: engineer.id }));
    expect(await verifyCredentials({ email: engineer.email, password: "correct-horse-battery" })).not.toBeNull();
    expect((await readRollout(rollout.id, { cookie: engineer.cookie })).status).toBe(401);
    expect((await readRollout(rollout.id, { auth: engineer.apiToken })).status).toBe(401);
  });
});

describe("sessions", () => {
  it("after sign-out the old cookie is a 401", async () => {
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    expect((await readRollout(rollout.id, { cookie: engineer.cookie })).status).toBe(200);
    await endAuthSession(engineer.sessionId);
    expect((await readRollout(rollout.id, { cookie: engineer.cookie })).status).toBe(401);
  });

  it("a cookie without a server-side session (the old kind) or for an expired one is a 401", async () => {
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    const legacy = `next-auth.session-token=${await encode({ token: { sub: engineer.id }, secret: process.env.NEXTAUTH_SECRET! })}`;
    expect((await readRollout(rollout.id, { cookie: legacy })).status).toBe(401);
    await getDb().authSession.update({ where: { id: engineer.sessionId }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await readRollout(rollout.id, { cookie: engineer.cookie })).status).toBe(401);
  });

  it("a password change ends every other session, keeps the one that made it, and needs the current password", async () => {
    const engineer = await makeUser("ENGINEER");
    const other = await cookieFor(engineer.id, (await startAuthSession(engineer.id, "password")).id);
    const rollout = await makeRollout();
    const change = (body: unknown, auth: { cookie?: string; auth?: string } = { cookie: engineer.cookie }) => json(changePasswordRoute(request("POST", "/api/v1/me/password", { ...auth, body }), ctx()));
    expect((await change({ currentPassword: "wrong", newPassword: "a-new-password" })).body.error?.fields).toHaveProperty("currentPassword");
    expect((await change({ currentPassword: "correct-horse-battery", newPassword: "a-new-password" }, { auth: engineer.apiToken })).status).toBe(403);
    expect((await change({ currentPassword: "correct-horse-battery", newPassword: "a-new-password" })).status).toBe(200);
    expect((await readRollout(rollout.id, { cookie: other })).status).toBe(401);
    expect((await readRollout(rollout.id, { cookie: engineer.cookie })).status).toBe(200);
    expect(await verifyCredentials({ email: engineer.email, password: "a-new-password" })).not.toBeNull();
  });
});

describe("API tokens", () => {
  it("lists one's own tokens with last use and expiry, never the secret; revoking one makes it a 401", async () => {
    const engineer = await makeUser("ENGINEER");
    const someoneElse = await makeUser("ADMIN");
    const rollout = await makeRollout();
    const created = await json<{ id: string; token: string; expiresAt: string }>(createTokenRoute(request("POST", "/api/v1/tokens", { cookie: engineer.cookie, body: { name: "ci", expiresInDays: 30 } }), ctx()));
    expect(created.status).toBe(201);
    expect((await readRollout(rollout.id, { auth: created.body.token })).status).toBe(200);

    const listed = await json<{ tokens: { id: string; name: string; lastUsedAt: string | null; expiresAt: string | null; state: string }[] }>(listTokensRoute(request("GET", "/api/v1/tokens", { cookie: engineer.cookie }), ctx()));
    const ci = listed.body.tokens.find((t) => t.id === created.body.id);
    expect(ci).toMatchObject({ name: "ci", state: "active", expiresAt: created.body.expiresAt });
    await expect.poll(async () => (await getDb().apiToken.findUniqueOrThrow({ where: { id: created.body.id } })).lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body.tokens.every((t) => !("tokenHash" in t))).toBe(true);

    expect((await revokeTokenRoute(request("DELETE", "/x", { cookie: someoneElse.cookie }), ctx({ id: created.body.id }))).status).toBe(404);
    const revoked = await json<{ token: { state: string } }>(revokeTokenRoute(request("DELETE", "/x", { cookie: engineer.cookie }), ctx({ id: created.body.id })));
    expect(revoked.body.token.state).toBe("revoked");
    expect((await readRollout(rollout.id, { auth: created.body.token })).status).toBe(401);
  });
});

describe("assigning items to people", () => {
  it("goes through the item write (event with the assignee), keeps the runbook's owner, and refuses an inactive user", async () => {
    const admin = await makeUser("ADMIN");
    const engineer = await makeUser("ENGINEER", "Erin Assignee");
    const rollout = await makeRollout();
    const item = (await getRolloutState(rollout.id)).items.find((i) => i.ownerName === "EM")!;
    const assign = (ownerId: string | null) => json<{ item: { ownerId: string | null; ownerName: string | null } }>(patchItem(request("PATCH", `/api/v1/items/${item.id}`, { cookie: engineer.cookie, body: { ownerId } }), ctx({ id: item.id })));
    const assigned = await assign(engineer.id);
    expect(assigned.status).toBe(200);
    expect(assigned.body.item).toMatchObject({ ownerId: engineer.id, ownerName: "EM" });
    const event = await getDb().rolloutEvent.findFirstOrThrow({ where: { rolloutId: rollout.id, type: "item.assigned" }, orderBy: { seq: "desc" } });
    expect(event.data).toMatchObject({ assignee: { id: engineer.id, name: "Erin Assignee" }, previousOwnerId: null });

    const gone = await makeUser("VIEWER");
    await updateUserAs(admin, gone.id);
    const refused = await assign(gone.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.fields).toHaveProperty("ownerId");
    expect((await assign(null)).body.item.ownerId).toBeNull();
  });
});

async function updateUserAs(admin: Awaited<ReturnType<typeof makeUser>>, userId: string) {
  const res = await patchUserRoute(request("PATCH", "/x", { cookie: admin.cookie, body: { active: false } }), ctx({ id: userId }));
  expect(res.status).toBe(200);
}
