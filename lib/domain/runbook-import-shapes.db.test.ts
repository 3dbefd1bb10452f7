import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "@/test/factories";
import { POST as importRoute } from "@/app/api/v1/rollouts/import/route";
import { getDb } from "@/lib/db/client";
import { getRolloutState, type RolloutState } from "@/lib/domain/rollouts";
import { convertElement, type ImportPlan } from "@/lib/runbook/plan";
import type { RunbookSummary } from "@/lib/runbook/result";

// The misreadings the import issue lists, each as a fixture of our own with the same shape
// (lib/runbook/fixtures/shapes/), imported through the route and asserted on the STORED rollout. Then the review
// flow: a dry run stores nothing and answers the plan with source lines and reasons; a plan edited as the review
// page edits it is stored as edited, the summary equal to what was stored.

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User;
beforeAll(async () => {
  admin = await makeUser("ADMIN", "Ada Admin");
});

const ctx = { params: Promise.resolve({}) };
const shape = (name: string) => readFileSync(new URL(`../runbook/fixtures/shapes/${name}`, import.meta.url), "utf8");

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await importRoute(
    new Request("http://localhost/api/v1/rollouts/import", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${admin.apiToken}` }, body: JSON.stringify(body) }),
    ctx,
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function importStored(markdown: string): Promise<{ state: RolloutState; summary: RunbookSummary }> {
  const answer = await post({ markdown });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const state = await getRolloutState((answer.body.rollout as { id: string }).id);
  const summary = answer.body.summary as RunbookSummary;
  expectSummaryIsStored(state, summary);
  return { state, summary };
}

function expectSummaryIsStored(state: RolloutState, summary: RunbookSummary) {
  const criteria = state.phases.flatMap((p) => p.criteria);
  expect({
    sections: state.sections.length,
    items: state.items.length,
    checkedItems: state.items.filter((i) => i.state === "DONE").length,
    gates: state.gates.length,
    signoffs: state.gates.reduce((n, g) => n + g.approverTitles.length, 0),
    contacts: state.contacts.length,
    phases: state.phases.length,
    criteria: criteria.filter((c) => c.kind === "SUCCESS").length,
    triggers: criteria.filter((c) => c.kind === "ROLLBACK_TRIGGER").length,
  }).toEqual(summary);
}

type Row = [kind: string, metricKey: string, comparator: string, threshold: number, unit: string | null, pendingSeconds: number];
const rows = (state: RolloutState, phase = 0): Row[] =>
  (state.phases[phase]?.criteria ?? []).map((c) => [c.kind, c.metricKey, c.comparator, c.threshold, c.unit, c.pendingSeconds]);
const itemTexts = (state: RolloutState) => state.items.map((i) => i.text);

describe("shapes the importer used to misread, as stored", () => {
  it("arms triggers and criteria from trigger lists, halt rules, numbered and bold-label lines, threshold tables and lead sentences", async () => {
    const { state } = await importStored(shape("rollback-criteria.md"));
    // No phase in the document: one phase holds the criteria written for the whole rollout.
    expect(state.phases.map((p) => [p.name, p.trafficPercent])).toEqual([["Whole rollout (criteria written outside any phase)", 100]]);
    expect(rows(state)).toEqual(
      expect.arrayContaining<Row>([
        ["ROLLBACK_TRIGGER", "error_rate", "GT", 10, "%", 300],
        ["ROLLBACK_TRIGGER", "latency_p99", "GT", 2, "s", 180],
        ["ROLLBACK_TRIGGER", "consumer_lag", "GT", 50000, null, 0],
        // "Automatic Halt Rules", numbered with a bold metric.
        ["ROLLBACK_TRIGGER", "latency_p95", "GT", 800, "ms", 0],
        ["ROLLBACK_TRIGGER", "checkout_failures", "GT", 1.5, "%", 120],
        // "- **Uptime:** > 99.5%" under "Success Metrics".
        ["SUCCESS", "availability", "GT", 99.5, "%", 0],
        ["SUCCESS", "queue_drain_time", "LT", 30, "s", 0],
        // The threshold table: a success column, a rollback column, a window column for the trigger.
        ["SUCCESS", "error_rate", "LT", 0.5, "%", 0],
        ["ROLLBACK_TRIGGER", "error_rate", "GT", 2, "%", 180],
        ["SUCCESS", "latency_p95", "LT", 250, "ms", 0],
        ["ROLLBACK_TRIGGER", "latency_p95", "GT", 600, "ms", 600],
        // "Rollback is triggered if any of the following occur for 10 consecutive minutes:".
        ["ROLLBACK_TRIGGER", "cpu", "GT", 90, "%", 600],
        ["ROLLBACK_TRIGGER", "memory", "GT", 85, "%", 600],
        ["ROLLBACK_TRIGGER", "users_unable_access_system", "GT", 25, "%", 600],
        // "safety_ok = true; cost headroom ≥ 20%": two criteria, not one metric named after both.
        ["SUCCESS", "safety_ok", "EQ", 1, null, 0],
        ["SUCCESS", "cost_headroom", "GTE", 20, "%", 0],
      ]),
    );
    expect(rows(state)).toHaveLength(16);
    // ">25% of users unable…" keeps its words.
    expect(state.phases[0]?.criteria.map((c) => c.description)).toContain(">25% of users unable to access system");
    // Relative thresholds are never stored as an absolute number: they stay items saying why they are not armed.
    expect(rows(state).some(([, key]) => key === "latency_p75")).toBe(false);
    expect(state.items.map((i) => [i.text, i.note])).toEqual([
      ["p75 latency < 110% of baseline", "Not armed: the threshold is relative (110% of baseline); set an absolute threshold to arm it."],
      ["error ≤ 1.25× baseline", "Not armed: the threshold is relative (1.25× baseline); set an absolute threshold to arm it."],
    ]);
    expect(state.items.some((i) => i.text === "Untitled item")).toBe(false);
  });

  it("makes gates only of signature lines, never of template fields, and stores no placeholder", async () => {
    const { state, summary } = await importStored(shape("signoff-template.md"));
    expect(state.gates.map((g) => [g.name, g.approverTitles])).toEqual([
      ["Approvals", ["Business Owner", "CTO", "Security Lead"]],
      ["Approvals", ["Platform Owner"]],
    ]);
    expect(summary).toMatchObject({ gates: 2, signoffs: 4 });
    // "Status: ☐ Not Started / ☐ In Progress", "Owner: [Name]", "Phone: ____" are no approvers, items or owners.
    expect(state.items.map((i) => [i.text, i.ownerName])).toEqual([
      ["Freeze schema changes", null],
      ["Rehearse the cutover", null],
    ]);
    expect(state.contacts).toEqual([]);
  });

  it("applies metadata sub-bullets to their task, keeps info bullets as notes and reads due times and table checklists", async () => {
    const { state } = await importStored(shape("metadata-children.md"));
    const item = (text: string) => state.items.find((i) => i.text === text);
    expect(item("Confirm the export window with finance")).toMatchObject({ ownerName: "QA Lead", dueOffsetMinutes: -120, parentId: null });
    const notes = await getDb().checklistItem.findMany({ where: { rolloutId: state.rollout.id }, select: { text: true, note: true } });
    const note = (text: string) => notes.find((n) => n.text === text)?.note;
    expect(note("Confirm the export window with finance")).toBe("Duration: 1-2 hours");
    expect(note("Prepare the replay cohort")).toBe("Cohort: 5% of EU accounts");
    expect(item("Prepare the replay cohort")).toMatchObject({ ownerName: "Priya", dueOffsetMinutes: -1440 });
    expect(item("Snapshot the ledger tables")).toMatchObject({ state: "DONE" });
    // No metadata line became a child task, and the do's and don'ts are the note of the one task of their section.
    expect(state.items.filter((i) => i.parentId !== null)).toEqual([]);
    expect(note("Announce the freeze in #ledger")).toBe("Do keep the replay script handy\n\nDon't run migrations by hand\n\nSee https://example.com/ledger-runbook for background");
    // "T-Minus 24 Hours" and "Deadline: Before T-24h".
    expect(item("Final dry run")?.dueOffsetMinutes).toBe(-1440);
    expect(item("Deadline: Before T-24h — vendor confirmation")?.dueOffsetMinutes).toBe(-1440);
    // The cutover table: rows are items, its Time column due times ("T-7 days") or, as a clock time with no T0, a note.
    expect(item("Notify downstream teams")).toMatchObject({ ownerName: "Comms", dueOffsetMinutes: -10_080, state: "OPEN" });
    expect(note("Stop the writers")).toBe("Time: 09:00");
    expect(item("Verify row counts")).toMatchObject({ ownerName: "QA", dueOffsetMinutes: 15, state: "DONE" });
    expect(state.items).toHaveLength(9);
  });

  it("reads contacts only where they are contacts, with escalation chains and trees in order and time", async () => {
    const { state } = await importStored(shape("contacts-shapes.md"));
    // The war room lists contacts by escalation level.
    expect(state.contacts.map((c) => [c.role, c.name, c.phone, c.escalationLevel, c.escalateAfterMinutes])).toEqual([
      ["Incident Commander", "Ana Lima", "+1 415 555 0100", 1, null],
      // "[Name]" and "[Phone]": a role still to staff, with no placeholder stored.
      ["Database Owner", "Database Owner", null, 1, null],
      // The chain's "Primary" adds its escalation time to the primary named above.
      ["Primary", "Dana Ruiz", "+1 415 555 0101", 1, 0],
      // "P0: Page Primary → Secondary → Platform Owner (5min each)".
      ["On-Call Engineer", "On-Call Engineer", null, 1, 0],
      ["Secondary", "Secondary", null, 2, 5],
      // The tree in the code block: "On-Call Engineer (0-5 min) ↓ Team Lead (5-15 min) ↓ …".
      ["Team Lead", "Team Lead", null, 2, 5],
      ["Platform Owner", "Platform Owner", null, 3, 10],
      ["Engineering Manager", "Engineering Manager", null, 3, 15],
    ]);
    // "Method: Call each number…" is no contact; "1. **STOP**: Do not proceed" is a step and keeps its section's steps.
    expect(itemTexts(state)).toEqual([
      "Method: Call each number in order until someone answers.",
      "STOP: Do not proceed if the bridge is red",
      "Check the ledger totals",
      "Restart the bridge",
    ]);
  });

  it("reads phase durations from body lines, fractional traffic, checkpoints as no phase, and nested traffic steps", async () => {
    const { state } = await importStored(shape("phases-shapes.md"));
    expect(state.phases.map((p) => [p.name, p.trafficPercent, p.minDurationMinutes])).toEqual([
      ["Phase 1: Shadow (0.5% traffic)", 0.5, 1440],
      ["Phase 2: Canary (10% traffic)", 10, 10],
      ["Phase 3: Full Rollout (100% traffic)", 100, 15],
    ]);
    // The checkpoint's criterion is phase 2's.
    expect(rows(state, 1)).toEqual([["SUCCESS", "error_rate", "LT", 1, "%", 0]]);
    const steps = await importStored(shape("blue-green-steps.md"));
    expect(steps.state.phases.map((p) => [p.name, p.trafficPercent, p.minDurationMinutes])).toEqual([
      ["10% to Green → Monitor 5 min", 10, 5],
      ["50% to Green → Monitor 15 min", 50, 15],
      ["100% to Green", 100, 0],
    ]);
  });
});

describe("review before import", () => {
  it("answers a dry run with the plan, source lines and reasons, storing nothing", async () => {
    const markdown = shape("rollback-criteria.md");
    const before = await getDb().rollout.count();
    const answer = await post({ markdown, dryRun: true });
    expect(answer.status).toBe(200);
    expect(await getDb().rollout.count()).toBe(before);
    const plan = answer.body.plan as ImportPlan;
    const trigger = plan.elements.find((e) => e.text === "Error rate > 10% for 5 minutes");
    expect(trigger).toMatchObject({ kind: "trigger", lines: { start: 6, end: 6 }, reason: "A measurable line: a rollback trigger under “Automatic Rollback Triggers”, for every phase" });
    expect(markdown.split("\n")[5]).toBe("- Error rate > 10% for 5 minutes");
    const relative = plan.elements.find((e) => e.text === "p75 latency < 110% of baseline");
    expect(relative).toMatchObject({ kind: "criterion", criterion: { threshold: null, relativeTo: "110% of baseline" } });
    expect(relative?.review).toMatch(/relative/i);
    // The dry run's counts are what creating from Markdown then stores.
    const created = await importStored(markdown);
    expect(answer.body.summary).toEqual(created.summary);
  });

  it("stores a reviewed plan as edited: a kind changed, a trigger edited, an element dropped, a metric mapped", async () => {
    const { body } = await post({ markdown: shape("rollback-criteria.md"), dryRun: true });
    const plan = body.plan as ImportPlan;
    const find = (text: string) => plan.elements.findIndex((e) => e.text === text);
    // Relative criterion → a trigger with an absolute threshold; a trigger edited; one dropped; one turned into an item.
    const relative = find("p75 latency < 110% of baseline");
    plan.elements[relative] = { ...convertElement(plan.elements[relative]!, "trigger") };
    plan.elements[relative]!.criterion = { metricKey: "http_p75_ms", comparator: "GT", threshold: 330, unit: "ms", pendingSeconds: 120 };
    const cpu = find("CPU > 90%");
    plan.elements[cpu]!.criterion = { ...plan.elements[cpu]!.criterion!, threshold: 95, pendingSeconds: 300, metricKey: "node_cpu" };
    plan.elements[find("Memory > 85%")]!.dropped = true;
    const lag = find("Consumer lag above 50000 messages");
    plan.elements[lag] = convertElement(plan.elements[lag]!, "item");

    const answer = await post({ plan, name: "Reviewed orders canary" });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const state = await getRolloutState((answer.body.rollout as { id: string }).id);
    expectSummaryIsStored(state, answer.body.summary as RunbookSummary);
    expect(state.rollout.name).toBe("Reviewed orders canary");
    expect(rows(state)).toContainEqual(["ROLLBACK_TRIGGER", "http_p75_ms", "GT", 330, "ms", 120]);
    expect(rows(state)).toContainEqual(["ROLLBACK_TRIGGER", "node_cpu", "GT", 95, "%", 300]);
    expect(rows(state).some(([, key]) => key === "memory" || key === "consumer_lag")).toBe(false);
    expect(itemTexts(state)).toEqual(["Consumer lag above 50000 messages", "error ≤ 1.25× baseline"]);
  });

  it("refuses a plan that cannot be stored with a 400 naming the field", async () => {
    const { body } = await post({ markdown: shape("rollback-criteria.md"), dryRun: true });
    const plan = body.plan as ImportPlan;
    const before = await getDb().rollout.count();
    const badKind = await post({ plan: { ...plan, elements: [{ ...plan.elements[0], kind: "banana" }] } });
    expect(badKind.status).toBe(400);
    expect(Object.keys((badKind.body.error as { fields: object }).fields)).toContain("plan.elements.0.kind");
    const both = await post({ plan, markdown: "# x\n- [ ] a" });
    expect(both.status).toBe(400);
    expect(Object.keys((both.body.error as { fields: object }).fields)).toContain("plan");
    // A criterion whose metric was cleared in review cannot arm: it is stored as an item, not refused, not a 500.
    const cleared = structuredClone(plan);
    cleared.elements[0]!.criterion!.metricKey = "";
    const stored = await post({ plan: cleared });
    expect(stored.status).toBe(201);
    expect(await getDb().rollout.count()).toBe(before + 1);
  });
});
