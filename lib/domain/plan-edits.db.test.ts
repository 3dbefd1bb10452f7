import { beforeAll, describe, expect, it } from "vitest";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { recordReadings } from "./metric-samples";
import { createTileAs } from "./tiles";
import { describeEvent } from "./describe-event";
import { DomainError } from "./errors";
import { listEventsAfter } from "./events";
import { applyPlanEdit } from "./plan-edits";
import { promotePhase, startRollout } from "./phases";
import { getRolloutState } from "./rollouts";
import { updateRollout } from "./rollout-copies";
import { planEditSchema, type PlanEdit } from "@/lib/schemas/plan";

let admin: Awaited<ReturnType<typeof makeUser>>;
let commander: Awaited<ReturnType<typeof makeUser>>;
let engineer: Awaited<ReturnType<typeof makeUser>>;
let viewer: Awaited<ReturnType<typeof makeUser>>;
const override = { reason: "plan edit tests: gates are not under test" };

beforeAll(async () => {
  [admin, commander, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("ENGINEER", "Erin"), makeUser("VIEWER")]);
});

/** The edit as a route would send it (parsed by the shared schema); the result loosely typed, as tests read it. */
const edit = (principal: typeof admin.principal, rolloutId: string, input: Record<string, unknown>): Promise<unknown> =>
  applyPlanEdit(principal, rolloutId, planEditSchema.parse(input) as PlanEdit);

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function fresh(phases = smallRunbook().phases) {
  const rollout = await makeRollout({ ...smallRunbook(), phases });
  return { rolloutId: rollout.id, state: await getRolloutState(rollout.id) };
}

const twoPhases = [
  {
    name: "Canary",
    trafficPercent: 10,
    minDurationMinutes: 30,
    criteria: [{ kind: "ROLLBACK_TRIGGER" as const, metricKey: "error_rate", comparator: "GT" as const, threshold: 1, pendingSeconds: 0, description: "Error rate > 1%" }],
  },
  { name: "Half", trafficPercent: 50 },
];

describe("checklist edits", () => {
  it("adds a section and an item assigned to a user, each with its event and a timeline line", async () => {
    const { rolloutId, state } = await fresh();
    const before = state.lastSeq;
    const { section } = (await edit(engineer.principal, rolloutId, { op: "section.add", title: "Smoke tests" })) as { section: { id: string } };
    const added = (await edit(engineer.principal, rolloutId, { op: "item.add", sectionId: section.id, text: "Log in as a test user", ownerId: engineer.id, ownerName: "QA team", dueOffsetMinutes: 15 })) as {
      item: { id: string; ownerId: string; ownerName: string; dueOffsetMinutes: number };
      seq: number;
    };
    expect(added.item).toMatchObject({ ownerId: engineer.id, ownerName: "QA team", dueOffsetMinutes: 15 });
    const { events } = await listEventsAfter(rolloutId, before);
    expect(events.map((e) => e.type)).toEqual(["section.added", "item.added"]);
    expect(added.seq).toBe(events[1]!.seq);
    expect(describeEvent(events[1]!)).toBe('Checklist: "Log in as a test user" added to Smoke tests');
    const after = await getRolloutState(rolloutId);
    expect(after.items.find((i) => i.id === added.item.id)?.sectionId).toBe(section.id);
  });

  it("refuses an owner who is not a user, and an item under a parent in another section, naming the field", async () => {
    const { rolloutId, state } = await fresh();
    const [first, second] = state.sections;
    const bad = await rejection(edit(engineer.principal, rolloutId, { op: "item.add", sectionId: first!.id, text: "x", ownerId: "nobody" }));
    expect(bad.status).toBe(400);
    expect(bad.fields).toHaveProperty("ownerId");
    const parentElsewhere = state.items.find((i) => i.sectionId === first!.id)!;
    const nested = await rejection(edit(engineer.principal, rolloutId, { op: "item.add", sectionId: second!.id, parentId: parentElsewhere.id, text: "x" }));
    expect(nested.fields).toHaveProperty("parentId");
  });

  it("reorders, nests and un-nests items", async () => {
    const { rolloutId, state } = await fresh();
    const section = state.sections.find((s) => s.title === "Pre-deployment")!;
    const roots = state.items.filter((i) => i.sectionId === section.id && i.parentId === null).sort((a, b) => a.position - b.position);
    expect(roots.map((i) => i.text)).toEqual(["Backups verified", "Flag created"]);
    await edit(engineer.principal, rolloutId, { op: "item.move", itemId: roots[1]!.id, sectionId: section.id, parentId: null, position: 0 });
    let now = await getRolloutState(rolloutId);
    const order = () => now.items.filter((i) => i.sectionId === section.id && i.parentId === null).sort((a, b) => a.position - b.position).map((i) => i.text);
    expect(order()).toEqual(["Flag created", "Backups verified"]);
    // Nest "Flag created" under "Backups verified", then back out.
    await edit(engineer.principal, rolloutId, { op: "item.move", itemId: roots[1]!.id, sectionId: section.id, parentId: roots[0]!.id, position: 99 });
    now = await getRolloutState(rolloutId);
    expect(now.items.find((i) => i.id === roots[1]!.id)?.parentId).toBe(roots[0]!.id);
    expect(order()).toEqual(["Backups verified"]);
    const cycle = await rejection(edit(engineer.principal, rolloutId, { op: "item.move", itemId: roots[0]!.id, sectionId: section.id, parentId: roots[1]!.id, position: 0 }));
    expect(cycle.fields).toHaveProperty("parentId");
  });

  it("skips and blocks with a reason (required), recorded as item.updated with the reason", async () => {
    const { rolloutId, state } = await fresh();
    const item = state.items.find((i) => i.text === "Backups verified")!;
    expect(() => planEditSchema.parse({ op: "item.mark", itemId: item.id, state: "BLOCKED" })).toThrow();
    const before = state.lastSeq;
    const { item: blocked } = (await edit(engineer.principal, rolloutId, { op: "item.mark", itemId: item.id, state: "BLOCKED", reason: "waiting for the DBA" })) as { item: { state: string; stateReason: string } };
    expect(blocked).toMatchObject({ state: "BLOCKED", stateReason: "waiting for the DBA" });
    const { events } = await listEventsAfter(rolloutId, before);
    expect(events[0]).toMatchObject({ type: "item.updated", data: { reason: "waiting for the DBA", previousState: "OPEN" } });
    const { item: reopened } = (await edit(engineer.principal, rolloutId, { op: "item.mark", itemId: item.id, state: "OPEN" })) as { item: { state: string; stateReason: string | null } };
    expect(reopened).toMatchObject({ state: "OPEN", stateReason: null });
  });

  it("a stale expectedVersion on an edit is 409 with the current item", async () => {
    const { rolloutId, state } = await fresh();
    const item = state.items[0]!;
    await edit(engineer.principal, rolloutId, { op: "item.edit", itemId: item.id, text: "Backups verified (full)", expectedVersion: item.version });
    const stale = await rejection(edit(engineer.principal, rolloutId, { op: "item.edit", itemId: item.id, text: "again", expectedVersion: item.version }));
    expect(stale.status).toBe(409);
    expect(stale.details?.current).toMatchObject({ text: "Backups verified (full)" });
  });

  it("deletes an item with its sub-items, and undo puts them back with their ids, once", async () => {
    const { rolloutId, state } = await fresh();
    const parent = state.items.find((i) => i.text === "Backups verified")!;
    const child = state.items.find((i) => i.parentId === parent.id)!;
    const { undo } = (await edit(engineer.principal, rolloutId, { op: "item.delete", itemId: parent.id })) as { undo: { seq: number; until: string } };
    expect(new Date(undo.until).getTime()).toBeGreaterThan(Date.now());
    let now = await getRolloutState(rolloutId);
    expect(now.items.map((i) => i.id)).not.toContain(child.id);
    await edit(engineer.principal, rolloutId, { op: "undo", seq: undo.seq });
    now = await getRolloutState(rolloutId);
    expect(now.items.find((i) => i.id === child.id)).toMatchObject({ parentId: parent.id, text: child.text });
    const again = await rejection(edit(engineer.principal, rolloutId, { op: "undo", seq: undo.seq }));
    expect(again.status).toBe(409);
    const notRemoval = await rejection(edit(engineer.principal, rolloutId, { op: "undo", seq: 1 }));
    expect(notRemoval.fields).toHaveProperty("seq");
  });

  it("undo is refused once the window has passed", async () => {
    const { rolloutId, state } = await fresh();
    const { undo } = (await edit(engineer.principal, rolloutId, { op: "item.delete", itemId: state.items[0]!.id })) as { undo: { seq: number } };
    await getDb().rolloutEvent.update({ where: { rolloutId_seq: { rolloutId, seq: undo.seq } }, data: { at: new Date(Date.now() - 11 * 60_000) } });
    const late = await rejection(edit(engineer.principal, rolloutId, { op: "undo", seq: undo.seq }));
    expect(late.message).toMatch(/10 minutes/);
  });

  it("deletes a section with its subsections and items; undo restores the whole tree", async () => {
    const { rolloutId, state } = await fresh();
    const top = state.sections.find((s) => s.title === "Pre-deployment")!;
    const { undo } = (await edit(engineer.principal, rolloutId, { op: "section.delete", sectionId: top.id })) as { undo: { seq: number } };
    expect((await getRolloutState(rolloutId)).sections).toHaveLength(0);
    await edit(engineer.principal, rolloutId, { op: "undo", seq: undo.seq });
    const back = await getRolloutState(rolloutId);
    expect(back.sections.map((s) => s.id).sort()).toEqual(state.sections.map((s) => s.id).sort());
    expect(back.items.map((i) => i.id).sort()).toEqual(state.items.map((i) => i.id).sort());
  });

  it("after start, a ticked item cannot be deleted, an open one can; items can still be added", async () => {
    const { rolloutId, state } = await fresh();
    const tick = state.items.find((i) => i.text === "Restore rehearsed")!;
    await edit(engineer.principal, rolloutId, { op: "item.mark", itemId: tick.id, state: "SKIPPED", reason: "n/a" });
    await getDb().checklistItem.update({ where: { id: tick.id }, data: { state: "DONE", checkedById: engineer.id, checkedAt: new Date() } });
    await startRollout(commander.principal, rolloutId, { override });
    const refused = await rejection(edit(engineer.principal, rolloutId, { op: "item.delete", itemId: state.items.find((i) => i.text === "Backups verified")!.id }));
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/ticked item/);
    await edit(engineer.principal, rolloutId, { op: "item.delete", itemId: state.items.find((i) => i.text === "Commander named")!.id });
    await edit(engineer.principal, rolloutId, { op: "item.add", sectionId: state.sections[0]!.id, text: "Added mid-run" });
  });

  it("viewers cannot edit the checklist, engineers cannot edit the structure", async () => {
    const { rolloutId, state } = await fresh();
    expect((await rejection(edit(viewer.principal, rolloutId, { op: "item.add", sectionId: state.sections[0]!.id, text: "x" }))).status).toBe(403);
    expect((await rejection(edit(engineer.principal, rolloutId, { op: "phase.add", name: "x", trafficPercent: 5 }))).status).toBe(403);
    // An engineer may not undo a structural removal either.
    const { undo } = (await edit(commander.principal, rolloutId, { op: "contact.remove", contactId: state.contacts[0]!.id })) as { undo: { seq: number } };
    expect((await rejection(edit(engineer.principal, rolloutId, { op: "undo", seq: undo.seq }))).status).toBe(403);
  });

  it("an edit naming a row of another rollout is 404", async () => {
    const a = await fresh();
    const b = await fresh();
    expect((await rejection(edit(engineer.principal, a.rolloutId, { op: "item.edit", itemId: b.state.items[0]!.id, text: "x" }))).status).toBe(404);
  });
});

describe("phase, criteria and gate edits and their rules", () => {
  it("adds and edits a phase at a fractional traffic percentage (0.5 %), as an imported plan can have", async () => {
    const { rolloutId } = await fresh(twoPhases);
    const { phase } = (await edit(commander.principal, rolloutId, { op: "phase.add", name: "Sliver", trafficPercent: 0.5 })) as { phase: { id: string } };
    await edit(commander.principal, rolloutId, { op: "phase.edit", phaseId: phase.id, trafficPercent: 0.25 });
    expect((await getRolloutState(rolloutId)).phases.find((p) => p.id === phase.id)?.trafficPercent).toBe(0.25);
  });

  it("adds a phase at the end, edits traffic and duration, reorders before start", async () => {
    const { rolloutId } = await fresh(twoPhases);
    const { phase } = (await edit(commander.principal, rolloutId, { op: "phase.add", name: "Full", trafficPercent: 100, minDurationMinutes: 60 })) as { phase: { id: string; position: number } };
    expect(phase.position).toBe(2);
    await edit(commander.principal, rolloutId, { op: "phase.edit", phaseId: phase.id, trafficPercent: 90, minDurationMinutes: 15 });
    await edit(commander.principal, rolloutId, { op: "phase.move", phaseId: phase.id, position: 0 });
    const state = await getRolloutState(rolloutId);
    expect(state.phases.map((p) => [p.name, p.trafficPercent, p.minDurationMinutes])).toEqual([
      ["Full", 90, 15],
      ["Canary", 10, 30],
      ["Half", 50, 0],
    ]);
  });

  it("after start: no reorder; the active phase keeps its traffic and cannot be removed; a pending one can", async () => {
    const { rolloutId, state } = await fresh(twoPhases);
    await startRollout(commander.principal, rolloutId, { override });
    const [canary, half] = state.phases;
    expect((await rejection(edit(commander.principal, rolloutId, { op: "phase.move", phaseId: half!.id, position: 0 }))).message).toMatch(/before the rollout starts/);
    expect((await rejection(edit(commander.principal, rolloutId, { op: "phase.remove", phaseId: canary!.id }))).message).toMatch(/active phase cannot be removed/);
    expect((await rejection(edit(commander.principal, rolloutId, { op: "phase.edit", phaseId: canary!.id, trafficPercent: 20 }))).status).toBe(409);
    await edit(commander.principal, rolloutId, { op: "phase.edit", phaseId: canary!.id, minDurationMinutes: 45 });
    const { undo } = (await edit(commander.principal, rolloutId, { op: "phase.remove", phaseId: half!.id })) as { undo: { seq: number } };
    expect((await getRolloutState(rolloutId)).phases).toHaveLength(1);
    await edit(commander.principal, rolloutId, { op: "undo", seq: undo.seq });
    expect((await getRolloutState(rolloutId)).phases.map((p) => p.name)).toEqual(["Canary", "Half"]);
    // A passed phase is history.
    await promotePhase(commander.principal, rolloutId, { override });
    expect((await rejection(edit(commander.principal, rolloutId, { op: "criterion.add", phaseId: canary!.id, kind: "SUCCESS", metricKey: "x", comparator: "LT", threshold: 1, description: "x" }))).message).toMatch(/part of the record/);
  });

  it("a criterion edited mid-phase is audited as such, starts again from Normal and is re-evaluated at once", async () => {
    const { rolloutId, state } = await fresh(twoPhases);
    await createTileAs(SYSTEM_ACTOR, rolloutId, { key: "error_rate", label: "Error rate", unit: "%", sourceKind: "PUSH" });
    const tile = await getDb().metricTile.findFirstOrThrow({ where: { rolloutId, key: "error_rate" } });
    await startRollout(commander.principal, rolloutId, { override });
    await recordReadings([{ tileId: tile.id, rolloutId, key: "error_rate", at: new Date(), kind: "value", value: 2 }]);
    const trigger = state.phases[0]!.criteria[0]!;
    const before = (await getRolloutState(rolloutId)).lastSeq;
    const { criterion } = (await edit(commander.principal, rolloutId, { op: "criterion.edit", criterionId: trigger.id, threshold: 5, pendingSeconds: 60 })) as { criterion: { threshold: number } };
    expect(criterion.threshold).toBe(5);
    const { events } = await listEventsAfter(rolloutId, before);
    const edited = events.find((e) => e.type === "criterion.edited")!;
    expect(edited.data).toMatchObject({ midPhase: true, changed: ["threshold", "pendingSeconds"], before: { threshold: 1, pendingSeconds: 0 } });
    expect(describeEvent(edited)).toMatch(/threshold 1 → 5.*mid-phase: re-evaluated/);
    // Re-evaluated after commit (it had never been evaluated): the reading 2 is measured against the new threshold 5.
    const after = await getRolloutState(rolloutId);
    expect(after.phases[0]!.criteria[0]).toMatchObject({ state: "NORMAL", lastValue: 2, threshold: 5 });
    expect(after.phases[0]!.criteria[0]!.lastEvaluatedAt).not.toBeNull();
    expect(after.phases[0]!.verdict).not.toBeNull();
  });

  it("gates: add with roles and named approvers, edit while pending; a start gate is frozen after start; a signed gate stays", async () => {
    const { rolloutId, state } = await fresh(twoPhases);
    const { gate } = (await edit(commander.principal, rolloutId, { op: "gate.add", kind: "GO_NO_GO", name: "Go to half", requiredRoles: ["COMMANDER"], approverTitles: ["SRE lead"], phaseId: state.phases[1]!.id })) as { gate: { id: string } };
    await edit(commander.principal, rolloutId, { op: "gate.edit", gateId: gate.id, requiredRoles: ["COMMANDER", "ADMIN"], approverTitles: ["SRE lead", "Product owner"] });
    expect((await getRolloutState(rolloutId)).gates.find((g) => g.id === gate.id)).toMatchObject({ requiredRoles: ["COMMANDER", "ADMIN"], approverTitles: ["SRE lead", "Product owner"] });
    await startRollout(commander.principal, rolloutId, { override });
    const goLive = state.gates.find((g) => g.kind === "GO_LIVE")!;
    expect((await rejection(edit(commander.principal, rolloutId, { op: "gate.edit", gateId: goLive.id, requiredRoles: ["ADMIN"] }))).status).toBe(409);
    // The phase gate of a phase still ahead can still change.
    await edit(commander.principal, rolloutId, { op: "gate.edit", gateId: gate.id, name: "Go to 50%" });
  });

  it("contacts: add, edit and remove with undo; their events carry no public summary", async () => {
    const { rolloutId, state } = await fresh();
    const before = state.lastSeq;
    const { contact } = (await edit(commander.principal, rolloutId, { op: "contact.add", role: "DBA", name: "Dee", phone: "+1 555 0199", email: "dee@example.com", escalationLevel: 2 })) as { contact: { id: string } };
    await edit(commander.principal, rolloutId, { op: "contact.edit", contactId: contact.id, phone: "+1 555 0200" });
    const { events } = await listEventsAfter(rolloutId, before);
    expect(events.every((e) => e.data.publicSummary === undefined)).toBe(true);
    expect((await getRolloutState(rolloutId)).contacts.find((c) => c.id === contact.id)?.phone).toBe("+1 555 0200");
  });
});

describe("rollout settings, template and archive", () => {
  it("an archived rollout's plan is read-only until unarchived; an ended one for good", async () => {
    const { rolloutId, state } = await fresh();
    await updateRollout(admin.principal, rolloutId, { archived: true });
    expect((await rejection(edit(engineer.principal, rolloutId, { op: "item.add", sectionId: state.sections[0]!.id, text: "x" }))).message).toMatch(/archived/);
    await updateRollout(admin.principal, rolloutId, { archived: false, isTemplate: true, name: "Checkout template" });
    await edit(engineer.principal, rolloutId, { op: "item.add", sectionId: state.sections[0]!.id, text: "x" });
    const now = await getRolloutState(rolloutId);
    expect(now.rollout).toMatchObject({ isTemplate: true, archivedAt: null, name: "Checkout template" });
    const types = (await listEventsAfter(rolloutId, state.lastSeq)).events.map((e) => e.type);
    expect(types).toEqual(["rollout.archived", "rollout.edited", "rollout.unarchived", "item.added"]);
  });
});
