import { describe, expect, it } from "vitest";
import { makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { findLiveSession } from "./sessions";
import { resolveOidcSignIn } from "./single-sign-on";

// Who an OpenID Connect sign-in becomes (the e2e drives the same through a real provider and a browser).

const roleMap = { "wr-admins": "ADMIN", "wr-eng": "ENGINEER" } as const;
const auto = { WARROOM_OIDC_ROLE_MAP: roleMap, WARROOM_OIDC_PROVISIONING: "auto" } as const;
const inviteOnly = { ...auto, WARROOM_OIDC_PROVISIONING: "invite" } as const;
const sub = () => `sub-${Math.random().toString(36).slice(2, 10)}`;

describe("resolveOidcSignIn", () => {
  it("provisions with the mapped role, then follows the groups on every sign-in", async () => {
    const subject = sub();
    const identity = { subject, email: `${subject}@corp.example`, name: "Sam Sso", groups: ["wr-eng", "wr-admins"] };
    const first = await resolveOidcSignIn(identity, auto);
    expect(first.ok).toBe(true);
    const user = await getDb().user.findUniqueOrThrow({ where: { oidcSubject: subject } });
    expect(user).toMatchObject({ role: "ADMIN", passwordHash: null, email: identity.email });
    await resolveOidcSignIn({ ...identity, groups: ["wr-eng"] }, auto);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("ENGINEER");
  });

  it("refuses someone whose group was taken away and ends their sessions", async () => {
    const person = await makeUser("ENGINEER");
    await getDb().user.update({ where: { id: person.id }, data: { oidcSubject: `linked-${person.id}` } });
    const result = await resolveOidcSignIn({ subject: `linked-${person.id}`, email: person.email, name: null, groups: ["elsewhere"] }, auto);
    expect(result).toEqual({ ok: false, reason: "no_group" });
    expect(await findLiveSession(person.sessionId, person.id)).toBeNull();
  });

  it("invite-only: refuses a stranger, admits an invited e-mail once, links an existing account by e-mail", async () => {
    const stranger = sub();
    expect(await resolveOidcSignIn({ subject: stranger, email: `${stranger}@corp.example`, name: null, groups: ["wr-eng"] }, inviteOnly)).toEqual({ ok: false, reason: "not_invited" });

    const invitee = sub();
    await getDb().invitation.create({ data: { email: `${invitee}@corp.example`, role: "VIEWER", tokenHash: `hash-${invitee}`, expiresAt: new Date(Date.now() + 60_000) } });
    const admitted = await resolveOidcSignIn({ subject: invitee, email: `${invitee}@corp.example`, name: "Ivy", groups: ["wr-eng"] }, inviteOnly);
    expect(admitted.ok).toBe(true);
    expect((await getDb().invitation.findUniqueOrThrow({ where: { tokenHash: `hash-${invitee}` } })).usedAt).not.toBeNull();

    const existing = await makeUser("VIEWER");
    const linked = await resolveOidcSignIn({ subject: sub(), email: existing.email.toUpperCase(), name: null, groups: ["wr-eng"] }, inviteOnly);
    expect(linked.ok && linked.user.id).toBe(existing.id);
  });

  it("refuses a deactivated user even with a mapped group", async () => {
    const person = await makeUser("ENGINEER");
    await getDb().user.update({ where: { id: person.id }, data: { deactivatedAt: new Date() } });
    expect(await resolveOidcSignIn({ subject: sub(), email: person.email, name: null, groups: ["wr-eng"] }, auto)).toEqual({ ok: false, reason: "deactivated" });
  });
});
