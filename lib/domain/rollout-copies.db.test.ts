import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { createActionSchema } from "@/lib/schemas/actions";
import { createSeedAction } from "./action-configs";
import { requestActionRun } from "./action-runs";
import { DomainError } from "./errors";
import { listEventsAfter } from "./events";
import { promotePhase, startRollout } from "./phases";
import { getRehearsalReport, rebaselineFromRehearsal } from "./rehearsals";
import { cloneRollout, createRehearsal } from "./rollout-copies";
import { getRolloutState } from "./rollouts";
import { recordSignOff } from "./signoffs";
import { createTileAs } from "./tiles";
import { updateItem } from "./checklists";

let admin: Awaited<ReturnType<typeof makeUser>>;
let commander: Awaited<ReturnType<typeof makeUser>>;
let engineer: Awaited<ReturnType<typeof makeUser>>;
let target: DemoTarget;
const TOKEN = "copies-target-token";

beforeAll(async () => {
  [admin, commander, engineer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("ENGINEER")]);
  target = await startDemoTarget({ token: TOKEN });
});
afterAll(() => target?.close());

const runbook = () => ({
  ...smallRunbook(),
  phases: [
    { name: "Canary", trafficPercent: 10, minDurationMinutes: 30, criteria: [{ kind: "ROLLBACK_TRIGGER" as const, metricKey: "error_rate", comparator: "GT" as const, threshold: 1, description: "Error rate > 1%" }] },
    { name: "Full", trafficPercent: 100, minDurationMinutes: 60 },
  ],
  gates: [
    { kind: "GO_LIVE" as const, name: "Go-live authorization", requiredRoles: ["COMMANDER" as const] },
    { kind: "GO_NO_GO" as const, name: "Go to full", requiredRoles: ["COMMANDER" as const], phaseIndex: 1 },
  ],
});

/** A rollout that has run: items ticked, gates signed, a tile with a reading, a rollback action with a run. */
async function runRollout() {
  const rollout = await makeRollout(runbook());
  await createTileAs(SYSTEM_ACTOR, rollout.id, { key: "error_rate", label: "Error rate", unit: "%", sourceKind: "PUSH" });
  await createSeedAction(rollout.id, createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: `${target.url}/api/admin/rollback`, headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }], bodyTemplate: '{"reason": "{{reason}}"}', allowedRoles: ["COMMANDER"] }));
  const state = await getRolloutState(rollout.id);
  await updateItem(engineer.principal, state.items[0]!.id, { state: "DONE", note: "done in 4 min" });
  await recordSignOff(commander.principal, state.gates[0]!.id, { decision: "GO" });
  await startRollout(commander.principal, rollout.id, {});
  return { rolloutId: rollout.id, state: await getRolloutState(rollout.id) };
}

describe("cloneRollout", () => {
  it("copies the structure and none of the state: open items, pending phases, unsigned gates, no runs or readings", async () => {
    const { rolloutId, state: source } = await runRollout();
    const copy = await cloneRollout(admin.principal, rolloutId, { name: "Checkout again", asTemplate: false });
    const state = await getRolloutState(copy.id);
    expect(state.rollout).toMatchObject({ name: "Checkout again", status: "DRAFT", isTemplate: false, isRehearsal: false, startedAt: null });
    expect(state.items.map((i) => i.text).sort()).toEqual(source.items.map((i) => i.text).sort());
    expect(state.items.every((i) => i.state === "OPEN" && i.checkedBy === null && i.note === null)).toBe(true);
    // Nesting kept: the sub-item still hangs under its (new) parent.
    const parent = state.items.find((i) => i.text === "Backups verified")!;
    expect(state.items.find((i) => i.text === "Restore rehearsed")?.parentId).toBe(parent.id);
    expect(state.sections.find((s) => s.title === "People")?.parentId).toBe(state.sections.find((s) => s.title === "Pre-deployment")!.id);
    expect(state.phases.map((p) => [p.name, p.status, p.verdict, p.criteria.length])).toEqual([
      ["Canary", "PENDING", null, 1],
      ["Full", "PENDING", null, 0],
    ]);
    expect(state.gates.every((g) => g.signatures.length === 0)).toBe(true);
    expect(state.gates.find((g) => g.name === "Go to full")?.phaseId).toBe(state.phases[1]!.id);
    expect(state.tiles).toMatchObject([{ key: "error_rate", lastValue: null }]);
    expect(state.actions).toMatchObject([{ name: "Roll back", kind: "ROLLBACK" }]);
    expect(state.actionRuns).toEqual([]);
    expect(state.contacts).toHaveLength(source.contacts.length);
  });

  it("makes a template, and a rollout from a template; only admins clone", async () => {
    const rollout = await makeRollout();
    const template = await cloneRollout(admin.principal, rollout.id, { name: "Go-live template", asTemplate: true });
    expect((await getRolloutState(template.id)).rollout.isTemplate).toBe(true);
    const fromTemplate = await cloneRollout(admin.principal, template.id, { name: "From the template", asTemplate: false });
    const { events } = await listEventsAfter(fromTemplate.id, 0);
    expect(events[0]).toMatchObject({ type: "rollout.created", data: { from: "template", sourceId: template.id } });
    await expect(cloneRollout(commander.principal, rollout.id, { asTemplate: false })).rejects.toMatchObject({ status: 403 });
  });
});

describe("rehearsals", () => {
  it("is a copy in rehearsal mode whose actions are dry runs: the target is never called", async () => {
    const rollout = await makeRollout(runbook());
    await createSeedAction(rollout.id, createActionSchema.parse({ kind: "ROLLBACK", name: "Roll back", url: `${target.url}/api/admin/rollback`, headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }], bodyTemplate: '{"reason": "{{reason}}"}', allowedRoles: ["COMMANDER"] }));
    await getDb().notificationChannel.create({ data: { rolloutId: rollout.id, kind: "WEBHOOK", name: "ops", secretConfig: "sealed", targetHint: "hooks.example", forRehearsals: true } });
    const rehearsal = await createRehearsal(commander.principal, rollout.id, {});
    const state = await getRolloutState(rehearsal.id);
    // The rollout's own notification channels come along (the outbox then sends only those marked for rehearsals).
    expect(await getDb().notificationChannel.findMany({ where: { rolloutId: rehearsal.id }, select: { name: true, forRehearsals: true } })).toEqual([{ name: "ops", forRehearsals: true }]);
    expect(state.rollout).toMatchObject({ isRehearsal: true, rehearsalOfId: rollout.id, name: `${(await getRolloutState(rollout.id)).rollout.name} — rehearsal` });
    const calls = target.adminCalls().length;
    const { run } = await requestActionRun(commander.principal, state.actions[0]!.id, { reason: "rehearse the rollback", params: {}, idempotencyKey: "rehearsal-rb" });
    expect(run).toMatchObject({ status: "DRY_RUN", request: { url: `${target.url}/api/admin/rollback` } });
    expect(target.adminCalls().length).toBe(calls);
    // The rollout it copies hears of it.
    expect((await listEventsAfter(rollout.id, 0)).events.map((e) => e.type)).toContain("rehearsal.created");
    // A rehearsal of a rehearsal is refused; engineers cannot start one.
    await expect(createRehearsal(commander.principal, rehearsal.id, {})).rejects.toMatchObject({ status: 409 });
    await expect(createRehearsal(engineer.principal, rollout.id, {})).rejects.toBeInstanceOf(DomainError);
  });

  it("reports planned against actual per item, gate and phase, and re-baselines the plan from it", async () => {
    const rollout = await makeRollout(runbook());
    const plan = await getRolloutState(rollout.id);
    const rehearsal = await createRehearsal(commander.principal, rollout.id, {});
    const r = await getRolloutState(rehearsal.id);
    const db = getDb();
    await recordSignOff(commander.principal, r.gates.find((g) => g.kind === "GO_LIVE")!.id, { decision: "GO" });
    await startRollout(commander.principal, rehearsal.id, {});
    // Times as a rehearsal would produce them: started at 10:00, "Commander named" (due T-24h) ticked at 10:20.
    const t0 = new Date("2026-12-01T10:00:00Z");
    await db.rollout.update({ where: { id: rehearsal.id }, data: { startedAt: t0 } });
    const named = r.items.find((i) => i.text === "Commander named")!;
    await updateItem(engineer.principal, named.id, { state: "DONE" });
    await db.checklistItem.update({ where: { id: named.id }, data: { checkedAt: new Date("2026-12-01T10:20:00Z") } });
    await db.phase.update({ where: { id: r.phases[0]!.id }, data: { startedAt: t0 } });
    await recordSignOff(commander.principal, r.gates.find((g) => g.name === "Go to full")!.id, { decision: "GO" });
    await promotePhase(commander.principal, rehearsal.id, { override: { reason: "the rehearsal moves on" } });
    await db.phase.update({ where: { id: r.phases[0]!.id }, data: { endedAt: new Date("2026-12-01T10:45:00Z") } });
    const signature = await db.signature.findFirstOrThrow({ where: { gate: { name: "Go to full", rolloutId: rehearsal.id } } });
    await db.$executeRaw`ALTER TABLE "Signature" DISABLE TRIGGER USER`;
    await db.signature.update({ where: { id: signature.id }, data: { createdAt: new Date("2026-12-01T10:50:00Z") } });
    await db.$executeRaw`ALTER TABLE "Signature" ENABLE TRIGGER USER`;

    const report = await getRehearsalReport(rehearsal.id);
    expect(report.items.find((i) => i.text === "Commander named")).toMatchObject({ plannedOffsetMinutes: -1440, actualOffsetMinutes: 20, lateByMinutes: 1460, late: true });
    expect(report.phases[0]).toMatchObject({ name: "Canary", plannedMinutes: 30, actualMinutes: 45, overByMinutes: 15 });
    expect(report.gates[0]).toMatchObject({ name: "Go to full", phaseName: "Full", waitedMinutes: 50 });
    expect(report.summary).toMatchObject({ lateItems: 1, longestGateWait: { name: "Go to full" } });
    expect(report.rehearsalOf).toMatchObject({ id: rollout.id });

    const result = await rebaselineFromRehearsal(commander.principal, rehearsal.id, { items: true, phases: true });
    expect(result).toMatchObject({ planId: rollout.id, items: 1, phases: 1 });
    const after = await getRolloutState(rollout.id);
    expect(after.items.find((i) => i.text === "Commander named")?.dueOffsetMinutes).toBe(20);
    expect(after.items.find((i) => i.text === "Backups verified")?.dueOffsetMinutes).toBe(plan.items.find((i) => i.text === "Backups verified")!.dueOffsetMinutes);
    expect(after.phases.map((p) => p.minDurationMinutes)).toEqual([45, 60]);
    expect((await listEventsAfter(rollout.id, plan.lastSeq)).events.map((e) => e.type)).toEqual(["rehearsal.created", "plan.rebaselined"]);
  });

  it("a report is only for rehearsals", async () => {
    const rollout = await makeRollout();
    await expect(getRehearsalReport(rollout.id)).rejects.toMatchObject({ status: 400 });
  });
});
