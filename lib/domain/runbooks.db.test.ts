import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "@/test/factories";
import { POST as importRoute } from "@/app/api/v1/rollouts/import/route";
import { GET as exportRoute } from "@/app/api/v1/rollouts/[id]/export.md/route";
import { POST as createShareLinkRoute } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { demoRunbook } from "@/lib/demo/runbook";
import { updateItem } from "@/lib/domain/checklists";
import { createRolloutFromDraft, getRolloutState, type RolloutState } from "@/lib/domain/rollouts";
import { recordSignOff } from "@/lib/domain/signoffs";
import { parseRunbookMarkdown } from "@/lib/runbook/parse-markdown";
import type { RunbookSummary } from "@/lib/runbook/result";
import { runbookDraftSchema, type DraftItem, type DraftSection, type RunbookDraft } from "@/lib/schemas/runbook";

// Import and export end to end through the route handlers against a real database: the summary the import
// answers with is what was stored, bad input is a 400 naming `markdown` and stores nothing, and an export
// re-imports to exactly the runbook it was written from.

type User = Awaited<ReturnType<typeof makeUser>>;
let admin: User, commander: User, engineer: User, viewer: User;

beforeAll(async () => {
  [admin, commander, engineer, viewer] = await Promise.all([makeUser("ADMIN", "Ada Admin"), makeUser("COMMANDER", "Cole Commander"), makeUser("ENGINEER", "Erin Engineer"), makeUser("VIEWER")]);
});

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const SHARED = "/work/shared/runbooks";
const sharedAvailable = existsSync(SHARED);
const fixture = (name: string) => readFileSync(new URL(`../runbook/fixtures/${name}`, import.meta.url), "utf8");
const shared = (name: string) => readFileSync(path.join(SHARED, name), "utf8");

function post(body: unknown, opts: { auth?: string; raw?: string } = {}) {
  return new Request("http://localhost/api/v1/rollouts/import", {
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.auth ? { authorization: `Bearer ${opts.auth}` } : {}) },
    body: opts.raw ?? JSON.stringify(body),
  });
}

type ImportAnswer = { rollout: { id: string; name: string; service: string; status: string }; summary: RunbookSummary };
type ErrorAnswer = { error: { code: string; message: string; fields?: Record<string, string[]> } };

async function importMarkdown(markdown: string, name?: string): Promise<ImportAnswer> {
  const response = await importRoute(post({ markdown, ...(name ? { name } : {}) }, { auth: admin.apiToken }), ctx({}));
  const body = (await response.json()) as ImportAnswer & ErrorAnswer;
  expect(response.status, JSON.stringify(body.error)).toBe(201);
  return body;
}

async function exportMarkdown(rolloutId: string, auth = viewer.apiToken): Promise<string> {
  const response = await exportRoute(new Request(`http://localhost/api/v1/rollouts/${rolloutId}/export.md`, { headers: { authorization: `Bearer ${auth}` } }), ctx({ id: rolloutId }));
  expect(response.status).toBe(200);
  return response.text();
}

/** The counts of what is stored, in the summary's terms. */
function storedCounts(state: RolloutState): RunbookSummary {
  const criteria = state.phases.flatMap((p) => p.criteria);
  return {
    sections: state.sections.length,
    items: state.items.length,
    checkedItems: state.items.filter((i) => i.state === "DONE").length,
    gates: state.gates.length,
    signoffs: state.gates.reduce((n, g) => n + g.approverTitles.length, 0),
    contacts: state.contacts.length,
    phases: state.phases.length,
    criteria: criteria.filter((c) => c.kind === "SUCCESS").length,
    triggers: criteria.filter((c) => c.kind === "ROLLBACK_TRIGGER").length,
  };
}

const criterionRow = (c: { metricKey: string; comparator: string; threshold: number; unit: string | null; pendingSeconds: number }) =>
  [c.metricKey, c.comparator, c.threshold, c.unit, c.pendingSeconds] as const;

// The agreed counts (lib/runbook/parse-markdown.shared.test.ts and parse-markdown.test.ts explain them), and for
// the two fixtures written for this suite, counted by reading them.
const CASES: Array<{ file: string; source: "shared" | "fixture"; name?: string; summary: RunbookSummary; criteria: Array<[phase: number, row: ReturnType<typeof criterionRow>]> }> = [
  {
    file: "ai-bargaining-go-live.md",
    source: "shared",
    summary: { sections: 36, items: 85, checkedItems: 0, gates: 2, signoffs: 5, contacts: 11, phases: 4, criteria: 10, triggers: 8 },
    criteria: [
      [1, ["latency_p95", "LT", 300, "ms", 0]],
      [1, ["error_rate", "GT", 1, "%", 300]],
      [1, ["margin_drop", "GT", 5, "%", 3600]],
      [3, ["margin_drop", "GT", 3, "%", 21_600]],
    ],
  },
  {
    file: "squad-api-go-live.md",
    source: "shared",
    summary: { sections: 27, items: 292, checkedItems: 0, gates: 4, signoffs: 5, contacts: 5, phases: 3, criteria: 15, triggers: 0 },
    criteria: [[2, ["latency_p99", "LT", 1, "s", 0]]],
  },
  {
    file: "go-live-procedures.md",
    source: "shared",
    summary: { sections: 36, items: 144, checkedItems: 0, gates: 3, signoffs: 5, contacts: 13, phases: 3, criteria: 2, triggers: 27 },
    criteria: [
      [0, ["error_rate", "LT", 1, "%", 0]],
      [0, ["latency_p95", "LT", 500, "ms", 0]],
    ],
  },
  {
    file: "search-reindex.md",
    source: "fixture",
    summary: { sections: 9, items: 7, checkedItems: 2, gates: 2, signoffs: 2, contacts: 3, phases: 3, criteria: 3, triggers: 4 },
    criteria: [
      [0, ["latency_p95", "LT", 300, "ms", 0]],
      [0, ["error_rate", "GT", 1, "%", 300]],
      [0, ["availability", "LT", 95, "%", 600]],
      [1, ["latency_p95", "GT", 10, "s", 0]],
    ],
  },
  {
    file: "billing-cutover.md",
    source: "fixture",
    summary: { sections: 5, items: 6, checkedItems: 2, gates: 1, signoffs: 0, contacts: 2, phases: 2, criteria: 2, triggers: 1 },
    criteria: [
      [0, ["error_rate", "LT", 0.1, "%", 0]],
      [0, ["latency_p99", "GT", 2000, "ms", 180]],
      [1, ["invoices_per_minute", "GTE", 40, null, 0]],
    ],
  },
  {
    file: "complete.md",
    source: "fixture",
    summary: { sections: 7, items: 7, checkedItems: 1, gates: 1, signoffs: 2, contacts: 2, phases: 3, criteria: 4, triggers: 5 },
    criteria: [[1, ["latency_p95", "GT", 10, "s", 0]]],
  },
  { file: "nesting.md", source: "fixture", summary: { sections: 6, items: 11, checkedItems: 2, gates: 0, signoffs: 0, contacts: 0, phases: 0, criteria: 0, triggers: 0 }, criteria: [] },
  { file: "contacts-table.md", source: "fixture", name: "On-call roster", summary: { sections: 0, items: 0, checkedItems: 0, gates: 0, signoffs: 0, contacts: 4, phases: 0, criteria: 0, triggers: 0 }, criteria: [] },
  { file: "mojibake.md", source: "fixture", summary: { sections: 2, items: 4, checkedItems: 1, gates: 1, signoffs: 1, contacts: 0, phases: 0, criteria: 0, triggers: 0 }, criteria: [] },
  { file: "odd-formatting.md", source: "fixture", summary: { sections: 6, items: 7, checkedItems: 2, gates: 1, signoffs: 0, contacts: 3, phases: 2, criteria: 1, triggers: 2 }, criteria: [[1, ["latency_p99", "GT", 1500, "ms", 180]]] },
];

const read = (c: (typeof CASES)[number]) => (c.source === "shared" ? shared(c.file) : fixture(c.file));
const runnable = CASES.filter((c) => c.source === "fixture" || sharedAvailable);

describe("POST /api/v1/rollouts/import", () => {
  it.each(runnable.map((c) => [c.file, c] as const))("imports %s with the agreed counts, stored as counted", async (_file, c) => {
    const { rollout, summary } = await importMarkdown(read(c), c.name);
    expect(summary).toEqual(c.summary);
    // The summary is what was stored, count for count.
    const state = await getRolloutState(rollout.id);
    expect(storedCounts(state)).toEqual(summary);
    for (const [phase, row] of c.criteria) expect(state.phases[phase]?.criteria.map(criterionRow)).toContainEqual(row);
    expect(rollout).toMatchObject({ status: "DRAFT" });
    // The import is recorded as the admin's.
    const created = await getDb().rolloutEvent.findFirstOrThrow({ where: { rolloutId: rollout.id, seq: 1 } });
    expect(created).toMatchObject({ type: "rollout.created", actorId: admin.id });
  });

  it.runIf(sharedAvailable)("names the rollout and its service from the runbook, or as the caller says", async () => {
    const { rollout } = await importMarkdown(shared("ai-bargaining-go-live.md"));
    expect(rollout).toMatchObject({ name: "AI Bargaining Platform - Go-Live Deployment Checklist", service: "AI Bargaining Platform" });
    const named = await importMarkdown(shared("ai-bargaining-go-live.md"), "  Bargaining launch, March  ");
    expect(named.rollout.name).toBe("Bargaining launch, March");
  });

  it("is for admins only", async () => {
    const markdown = fixture("complete.md");
    expect((await importRoute(post({ markdown }), ctx({}))).status).toBe(401);
    for (const user of [commander, engineer, viewer]) expect((await importRoute(post({ markdown }, { auth: user.apiToken }), ctx({}))).status).toBe(403);
  });

  const MB = 1024 * 1024;
  it.each([
    ["empty", { markdown: "" }, "markdown"],
    ["whitespace only", { markdown: " \n\t\n " }, "markdown"],
    ["binary", { markdown: "\u0000\u0001PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR" }, "markdown"],
    ["a JSON blob", { markdown: JSON.stringify({ rollout: "x", items: ["- [ ] a"] }) }, "markdown"],
    ["prose without headings, lists or tables", { markdown: "We deploy on Tuesday. Ping me if it looks off." }, "markdown"],
    ["a runbook over 1 MB", { markdown: `# Big\n${"- [ ] step\n".repeat(MB / 10 + 1)}` }, "markdown"],
    ["multi-byte text over 1 MB in UTF-8", { markdown: `# Big\n- [ ] ${"é".repeat(MB / 2 + 1)}` }, "markdown"],
    ["markdown that is not text", { markdown: 42 }, "markdown"],
    ["no markdown", { name: "x" }, "markdown"],
    ["a name that is not text", { markdown: "- [ ] a", name: 7 }, "name"],
    ["an unknown field", { markdown: "- [ ] a", plannedStartAt: "2026-01-01" }, "body"],
    ["an array", [{ markdown: "- [ ] a" }], "body"],
  ])("answers %s with 400 naming the field, storing nothing", async (_what, body, field) => {
    const before = await getDb().rollout.count();
    const response = await importRoute(post(body, { auth: admin.apiToken }), ctx({}));
    const answer = (await response.json()) as ErrorAnswer;
    expect(response.status).toBe(400);
    expect(answer.error.code).toBe("bad_request");
    expect(Object.keys(answer.error.fields ?? {})).toContain(field);
    expect(answer.error.message.length).toBeGreaterThan(10);
    expect(await getDb().rollout.count()).toBe(before);
  });

  it("answers a body far over the limit with the same 400, before parsing it", async () => {
    const raw = JSON.stringify({ markdown: `# Huge\n${"- [ ] step\n".repeat(700_000)}` });
    expect(raw.length).toBeGreaterThan(6 * MB);
    const response = await importRoute(post(null, { auth: admin.apiToken, raw }), ctx({}));
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorAnswer).error.fields).toHaveProperty("markdown");
  });

  it("refuses more checklist items than a runbook has, at once or after reading", async () => {
    const bullets = await importRoute(post({ markdown: `# Bullets\n${"- [ ] a\n".repeat(120_000)}` }, { auth: admin.apiToken }), ctx({}));
    expect(bullets.status).toBe(400);
    expect(((await bullets.json()) as ErrorAnswer).error.fields?.markdown?.[0]).toBe(
      "The runbook has about 120,000 checklist items; War Room imports at most 5,000. Split it into several rollouts.",
    );
    // Rows of task tables are items too, and are only known once the document is read.
    const tables = Array.from({ length: 6 }, (_, n) => `## Part ${n}\n\n| Task | Owner |\n|---|---|\n${"| Check it | SRE |\n".repeat(1000)}`);
    const afterReading = await importRoute(post({ markdown: `# Tables\n${tables.join("\n")}` }, { auth: admin.apiToken }), ctx({}));
    expect(afterReading.status).toBe(400);
    expect(((await afterReading.json()) as ErrorAnswer).error.fields?.markdown?.[0]).toBe(
      "The runbook has 6,000 checklist items; War Room imports at most 5,000. Split it into several rollouts.",
    );
  });

  it("imports a runbook just under 1 MB", async () => {
    const sections = Array.from({ length: 40 }, (_, s) => [`## Section ${s}`, ...Array.from({ length: 100 }, (_, i) => `- [ ] Step ${s}.${i} ${"x".repeat(200)}`)].join("\n"));
    const markdown = `# Near the limit\n${sections.join("\n")}`;
    expect(new TextEncoder().encode(markdown).length).toBeGreaterThan(0.8 * MB);
    expect(new TextEncoder().encode(markdown).length).toBeLessThanOrEqual(MB);
    const { rollout, summary } = await importMarkdown(markdown);
    expect(summary).toMatchObject({ sections: 40, items: 4000 });
    expect((await getRolloutState(rollout.id)).items).toHaveLength(4000);
  });
});

describe("GET /api/v1/rollouts/:id/export.md", () => {
  it("is a Markdown download for any signed-in role, not for a share link", async () => {
    const { rollout } = await importMarkdown(fixture("complete.md"));
    const url = `http://localhost/api/v1/rollouts/${rollout.id}/export.md`;
    const response = await exportRoute(new Request(url, { headers: { authorization: `Bearer ${viewer.apiToken}` } }), ctx({ id: rollout.id }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="ledger-service-cutover-go-live-report.md"; filename*=UTF-8''Ledger%20Service%20Cutover%20go-live%20report.md`,
    );
    expect((await exportRoute(new Request(url), ctx({ id: rollout.id }))).status).toBe(401);
    const link = await createShareLinkRoute(
      new Request(`http://localhost/api/v1/rollouts/${rollout.id}/share-links`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${commander.apiToken}` }, body: "{}" }),
      ctx({ id: rollout.id }),
    );
    const { token } = (await link.json()) as { token: string };
    expect((await exportRoute(new Request(url, { headers: { authorization: `Bearer ${token}` } }), ctx({ id: rollout.id }))).status).toBe(403);
    expect((await exportRoute(new Request(url, { headers: { authorization: `Bearer ${viewer.apiToken}` } }), ctx({ id: "missing" }))).status).toBe(404);
  });

  it("reports each item's state with who ticked it and when, signatures, verdicts, action runs and the timeline", async () => {
    const { rollout } = await importMarkdown(fixture("complete.md"));
    const state = await getRolloutState(rollout.id);
    const item = (text: string) => state.items.find((i) => i.text === text)!;
    await updateItem(engineer.principal, item("Warm caches").id, { state: "DONE", note: "Primary warmed at 09:10.\n\n- [ ] still to check: eu-west" });
    await updateItem(engineer.principal, item("Confirm on-call handover").id, { state: "SKIPPED" });
    await updateItem(engineer.principal, item("Pager noise from downstream teams").id, { state: "BLOCKED" });
    const gate = state.gates[0]!;
    await recordSignOff(commander.principal, gate.id, { decision: "GO", comment: "Caches look good", approverTitle: gate.approverTitles[0] });
    const phase = state.phases[0]!;
    await getDb().phase.update({ where: { id: phase.id }, data: { status: "PASSED", verdict: "PASS", startedAt: new Date("2026-12-01T12:00:00Z"), endedAt: new Date("2026-12-01T12:45:00Z"), verdictAt: new Date("2026-12-01T12:45:00Z") } });
    // The actions feature writes these; the report must show the run but nothing of the action's configuration.
    const action = await getDb().action.create({
      data: {
        rolloutId: rollout.id,
        kind: "ROLLBACK",
        name: "Roll back ledger",
        url: "https://deploy.internal.example/hooks/rollback-ledger",
        headers: { "X-Team": "payments-config-header" },
        secretHeaders: "enc:v1:SECRET-CIPHERTEXT",
        bodyTemplate: '{"token":"BODY-TEMPLATE-SECRET"}',
        allowedRoles: ["COMMANDER"],
      },
    });
    await getDb().actionRun.create({
      data: {
        actionId: action.id,
        rolloutId: rollout.id,
        requestedById: commander.id,
        status: "SUCCEEDED",
        reason: "Error rate over 2% for 5 minutes",
        params: { percent: 0, secretParam: "PARAM-SECRET" },
        idempotencyKey: "k1",
        request: { url: "https://deploy.internal.example/hooks/rollback-ledger", headers: { authorization: "Bearer REQUEST-SECRET" } },
        responseStatus: 202,
        responseExcerpt: "RESPONSE-BODY-EXCERPT",
        error: "ERROR-TEXT-WITH-HOST deploy.internal.example",
        attempts: 1,
        durationMs: 840,
        startedAt: new Date("2026-12-01T12:50:00Z"),
        finishedAt: new Date("2026-12-01T12:50:01Z"),
      },
    });

    const markdown = await exportMarkdown(rollout.id, viewer.apiToken);
    const checkedAt = (await getRolloutState(rollout.id)).items.find((i) => i.text === "Warm caches")!.checkedAt!;
    const utc = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;
    expect(markdown).toContain(`- [x] Warm caches *(due T-2h · owner: @sam)*\\\n  Done by Erin Engineer (ENGINEER) at ${utc(checkedAt)}\n  > Primary warmed at 09:10.\n  >\n  > - [ ] still to check: eu-west\n  - [ ] Primary region`);
    expect(markdown).toContain("- [ ] Confirm on-call handover *(skipped · due T-2h · owner: Lee)*\\\n  Skipped by Erin Engineer (ENGINEER)");
    expect(markdown).toContain("- [x] Freeze schema changes *(due T-2h · owner: Priya)*\n");
    const signature = (await getRolloutState(rollout.id)).gates[0]!.signatures[0]!;
    expect(markdown).toContain(`| Approvals | GO | Cole Commander | COMMANDER | ${utc(signature.createdAt)} |  | Caches look good |`);
    expect(markdown).toContain("| 1 | Phase 1: Canary (5% traffic, 30m) | 5% | Passed | PASS | 2026-12-01 12:00:00 UTC | 2026-12-01 12:45:00 UTC | 2026-12-01 12:45:00 UTC |");
    expect(markdown).toContain("| Roll back ledger | ROLLBACK | SUCCEEDED | Cole Commander | — | Error rate over 2% for 5 minutes | 2026-12-01 12:50:01 UTC | HTTP 202, 840 ms |");
    expect(markdown).toMatch(/\| \d+ \| [^|]+ \| Erin Engineer \| Checklist: "Warm caches" completed \|/);
    expect(markdown).toMatch(/\| \d+ \| [^|]+ \| Cole Commander \| Approvals: GO by Cole Commander \(Incident commander\) — “Caches look good” \|/);
    for (const secret of ["deploy.internal.example", "payments-config-header", "SECRET-CIPHERTEXT", "BODY-TEMPLATE-SECRET", "PARAM-SECRET", "REQUEST-SECRET", "RESPONSE-BODY-EXCERPT", "ERROR-TEXT"]) {
      expect(markdown).not.toContain(secret);
    }

    // What happened is report, not runbook: re-importing plans the same rollout with the states it had.
    const again = parseRunbookMarkdown(markdown).draft;
    const original = parseRunbookMarkdown(fixture("complete.md")).draft;
    const preparation = again.sections[0]!.items;
    expect(preparation.map((i) => [i.text, i.state, i.note])).toEqual([
      ["Freeze schema changes", "DONE", undefined],
      ["Warm caches", "DONE", "Primary warmed at 09:10.\n\n- [ ] still to check: eu-west"],
      ["Confirm on-call handover", "SKIPPED", undefined],
    ]);
    expect(again.phases).toEqual(original.phases);
    expect(again.gates).toEqual(original.gates);
    expect(again.contacts).toEqual(original.contacts);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Round trip: Markdown → rollout → export → the same runbook

/** A draft as stored: items without a state are OPEN. */
function asStored(draft: RunbookDraft): RunbookDraft {
  const items = (list: DraftItem[]): DraftItem[] =>
    list.map((i) => ({ ...i, state: i.state ?? "OPEN", ...(i.children ? { children: items(i.children) } : {}) }));
  const sections = (list: DraftSection[]): DraftSection[] =>
    list.map((s) => ({ ...s, items: items(s.items), ...(s.sections ? { sections: sections(s.sections) } : {}) }));
  return { ...draft, sections: sections(draft.sections) };
}

describe("export → import round trip", () => {
  it.each(runnable.map((c) => [c.file, c] as const))("gives back the runbook imported from %s, exactly", async (_file, c) => {
    const markdown = read(c);
    const first = parseRunbookMarkdown(markdown, { name: c.name });
    const { rollout } = await importMarkdown(markdown, c.name);
    const exported = await exportMarkdown(rollout.id);
    const second = parseRunbookMarkdown(exported);
    expect(second.draft).toEqual(first.draft);
    const { signoffs: _a, ...firstCounts } = first.summary;
    const { signoffs: _b, ...secondCounts } = second.summary;
    expect(secondCounts).toEqual(firstCounts);

    // And through the import route again, into a second rollout with the same stored structure.
    const reimported = await importMarkdown(exported);
    expect(storedCounts(await getRolloutState(reimported.rollout.id))).toEqual(storedCounts(await getRolloutState(rollout.id)));
    expect(await exportMarkdown(reimported.rollout.id)).toEqual(expect.stringContaining(exported.slice(exported.indexOf("<!-- war-room:checklist -->"), exported.lastIndexOf("<!-- war-room:report -->"))));
  });

  it("gives back the demo runbook, which was never Markdown", async () => {
    const rollout = await createRolloutFromDraft(demoRunbook, SYSTEM_ACTOR);
    const exported = await exportMarkdown(rollout.id);
    expect(parseRunbookMarkdown(exported).draft).toEqual(asStored(runbookDraftSchema.parse(demoRunbook)));
  });

  it("keeps texts that look like Markdown syntax, and notes, as written", async () => {
    const tricky: RunbookDraft = runbookDraftSchema.parse({
      name: "# Not a heading *really* | v2",
      service: "svc_[beta] <core>",
      description: "Line one\n\n## Not a section\n- [ ] not an item\n```\ncode\n```",
      sections: [
        {
          title: "1. Numbered? #tag ###",
          items: [
            {
              text: "[x] looks done but is not",
              ownerName: "Ops · Team *A*",
              dueOffsetMinutes: -90,
              note: "> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |",
              children: [{ text: "- dash start", state: "BLOCKED", children: [{ text: "<b>html</b> & &amp; entity", state: "DONE" }] }],
            },
            { text: "*(owner: nobody)*", state: "SKIPPED" },
            { text: "https://status.example.com/a_b_ and www.example.com", dueOffsetMinutes: 0 },
            { text: "two\nlines", dueOffsetMinutes: 4320 },
          ],
          sections: [{ title: "L2", items: [], sections: [{ title: "L3", items: [], sections: [{ title: "L4", items: [], sections: [{ title: "L5", items: [{ text: "deep" }] }] }] }] }],
        },
      ],
      phases: [
        {
          name: "Canary | 10%",
          trafficPercent: 10,
          minDurationMinutes: 95,
          criteria: [
            { kind: "SUCCESS", metricKey: "p95_latency|x", comparator: "LTE", threshold: 0.30000000000000004, unit: "ms", description: "p95 <= 0.3ms | odd" },
            { kind: "ROLLBACK_TRIGGER", metricKey: "errors", comparator: "GTE", threshold: -1e-7, pendingSeconds: 3725, autoRollback: true, description: "errors >= -1e-7 for 1h2m5s" },
            { kind: "SUCCESS", metricKey: "availability", comparator: "EQ", threshold: 100, description: "availability = 100" },
          ],
        },
        { name: "Full", trafficPercent: 100, minDurationMinutes: 0 },
      ],
      gates: [
        { kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER", "ADMIN"], approverTitles: ["Incident Commander", "VP, Engineering"], phaseIndex: 1 },
        { kind: "CUSTOM", name: "Nobody named", requiredRoles: ["ADMIN"] },
      ],
      contacts: [
        { kind: "CHANNEL", role: "War room", name: "#go-live", chatHandle: "#go-live", escalationLevel: 1 },
        { role: "On-call | primary", name: "Ana", phone: "+1 555 0100", email: "ana@example.com", escalationLevel: 2, escalateAfterMinutes: 5, notes: "Hours: 24/7\nPrefers SMS" },
      ],
    });
    const rollout = await createRolloutFromDraft(tricky, SYSTEM_ACTOR);
    const exported = await exportMarkdown(rollout.id);
    expect(parseRunbookMarkdown(exported).draft).toEqual(asStored(tricky));
  });
});
