import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import type { Role } from "@/lib/db/generated/enums";
import { SYSTEM_ACTOR, type UserPrincipal } from "@/lib/auth/principal";
import { createRolloutFromDraft } from "@/lib/domain/rollouts";
import { createApiToken } from "@/lib/domain/tokens";
import { createUser } from "@/lib/domain/users";
import { startAuthSession } from "@/lib/domain/sessions";
import type { RunbookDraftInput } from "@/lib/schemas/runbook";

// Real rows through the real domain functions; unique names so files and tests never collide.

export const TEST_SECRET = "test-nextauth-secret-0123456789abcdef";
process.env.NEXTAUTH_SECRET ??= TEST_SECRET;
// Action secret headers are encrypted with this in tests (lib/actions/secret-box.ts), not a key file in .data/.
process.env.WARROOM_SECRET_KEY ??= Buffer.alloc(32, 7).toString("base64");

export async function makeUser(role: Role, name = `${role.toLowerCase()} ${randomUUID().slice(0, 6)}`) {
  const user = await createUser({ email: `${randomUUID().slice(0, 12)}@test.local`, name, role, password: "correct-horse-battery" });
  // A real server-side session, as a password sign-in makes one: the cookie names it by `sid`.
  const session = await startAuthSession(user.id, "password");
  const principal: UserPrincipal = { kind: "user", userId: user.id, name: user.name, email: user.email, role: user.role, via: "session", sessionId: session.id };
  const { token, id: apiTokenId } = await createApiToken(user.id, "test");
  const sessionToken = await encode({ token: { sub: user.id, name: user.name, sid: session.id }, secret: process.env.NEXTAUTH_SECRET! });
  return { ...user, principal, apiToken: token, apiTokenId, sessionId: session.id, cookie: `next-auth.session-token=${sessionToken}` };
}

export const smallRunbook = (name = `Rollout ${randomUUID().slice(0, 8)}`): RunbookDraftInput => ({
  name,
  service: "checkout",
  sections: [
    {
      title: "Pre-deployment",
      items: [{ text: "Backups verified", children: [{ text: "Restore rehearsed" }] }, { text: "Flag created", state: "DONE" }],
      sections: [{ title: "People", items: [{ text: "Commander named", ownerName: "EM", dueOffsetMinutes: -1440 }] }],
    },
  ],
  phases: [
    {
      name: "Canary",
      trafficPercent: 10,
      minDurationMinutes: 30,
      criteria: [{ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, unit: "%", pendingSeconds: 300, description: "Error rate > 1% for 5 minutes" }],
    },
  ],
  gates: [
    { kind: "GO_LIVE", name: "Go-live authorization", requiredRoles: ["COMMANDER"] },
    { kind: "POST_DEPLOYMENT", name: "Two-person confirmation", requiredRoles: ["COMMANDER", "ADMIN"] },
  ],
  contacts: [{ role: "On-call", name: "Sam Support", phone: "+1 555 0101", email: "sam@example.com", escalateAfterMinutes: 5 }],
});

export async function makeRollout(draft: RunbookDraftInput = smallRunbook()) {
  return createRolloutFromDraft(draft, SYSTEM_ACTOR, { plannedStartAt: new Date("2026-12-01T12:00:00Z") });
}
