import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { getRolloutState } from "@/lib/domain/rollouts";
import { createApiToken, createShareToken, revokeApiToken } from "@/lib/domain/tokens";
import type { TokenUse } from "@/lib/auth/token-scope";
import type { ApiTokenScopeName } from "@/lib/schemas/users";
import { PATCH as patchItem } from "@/app/api/v1/items/[id]/route";
import { POST as signGate } from "@/app/api/v1/gates/[id]/signatures/route";
import { POST as createShareLink } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { POST as createRollout } from "@/app/api/v1/rollouts/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";
import { POST as startRolloutRoute } from "@/app/api/v1/rollouts/[id]/start/route";
import { POST as promoteRoute } from "@/app/api/v1/rollouts/[id]/promote/route";
import { POST as pauseRoute } from "@/app/api/v1/rollouts/[id]/pause/route";
import { POST as resumeRoute } from "@/app/api/v1/rollouts/[id]/resume/route";
import { POST as abortRoute } from "@/app/api/v1/rollouts/[id]/abort/route";
import { POST as createTileRoute } from "@/app/api/v1/rollouts/[id]/tiles/route";
import { DELETE as deleteTileRoute, PATCH as updateTileRoute } from "@/app/api/v1/tiles/[id]/route";
import { PATCH as updateCriterionRoute } from "@/app/api/v1/criteria/[id]/route";
import { POST as pushMetricsRoute } from "@/app/api/v1/metrics/route";
import { POST as createActionRoute } from "@/app/api/v1/rollouts/[id]/actions/route";
import { DELETE as deleteActionRoute, PATCH as updateActionRoute } from "@/app/api/v1/actions/[id]/route";
import { POST as runActionRoute } from "@/app/api/v1/actions/[id]/runs/route";
import { POST as dryRunRoute } from "@/app/api/v1/actions/[id]/dry-run/route";
import { POST as approveRunRoute } from "@/app/api/v1/action-runs/[id]/approve/route";
import { POST as rejectRunRoute } from "@/app/api/v1/action-runs/[id]/reject/route";
import { PATCH as updateRolloutRoute } from "@/app/api/v1/rollouts/[id]/route";
import { POST as editPlanRoute } from "@/app/api/v1/rollouts/[id]/plan/route";
import { POST as cloneRoute } from "@/app/api/v1/rollouts/[id]/clone/route";
import { POST as rehearsalsRoute } from "@/app/api/v1/rollouts/[id]/rehearsals/route";
import { GET as rehearsalReportRoute } from "@/app/api/v1/rollouts/[id]/rehearsal-report/route";
import { POST as rebaselineRoute } from "@/app/api/v1/rollouts/[id]/rebaseline/route";
import { POST as testTileRoute } from "@/app/api/v1/rollouts/[id]/tiles/test/route";
import { createRehearsal } from "@/lib/domain/rollout-copies";
import { GET as listUsersRoute, POST as createUserRoute } from "@/app/api/v1/users/route";
import { GET as getUserRoute, PATCH as patchUserRoute } from "@/app/api/v1/users/[id]/route";
import { GET as listInvitationsRoute, POST as inviteRoute } from "@/app/api/v1/invitations/route";
import { DELETE as revokeInvitationRoute } from "@/app/api/v1/invitations/[id]/route";
import { POST as acceptInvitationRoute } from "@/app/api/v1/invitations/accept/route";
import { GET as listTokensRoute } from "@/app/api/v1/tokens/route";
import { DELETE as revokeTokenRoute } from "@/app/api/v1/tokens/[id]/route";
import { POST as changePasswordRoute } from "@/app/api/v1/me/password/route";
import { POST as createChannelRoute } from "@/app/api/v1/rollouts/[id]/notification-channels/route";
import { PUT as notificationSettingsRoute } from "@/app/api/v1/rollouts/[id]/notification-settings/route";
import { POST as alertTokenRoute } from "@/app/api/v1/rollouts/[id]/alert-tokens/route";
import { PUT as bindAlertRoute } from "@/app/api/v1/criteria/[id]/alert/route";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import { endAuthSession } from "@/lib/domain/sessions";
import { updateUser } from "@/lib/domain/users";
import { afterAll } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createSeedAction } from "@/lib/domain/action-configs";
import { requestActionRun } from "@/lib/domain/action-runs";
import { pausePhase, startRollout } from "@/lib/domain/phases";
import { createTileAs } from "@/lib/domain/tiles";
import { createActionSchema } from "@/lib/schemas/actions";

// Every mutating operation × every kind of caller, on HTTP: who gets 2xx, 401 or 403. Each cell runs on a
// fresh rollout so cells do not depend on each other.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Fixture = Awaited<ReturnType<typeof freshRollout>>;
type Stage = "draft" | "started" | "paused" | "rehearsed";
type Operation = {
  name: string;
  stage?: Stage;
  handler: Handler;
  params: (f: Fixture) => Record<string, string>;
  body: (f: Fixture) => unknown;
  /** Roles that may do it (everyone else signed in gets 403). */
  allowed: Role[];
  /** Only a browser session may do it (API tokens get 403). */
  sessionOnly?: boolean;
  /** No sign-in needed (the link is the credential): every caller gets 2xx. */
  public?: boolean;
  /** What an allowed caller gets instead of 2xx (someone else's token is a 404 to everyone). */
  allowedStatus?: number;
  /** What a scoped API token's scope must allow (lib/auth/token-scope.ts); a write unless given. */
  use?: TokenUse;
  /** Not about one rollout: a token limited to some rollouts gets 403. */
  global?: boolean;
};

const TARGET_TOKEN = "matrix-target-token";
let target: DemoTarget;
let fixtureCommander: Awaited<ReturnType<typeof makeUser>>;
const override = { reason: "access matrix: gates are not under test" };

/**
 * One rollout per cell, with what every operation needs: items and gates, two phases, a PUSH tile, a rollback
 * action (and a kill switch under the two-person rule with a pending request), all against a real demo target.
 * `stage` puts the rollout where the operation applies (started for promote/pause/abort, paused for resume).
 */
async function freshRollout(stage: Stage = "draft") {
  const rollout = await makeRollout({
    ...smallRunbook(),
    phases: [
      { name: "Canary", trafficPercent: 10, criteria: [{ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, description: "Error rate > 1%" }] },
      { name: "Full", trafficPercent: 100 },
    ],
  });
  const state = await getRolloutState(rollout.id);
  const tile = await createTileAs(SYSTEM_ACTOR, rollout.id, { key: "error_rate", label: "Error rate", unit: "%", sourceKind: "PUSH" });
  const headers = [{ name: "Authorization", value: `Bearer ${TARGET_TOKEN}`, secret: true }];
  const rollback = await createSeedAction(rollout.id, createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: `${target.url}/api/admin/rollback`, headers, bodyTemplate: '{"reason": "{{reason}}"}', allowedRoles: ["COMMANDER", "ADMIN"] }));
  const killSwitch = await createSeedAction(
    rollout.id,
    createActionSchema.parse({ kind: "KILL_SWITCH", name: "Kill", url: `${target.url}/api/admin/feature-flags`, headers, bodyTemplate: '{"killSwitch": true}', allowedRoles: ["COMMANDER", "ADMIN"], requiresSecondApprover: true }),
  );
  const pending = await requestActionRun(fixtureCommander.principal, killSwitch.id, { reason: "needs a second person", params: {} });
  const person = await getDb().user.create({ data: { email: `person-${randomUUID()}@test.local`, name: "Person", role: "ENGINEER" }, select: { id: true } });
  if (stage === "started" || stage === "paused") await startRollout(fixtureCommander.principal, rollout.id, { override });
  if (stage === "paused") await pausePhase(fixtureCommander.principal, rollout.id, { reason: "matrix" });
  // A rehearsal of it that has started (for the report and re-baseline).
  const rehearsalId = stage === "rehearsed" ? (await createRehearsal(fixtureCommander.principal, rollout.id, {})).id : rollout.id;
  if (stage === "rehearsed") await startRollout(fixtureCommander.principal, rehearsalId, { override });
  return {
    rehearsalId,
    sectionId: state.sections[0]!.id,
    phaseId: state.phases[0]!.id,
    rolloutId: rollout.id,
    itemId: state.items[0]!.id,
    goLiveGateId: state.gates.find((g) => g.kind === "GO_LIVE")!.id,
    twoRoleGateId: state.gates.find((g) => g.requiredRoles.length === 2)!.id,
    tileId: tile.id,
    criterionId: state.phases[0]!.criteria[0]!.id,
    actionId: rollback.id,
    pendingRunId: pending.run.id,
    personId: person.id,
  };
}

/** People operations need no rollout: someone to change, an invitation to revoke, one to accept, a token that is nobody's caller's. */
async function freshPeople() {
  const person = await getDb().user.create({ data: { email: `person-${randomUUID()}@test.local`, name: "Person", role: "ENGINEER" }, select: { id: true } });
  const invitationToken = generateToken("invite");
  const invitation = await getDb().invitation.create({
    data: { email: `invitee-${randomUUID()}@test.local`, role: "VIEWER", tokenHash: hashToken(invitationToken), expiresAt: new Date(Date.now() + 3_600_000) },
    select: { id: true },
  });
  const othersToken = await getDb().apiToken.create({ data: { userId: person.id, name: "theirs", tokenHash: hashToken(generateToken("api")), prefix: "wr_pat_x" }, select: { id: true } });
  return { personId: person.id, invitationId: invitation.id, invitationToken, othersTokenId: othersToken.id };
}
type PeopleFixture = Awaited<ReturnType<typeof freshPeople>>;

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
    global: true,
  },
  { name: "create an API token", handler: createToken, params: () => ({}), body: () => ({ name: "matrix" }), allowed: ALL, sessionOnly: true, global: true },
  { name: "start the rollout (override)", handler: startRolloutRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ override }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "promote (override)", stage: "started", handler: promoteRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ override }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "pause", stage: "started", handler: pauseRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ reason: "matrix" }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "resume", stage: "paused", handler: resumeRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({}), allowed: ["ADMIN", "COMMANDER"] },
  { name: "abort", stage: "started", handler: abortRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ reason: "matrix" }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "add a tile", handler: createTileRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ key: "latency_p95", label: "p95", unit: "ms", sourceKind: "PUSH" }), allowed: ["ADMIN"] },
  { name: "change a tile", handler: updateTileRoute, params: (f) => ({ id: f.tileId }), body: () => ({ label: "Errors" }), allowed: ["ADMIN"] },
  { name: "delete a tile", handler: deleteTileRoute, params: (f) => ({ id: f.tileId }), body: () => ({}), allowed: ["ADMIN"] },
  { name: "opt a trigger into auto-rollback", handler: updateCriterionRoute, params: (f) => ({ id: f.criterionId }), body: () => ({ autoRollback: true }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "push samples", handler: pushMetricsRoute, params: () => ({}), body: (f) => ({ rolloutId: f.rolloutId, samples: [{ key: "error_rate", value: 0.2 }] }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"], use: "metrics.push" },
  {
    name: "configure an action",
    handler: createActionRoute,
    params: (f) => ({ id: f.rolloutId }),
    body: () => ({ kind: "CUSTOM", name: "Page the owner", url: `${target.url}/health`, allowedRoles: ["COMMANDER"] }),
    allowed: ["ADMIN"],
  },
  { name: "change an action", handler: updateActionRoute, params: (f) => ({ id: f.actionId }), body: () => ({ name: "Roll back now" }), allowed: ["ADMIN"] },
  { name: "delete an action", handler: deleteActionRoute, params: (f) => ({ id: f.actionId }), body: () => ({}), allowed: ["ADMIN"] },
  { name: "run the rollback", handler: runActionRoute, params: (f) => ({ id: f.actionId }), body: () => ({ reason: "matrix", idempotencyKey: randomUUID() }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "dry-run the rollback", handler: dryRunRoute, params: (f) => ({ id: f.actionId }), body: () => ({ reason: "matrix" }), allowed: ["ADMIN", "COMMANDER"] },
  // The request was made by the fixture's commander: every other commander or admin may approve it.
  { name: "approve a two-person request", handler: approveRunRoute, params: (f) => ({ id: f.pendingRunId }), body: () => ({}), allowed: ["ADMIN", "COMMANDER"] },
  { name: "reject a two-person request", handler: rejectRunRoute, params: (f) => ({ id: f.pendingRunId }), body: () => ({ reason: "not now" }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "change rollout settings / template / archive", handler: updateRolloutRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ isTemplate: true }), allowed: ["ADMIN"] },
  { name: "plan: add an item", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: (f) => ({ op: "item.add", sectionId: f.sectionId, text: "matrix" }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "plan: skip an item with a reason", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: (f) => ({ op: "item.mark", itemId: f.itemId, state: "SKIPPED", reason: "matrix" }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "plan: delete an item", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: (f) => ({ op: "item.delete", itemId: f.itemId }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "plan: add a section", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ op: "section.add", title: "matrix" }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "plan: add a phase", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ op: "phase.add", name: "matrix", trafficPercent: 5 }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "plan: edit a criterion", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: (f) => ({ op: "criterion.edit", criterionId: f.criterionId, threshold: 2 }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "plan: add a gate", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: (f) => ({ op: "gate.add", kind: "GO_NO_GO", name: "matrix", requiredRoles: ["COMMANDER"], phaseId: f.phaseId }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "plan: add a contact", handler: editPlanRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ op: "contact.add", role: "DBA", name: "Dee", phone: "+1 555 0100" }), allowed: ["ADMIN", "COMMANDER"] },
  // Both make a new rollout: not for a token limited to some rollouts.
  { name: "clone a rollout", handler: cloneRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({}), allowed: ["ADMIN"], global: true },
  { name: "run as a rehearsal", handler: rehearsalsRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({}), allowed: ["ADMIN", "COMMANDER"], global: true },
  { name: "read a rehearsal report", stage: "rehearsed", handler: rehearsalReportRoute, params: (f) => ({ id: f.rehearsalId }), body: () => ({}), allowed: ALL, use: "read" },
  { name: "re-baseline from a rehearsal", stage: "rehearsed", handler: rebaselineRoute, params: (f) => ({ id: f.rehearsalId }), body: () => ({}), allowed: ["ADMIN", "COMMANDER"] },
  { name: "test a tile source", handler: testTileRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ key: "up", label: "Up", sourceKind: "SCRAPE", sourceUrl: `${target.url}/metrics`, query: "demo_traffic_percent" }), allowed: ["ADMIN"] },
  { name: "assign an item to a person", handler: patchItem, params: (f) => ({ id: f.itemId }), body: (f) => ({ ownerId: f.personId }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "add a notification channel", handler: createChannelRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ kind: "SLACK", name: "matrix", webhookUrl: `${target.url}/slack` }), allowed: ["ADMIN"] },
  { name: "set reminders and stakeholder updates", handler: notificationSettingsRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({ gateWaitMinutes: 15, reminderCadenceMinutes: 10, stakeholderUpdateMinutes: null }), allowed: ["ADMIN"] },
  { name: "create an alert token", handler: alertTokenRoute, params: (f) => ({ id: f.rolloutId }), body: () => ({}), allowed: ["ADMIN"] },
  { name: "bind a trigger to an alert", handler: bindAlertRoute, params: (f) => ({ id: f.criterionId }), body: () => ({ alertName: "HighErrorRate", labels: { service: "checkout" } }), allowed: ["ADMIN", "COMMANDER"] },
];

// People, invitations, tokens and passwords (their own fixture: no rollout needed).
type PeopleOperation = Omit<Operation, "params" | "body" | "stage"> & { params: (f: PeopleFixture) => Record<string, string>; body: (f: PeopleFixture) => unknown };
// None is about one rollout (global for every row, below).
const PEOPLE_OPERATIONS: PeopleOperation[] = ([
  { name: "list users", handler: listUsersRoute, params: () => ({}), body: () => ({}), allowed: ["ADMIN"], use: "read" },
  { name: "create a user", handler: createUserRoute, params: () => ({}), body: () => ({ email: `new-${randomUUID()}@test.local`, name: "New", role: "VIEWER", password: "handed-over" }), allowed: ["ADMIN"] },
  { name: "read a user", handler: getUserRoute, params: (f) => ({ id: f.personId }), body: () => ({}), allowed: ["ADMIN"], use: "read" },
  { name: "change a role", handler: patchUserRoute, params: (f) => ({ id: f.personId }), body: () => ({ role: "VIEWER" }), allowed: ["ADMIN"] },
  { name: "deactivate a user", handler: patchUserRoute, params: (f) => ({ id: f.personId }), body: () => ({ active: false }), allowed: ["ADMIN"] },
  { name: "list invitations", handler: listInvitationsRoute, params: () => ({}), body: () => ({}), allowed: ["ADMIN"], use: "read" },
  { name: "invite someone", handler: inviteRoute, params: () => ({}), body: () => ({ email: `inv-${randomUUID()}@test.local`, role: "ENGINEER" }), allowed: ["ADMIN"] },
  { name: "revoke an invitation", handler: revokeInvitationRoute, params: (f) => ({ id: f.invitationId }), body: () => ({}), allowed: ["ADMIN"] },
  { name: "accept an invitation", handler: acceptInvitationRoute, params: () => ({}), body: (f) => ({ token: f.invitationToken, name: "Joiner", password: "my-own-password" }), allowed: ALL, public: true },
  { name: "list own API tokens", handler: listTokensRoute, params: () => ({}), body: () => ({}), allowed: ALL, use: "read" },
  { name: "revoke someone else's API token", handler: revokeTokenRoute, params: (f) => ({ id: f.othersTokenId }), body: () => ({}), allowed: ALL, allowedStatus: 404 },
  // Last: it changes the callers' password (their own session stays signed in).
  { name: "change own password", handler: changePasswordRoute, params: () => ({}), body: () => ({ currentPassword: "correct-horse-battery", newPassword: "changed-by-the-matrix" }), allowed: ALL, sessionOnly: true },
] as PeopleOperation[]).map((op) => ({ ...op, global: true }));

type Caller = {
  label: string;
  headers: (f: Fixture | PeopleFixture) => Promise<Record<string, string>>;
  role?: Role;
  via?: "session" | "apiToken";
  /** A scoped API token: its scope, and whether it is limited to the cell's rollout or to another one. */
  scope?: ApiTokenScopeName;
  limited?: "this" | "other";
};
let callers: Caller[];

afterAll(() => target?.close());

beforeAll(async () => {
  target = await startDemoTarget({ token: TARGET_TOKEN });
  fixtureCommander = await makeUser("COMMANDER");
  const users = Object.fromEntries(await Promise.all(ALL.map(async (role) => [role, await makeUser(role)] as const))) as Record<Role, Awaited<ReturnType<typeof makeUser>>>;
  const revoked = await makeUser("ADMIN");
  await revokeApiToken((await getDb().apiToken.findFirstOrThrow({ where: { userId: revoked.id } })).id);
  const signedOut = await makeUser("ADMIN");
  await endAuthSession(signedOut.sessionId);
  const deactivated = await makeUser("ADMIN");
  await updateUser(users.ADMIN.principal, deactivated.id, { active: false });
  // People operations have no rollout of their own: their share-token callers hold a link to this one.
  const someRollout = await makeRollout();
  const shareFor = async (f: Fixture | PeopleFixture, expired: boolean) => {
    const link = await createShareToken(users.COMMANDER.principal, "rolloutId" in f ? f.rolloutId : someRollout.id, expired ? { expiresAt: new Date(Date.now() - 1000) } : {});
    return { authorization: `Bearer ${link.token}` };
  };
  // Scoped tokens (issue 16): limited to the cell's rollout (and its rehearsal), or to another rollout.
  const scopedFor = async (role: Role, scope: ApiTokenScopeName, limited: "this" | "other", f: Fixture | PeopleFixture) => {
    const mine = "rolloutId" in f ? [...new Set([f.rolloutId, f.rehearsalId])] : [someRollout.id];
    const { token } = await createApiToken(users[role].id, "scoped", { scope, rolloutIds: limited === "this" ? mine : [someRollout.id] });
    return { authorization: `Bearer ${token}` };
  };
  const readOnly = await createApiToken(users.ADMIN.id, "read-only", { scope: "READ_ONLY" });
  callers = [
    { label: "anonymous", headers: async () => ({}) },
    ...ALL.map((role): Caller => ({ label: `${role} (session)`, role, via: "session", headers: async () => ({ cookie: users[role].cookie }) })),
    ...ALL.map((role): Caller => ({ label: `${role} (API token)`, role, via: "apiToken", headers: async () => ({ authorization: `Bearer ${users[role].apiToken}` }) })),
    { label: "ENGINEER push-only token (this rollout)", role: "ENGINEER", via: "apiToken", scope: "METRICS_PUSH", limited: "this", headers: (f) => scopedFor("ENGINEER", "METRICS_PUSH", "this", f) },
    { label: "ADMIN read-only token", role: "ADMIN", via: "apiToken", scope: "READ_ONLY", headers: async () => ({ authorization: `Bearer ${readOnly.token}` }) },
    { label: "ADMIN token (this rollout)", role: "ADMIN", via: "apiToken", scope: "FULL", limited: "this", headers: (f) => scopedFor("ADMIN", "FULL", "this", f) },
    { label: "ADMIN token (another rollout)", role: "ADMIN", via: "apiToken", scope: "FULL", limited: "other", headers: (f) => scopedFor("ADMIN", "FULL", "other", f) },
    { label: "share token", headers: (f) => shareFor(f, false) },
    { label: "expired share token", headers: (f) => shareFor(f, true) },
    { label: "revoked API token", headers: async () => ({ authorization: `Bearer ${revoked.apiToken}` }) },
    { label: "signed-out session", headers: async () => ({ cookie: signedOut.cookie }) },
    { label: "deactivated user (session)", headers: async () => ({ cookie: deactivated.cookie }) },
    { label: "deactivated user (API token)", headers: async () => ({ authorization: `Bearer ${deactivated.apiToken}` }) },
  ];
}, 60_000);

const DEAD_CREDENTIALS = ["anonymous", "expired share token", "revoked API token", "signed-out session", "deactivated user (session)", "deactivated user (API token)"];

// A caller whose credential is dead can change nothing, nor can a read-only token, a token for another rollout or a
// push-only one (but samples), so their cells share one rollout per stage (a cell that wrongly succeeds is reported
// all the same); every other cell gets a fresh one.
const CANNOT_CHANGE = [...DEAD_CREDENTIALS, "ADMIN read-only token", "ADMIN token (another rollout)", "ENGINEER push-only token (this rollout)"];
const deadFixtures = new Map<string, Fixture>();
async function fixtureFor(stage: Operation["stage"], caller: Caller): Promise<Fixture> {
  if (!CANNOT_CHANGE.includes(caller.label)) return freshRollout(stage);
  const key = stage ?? "draft";
  if (!deadFixtures.has(key)) deadFixtures.set(key, await freshRollout(stage));
  return deadFixtures.get(key)!;
}

// What each scope allows, written out here (not read from lib/auth/token-scope.ts) so the matrix checks it.
const SCOPE_USES: Record<ApiTokenScopeName, TokenUse[]> = { FULL: ["read", "write", "metrics.push"], READ_ONLY: ["read"], METRICS_PUSH: ["metrics.push"] };

function expectedStatus(op: Pick<Operation, "allowed" | "sessionOnly" | "public" | "allowedStatus" | "use" | "global">, caller: Caller): "2xx" | number {
  if (op.public) return "2xx";
  if (DEAD_CREDENTIALS.includes(caller.label)) return 401;
  if (!caller.role) return 403; // a live share token is read-only
  if (op.sessionOnly && caller.via === "apiToken") return 403;
  if (caller.scope) {
    if (!SCOPE_USES[caller.scope].includes(op.use ?? "write")) return 403;
    if (caller.limited === "other" || (caller.limited === "this" && op.global)) return 403;
  }
  return op.allowed.includes(caller.role) ? (op.allowedStatus ?? "2xx") : 403;
}

describe("access matrix (HTTP)", () => {
  it("gives every caller exactly the expected answer for every mutating operation", async () => {
    const table: string[] = [];
    const mismatches: string[] = [];
    for (const op of OPERATIONS) {
      for (const caller of callers) {
        const f = await fixtureFor(op.stage, caller);
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
  }, 600_000);

  it("gives every caller exactly the expected answer for every people, invitation and token operation", async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const op of PEOPLE_OPERATIONS) {
      for (const caller of callers) {
        const f = await freshPeople();
        const request = new Request("http://localhost/api/matrix", {
          method: "POST",
          headers: { ...(await caller.headers(f)), "content-type": "application/json" },
          body: JSON.stringify(op.body(f)),
        });
        const status = (await op.handler(request, { params: Promise.resolve(op.params(f)) })).status;
        const expected = expectedStatus(op, caller);
        const ok = expected === "2xx" ? status >= 200 && status < 300 : status === expected;
        cells++;
        if (!ok) mismatches.push(`${op.name} as ${caller.label}: expected ${expected}, got ${status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(PEOPLE_OPERATIONS.length * callers.length);
  }, 120_000);
});

// The same matrix over the socket: `command` runs the same operations; a caller that cannot connect gets the
// socket's 401 (connect_error), one that can gets an ack with the HTTP status.
type SocketOperation = { name: string; stage?: Operation["stage"]; command: (f: Fixture) => Record<string, unknown>; allowed: Role[] };
const SOCKET_OPERATIONS: SocketOperation[] = [
  { name: "start", command: (f) => ({ type: "rollout.start", rolloutId: f.rolloutId, input: { override } }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "promote", stage: "started", command: (f) => ({ type: "rollout.promote", rolloutId: f.rolloutId, input: { override } }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "pause", stage: "started", command: (f) => ({ type: "rollout.pause", rolloutId: f.rolloutId, input: {} }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "resume", stage: "paused", command: (f) => ({ type: "rollout.resume", rolloutId: f.rolloutId, input: {} }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "abort", stage: "started", command: (f) => ({ type: "rollout.abort", rolloutId: f.rolloutId, input: { reason: "matrix" } }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "sign go-live", command: (f) => ({ type: "gate.sign", gateId: f.goLiveGateId, input: { decision: "GO" } }), allowed: ["COMMANDER"] },
  { name: "run rollback", command: (f) => ({ type: "action.run", actionId: f.actionId, input: { reason: "matrix", idempotencyKey: randomUUID() } }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "dry run", command: (f) => ({ type: "action.dryRun", actionId: f.actionId, input: { reason: "matrix" } }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "approve", command: (f) => ({ type: "actionRun.approve", runId: f.pendingRunId, input: {} }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "reject", command: (f) => ({ type: "actionRun.reject", runId: f.pendingRunId, input: {} }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "plan: add an item", command: (f) => ({ type: "plan.edit", rolloutId: f.rolloutId, input: { op: "item.add", sectionId: f.sectionId, text: "matrix" } }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "plan: delete an item", command: (f) => ({ type: "plan.edit", rolloutId: f.rolloutId, input: { op: "item.delete", itemId: f.itemId } }), allowed: ["ADMIN", "COMMANDER", "ENGINEER"] },
  { name: "plan: add a phase", command: (f) => ({ type: "plan.edit", rolloutId: f.rolloutId, input: { op: "phase.add", name: "matrix", trafficPercent: 5 } }), allowed: ["ADMIN", "COMMANDER"] },
  { name: "plan: add a contact", command: (f) => ({ type: "plan.edit", rolloutId: f.rolloutId, input: { op: "contact.add", role: "DBA", name: "Dee" } }), allowed: ["ADMIN", "COMMANDER"] },
];

describe("access matrix (socket)", () => {
  it("gives every caller exactly the expected answer for every command", async () => {
    const { io: connect } = await import("socket.io-client");
    const { startRealtimeTestServer } = await import("@/test/realtime-server");
    const server = await startRealtimeTestServer();
    const url = server.url;
    const mismatches: string[] = [];
    try {
      for (const op of SOCKET_OPERATIONS) {
        for (const caller of callers) {
          const f = await fixtureFor(op.stage, caller);
          const headers = await caller.headers(f);
          const bearer = headers.authorization?.replace(/^Bearer /, "");
          const socket = connect(url, { transports: ["websocket"], reconnection: false, auth: bearer ? { token: bearer } : undefined, extraHeaders: headers.cookie ? { cookie: headers.cookie } : undefined });
          const connected = await new Promise<true | number>((resolve) => {
            socket.once("connect", () => resolve(true));
            socket.once("connect_error", (e: Error & { data?: { status?: number } }) => resolve(e.data?.status ?? 0));
          });
          let status: number;
          if (connected !== true) status = connected;
          else {
            const ack = (await socket.emitWithAck("command", op.command(f))) as { ok: boolean; error?: { status: number } };
            status = ack.ok ? 200 : (ack.error?.status ?? 0);
          }
          socket.disconnect();
          const expected = expectedStatus(op, caller);
          const ok = expected === "2xx" ? status >= 200 && status < 300 : status === expected;
          if (!ok) mismatches.push(`${op.name} as ${caller.label}: expected ${expected}, got ${status}`);
        }
      }
    } finally {
      await server.close();
    }
    expect(mismatches).toEqual([]);
  }, 600_000);
});
