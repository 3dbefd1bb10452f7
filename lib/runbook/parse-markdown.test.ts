import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runbookDraftSchema, type DraftItem, type DraftSection } from "@/lib/schemas/runbook";
import { repairMojibake } from "./mojibake";
import { parseRunbookMarkdown, RunbookParseError } from "./parse-markdown";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.md`, import.meta.url), "utf8");

/** Words (3+ letters) of the source that appear nowhere in the draft: what the importer dropped. */
function lostWords(markdown: string, draft: unknown): string[] {
  const haystack = JSON.stringify(draft).toLowerCase();
  const words = new Set(repairMojibake(markdown).toLowerCase().match(/\p{L}[\p{L}\d'-]*\p{L}/gu) ?? []);
  return [...words].filter((word) => word.length >= 3 && !haystack.includes(word)).sort();
}

function parse(markdown: string, opts?: { name?: string }) {
  const result = parseRunbookMarkdown(markdown, opts);
  // Every draft must be storable as is.
  expect(runbookDraftSchema.parse(result.draft)).toEqual(result.draft);
  return result;
}

describe("a small complete runbook", () => {
  const markdown = fixture("complete");

  it("reads every part of the draft", () => {
    const { draft, summary } = parse(markdown);
    expect(summary).toEqual({
      sections: 7,
      items: 7,
      checkedItems: 1,
      gates: 1,
      signoffs: 2,
      contacts: 2,
      phases: 3,
      criteria: 4,
      triggers: 5,
    });
    expect(draft).toEqual({
      name: "Ledger Service Cutover",
      service: "Ledger Service",
      description: "Moving the Ledger Service to the new cluster\n\nPrepared by the payments platform group.",
      sections: [
        {
          title: "Preparation (T-2h)",
          items: [
            { text: "Freeze schema changes", state: "DONE", ownerName: "Priya", dueOffsetMinutes: -120 },
            {
              text: "Warm caches",
              state: "OPEN",
              ownerName: "@sam",
              dueOffsetMinutes: -120,
              children: [
                { text: "Primary region", state: "OPEN", ownerName: "@sam", dueOffsetMinutes: -120 },
                { text: "Secondary region", state: "OPEN", ownerName: "@sam", dueOffsetMinutes: -120 },
              ],
            },
            { text: "Confirm on-call handover", state: "OPEN", ownerName: "Lee", dueOffsetMinutes: -120 },
          ],
        },
        {
          title: "Rollout Phases",
          items: [],
          sections: [
            {
              title: "Phase 1: Canary (5% traffic, 30m)",
              // Criteria and triggers are criteria, not items too; a trigger with no number to watch stays a task.
              items: [{ text: "Pager noise from downstream teams", state: "OPEN", note: "Not armed: no metric and absolute threshold were read." }],
            },
            { title: "Phase 2: Half (50% traffic, 2h)", items: [] },
            { title: "Phase 3: Everyone (100% traffic)", items: [] },
          ],
        },
        { title: "Contacts", items: [] },
        { title: "Approvals", items: [{ text: "Rollback plan rehearsed", state: "OPEN" }] },
      ],
      phases: [
        {
          name: "Phase 1: Canary (5% traffic, 30m)",
          trafficPercent: 5,
          minDurationMinutes: 30,
          criteria: [
            { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 0.5, unit: "%", pendingSeconds: 0, autoRollback: false, description: "Error rate < 0.5%" },
            { kind: "SUCCESS", metricKey: "latency_p99", comparator: "LT", threshold: 800, unit: "ms", pendingSeconds: 0, autoRollback: false, description: "Latency p99 < 800ms" },
            { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 2, unit: "%", pendingSeconds: 300, autoRollback: false, description: "Error rate > 2% for 5 minutes" },
            { kind: "ROLLBACK_TRIGGER", metricKey: "availability", comparator: "LT", threshold: 99, unit: "%", pendingSeconds: 600, autoRollback: false, description: "Availability < 99% for 10 minutes" },
          ],
        },
        {
          name: "Phase 2: Half (50% traffic, 2h)",
          trafficPercent: 50,
          minDurationMinutes: 120,
          criteria: [
            { kind: "SUCCESS", metricKey: "throughput", comparator: "GTE", threshold: 1200, unit: "rps", pendingSeconds: 0, autoRollback: false, description: "Throughput >= 1,200 rps" },
            // "Same as Phase 1" brings Phase 1's triggers along.
            { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 2, unit: "%", pendingSeconds: 300, autoRollback: false, description: "Error rate > 2% for 5 minutes" },
            { kind: "ROLLBACK_TRIGGER", metricKey: "availability", comparator: "LT", threshold: 99, unit: "%", pendingSeconds: 600, autoRollback: false, description: "Availability < 99% for 10 minutes" },
            { kind: "ROLLBACK_TRIGGER", metricKey: "latency_p95", comparator: "GT", threshold: 10, unit: "s", pendingSeconds: 0, autoRollback: false, description: "Response time (p95) > 10s" },
          ],
        },
        {
          name: "Phase 3: Everyone (100% traffic)",
          trafficPercent: 100,
          minDurationMinutes: 0,
          criteria: [
            { kind: "SUCCESS", metricKey: "cpu", comparator: "LT", threshold: 70, unit: "%", pendingSeconds: 0, autoRollback: false, description: "CPU usage stays below 70%" },
          ],
        },
      ],
      gates: [
        { kind: "PRE_DEPLOYMENT", name: "Approvals", requiredRoles: ["COMMANDER"], approverTitles: ["Engineering Lead", "Business Owner"] },
      ],
      contacts: [
        {
          kind: "PERSON",
          role: "Incident Commander",
          name: "Dana Whitfield",
          phone: "+1 415 555 0100",
          chatHandle: "@dana",
          email: "dana@example.com",
          escalationLevel: 1,
        },
        {
          kind: "PERSON",
          role: "Database on-call",
          name: "Omar Haddad",
          phone: "+1 415 555 0101",
          chatHandle: "@omar",
          escalationLevel: 1,
          // Not an address: kept, but in the notes.
          notes: "Email: omar at example",
        },
      ],
    });
  });

  it("loses no words but table headers and the date blank of a sign-off line", () => {
    // The labels "Rollback Triggers" and "Same as Phase 1" are read into the criteria, not stored as text.
    expect(lostWords(markdown, parse(markdown).draft)).toEqual(["date", "same", "slack", "triggers"]);
  });

  it("lets the caller's name win, keeping the title in the description", () => {
    const { draft } = parse(markdown, { name: "  Ledger cutover, March  " });
    expect(draft.name).toBe("Ledger cutover, March");
    expect(draft.service).toBe("Ledger Service");
    expect(draft.description).toBe(
      "Ledger Service Cutover\n\nMoving the Ledger Service to the new cluster\n\nPrepared by the payments platform group.",
    );
  });
});

describe("nesting", () => {
  const markdown = fixture("nesting");

  it("keeps headings and list items nested at every depth", () => {
    const { draft, summary } = parse(markdown);
    expect(summary).toEqual({ sections: 6, items: 11, checkedItems: 2, gates: 0, signoffs: 0, contacts: 0, phases: 0, criteria: 0, triggers: 0 });
    const outline = (sections: DraftSection[]): unknown =>
      sections.map((s) => ({ [s.title]: [items(s.items), ...(s.sections ? [outline(s.sections)] : [])] }));
    const items = (list: DraftItem[]): unknown =>
      list.map((i) => (i.children ? { [`${i.state} ${i.text}`]: items(i.children) } : `${i.state} ${i.text}`));
    expect(outline(draft.sections)).toEqual([
      {
        "Level two": [
          [
            // The document uses checkboxes: the plain bullet under "Parent task" is its note, not a task.
            {
              "OPEN Parent task": [{ "DONE Child task done": [{ "OPEN Grandchild task": ["DONE Great-grandchild task, done in capitals"] }] }],
            },
            "OPEN Task with more to say",
            "OPEN First numbered step",
            { "OPEN Second numbered step": ["OPEN Sub-check of the second step"] },
          ],
          [{ "Level three": [[], [{ "Level four": [["OPEN Deep task"]] }, { "Another level four": [["OPEN Another level four"]] }]] }],
        ],
      },
      { "Skips a level": [[], [{ "Straight to four": [["OPEN Task under a skipped level"]] }]] },
    ]);
  });

  it("keeps the extra blocks of a list item, unindented, as its note", () => {
    const { draft } = parse(markdown);
    const levelTwo = draft.sections[0]?.items ?? [];
    // Text above the first task, with nothing above it in the section, is the note of the task after it.
    expect(levelTwo[0]?.note).toBe("Some context before the list that nobody asked for.\n\nPlain child note-like bullet");
    expect(levelTwo[1]?.note).toBe("A second paragraph that explains the task.\n\n```sh\n./check.sh --all\n```");
    expect(draft.sections[0]?.sections?.[0]?.sections?.[1]?.items[0]?.note).toBe("Only a paragraph here, no list.");
    expect(lostWords(markdown, draft)).toEqual([]);
  });
});

describe("a contacts document made of tables only", () => {
  const markdown = fixture("contacts-table");

  it("reads escalation levels, windows and a team, with no empty section", () => {
    const { draft, summary } = parse(markdown, { name: "On-call roster" });
    expect(summary).toEqual({ sections: 0, items: 0, checkedItems: 0, gates: 0, signoffs: 0, contacts: 4, phases: 0, criteria: 0, triggers: 0 });
    expect(draft.name).toBe("On-call roster");
    expect(draft.service).toBe("On-call roster");
    expect(draft.sections).toEqual([]);
    expect(draft.contacts).toEqual([
      { kind: "PERSON", role: "On-call SRE", name: "On-call SRE", phone: "+1 206 555 0199", chatHandle: "@sre-oncall", escalationLevel: 1, escalateAfterMinutes: 0 },
      { kind: "PERSON", role: "Platform lead", name: "Platform lead", phone: "+1 206 555 0142", chatHandle: "@plat-lead", escalationLevel: 2, escalateAfterMinutes: 5 },
      { kind: "PERSON", role: "VP Engineering", name: "VP Engineering", phone: "+1 206 555 0111", chatHandle: "@vp-eng", escalationLevel: 3, escalateAfterMinutes: 15 },
      { kind: "TEAM", role: "Support desk", name: "Support team", email: "support@example.org", escalationLevel: 1, notes: "Hours: 24/7" },
    ]);
    expect(lostWords(markdown, draft)).toEqual(["slack", "window"]);
  });

  it("names an untitled document for what it is when the caller gives no name", () => {
    expect(parse(markdown).draft.name).toBe("Imported runbook");
  });
});

describe("a mis-encoded (mojibake) runbook", () => {
  const markdown = fixture("mojibake");

  it("is repaired before it is read, leaving correct text alone", () => {
    expect(markdown).toContain("ðŸš€");
    const { draft, summary } = parse(markdown);
    expect(summary).toEqual({ sections: 2, items: 4, checkedItems: 1, gates: 1, signoffs: 1, contacts: 0, phases: 0, criteria: 0, triggers: 0 });
    expect(draft.name).toBe("Café Orders API — Launch Plan");
    expect(draft.service).toBe("Café Orders API");
    expect(draft.sections).toEqual([
      {
        title: "🚀 Launch (T-0)",
        items: [
          { text: "Flip the flag", state: "OPEN", ownerName: "@noel", dueOffsetMinutes: 0 },
          { text: "Announce in #launch ✅", state: "DONE", dueOffsetMinutes: 0 },
          { text: "Check “quoted” status page", state: "OPEN", dueOffsetMinutes: 0 },
          { text: "Greet the team: Grüße, naïve café — already correct", state: "OPEN", dueOffsetMinutes: 0 },
        ],
      },
      // The heading's emoji lost a byte in transit and cannot be recovered; the title keeps its words.
      { title: "Sign-off", items: [] },
    ]);
    expect(draft.gates).toEqual([
      { kind: "CUSTOM", name: "Sign-off", requiredRoles: ["COMMANDER"], approverTitles: ["Product Owner"] },
    ]);
    expect(JSON.stringify(draft)).not.toMatch(/Ã|â€|ðŸ/);
  });
});

describe("odd formatting", () => {
  const markdown = fixture("odd-formatting");

  it("handles setext headings, CRLF, * and + bullets, tabs, bold phase lines and a table of tasks", () => {
    expect(markdown).toContain("\r\n");
    const { draft, summary } = parse(markdown);
    expect(summary).toEqual({ sections: 6, items: 7, checkedItems: 2, gates: 1, signoffs: 0, contacts: 3, phases: 2, criteria: 1, triggers: 2 });
    expect(draft.name).toBe("Odd Formatting Runbook");
    expect(draft.description).toBe("Draft owned by the search team.");
    // The table of contents repeats the headings and is dropped.
    expect(draft.sections.map((s) => s.title)).toEqual(["Schedule", "Phases"]);
    expect(draft.sections[0]?.items).toEqual([
      // "10:00 Go-live … (T0)" pins T0, so wall-clock times become offsets.
      { text: "09:00 Change freeze starts", state: "OPEN", ownerName: "Priya", dueOffsetMinutes: -60 },
      {
        text: "10:00 Go-live: flip traffic (T0)",
        state: "OPEN",
        dueOffsetMinutes: 0,
        children: [{ text: "Announce in #launch", state: "OPEN", dueOffsetMinutes: 0 }],
      },
      { text: "T+15m Check dashboards", state: "DONE", ownerName: "@sam", dueOffsetMinutes: 15 },
      {
        text: "T+1 hour: send the all-clear",
        state: "OPEN",
        dueOffsetMinutes: 60,
        note: "<!-- reviewers: keep this list short -->\n\n> Note: times are in UTC.",
      },
    ]);
    const phases = draft.sections[1]?.sections ?? [];
    expect(phases.map((s) => s.title)).toEqual([
      "Phase 1: Dark launch (0% traffic, 1 day)",
      "Phase 2: Ramp (25% traffic, 4h)",
      "Escalation",
      "Task table",
    ]);
    expect(phases[3]?.items).toEqual([
      { text: "Rotate API keys", state: "DONE", ownerName: "Mei", dueOffsetMinutes: -60 },
      { text: "Purge CDN", state: "OPEN", ownerName: "Raj", dueOffsetMinutes: 5 },
    ]);
    expect(draft.phases).toEqual([
      {
        name: "Phase 1: Dark launch (0% traffic, 1 day)",
        trafficPercent: 0,
        minDurationMinutes: 1440,
        criteria: [
          { kind: "SUCCESS", metricKey: "cache_hit_rate", comparator: "GT", threshold: 80, unit: "%", pendingSeconds: 0, autoRollback: false, description: "Cache hit rate > 80%" },
        ],
      },
      {
        name: "Phase 2: Ramp (25% traffic, 4h)",
        trafficPercent: 25,
        minDurationMinutes: 240,
        criteria: [
          { kind: "ROLLBACK_TRIGGER", metricKey: "latency_p99", comparator: "GT", threshold: 1500, unit: "ms", pendingSeconds: 180, autoRollback: false, description: "p99 latency > 1500ms for 3 minutes" },
          { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 2, unit: "%", pendingSeconds: 0, autoRollback: false, description: "Error rate exceeds 2%" },
        ],
      },
    ]);
    // Decided inside phase 1, it guards entry into phase 2 (index 1).
    expect(draft.gates).toEqual([
      { kind: "GO_NO_GO", name: "Go/No-Go: search lead decides at 14:00", requiredRoles: ["COMMANDER"], approverTitles: [], phaseIndex: 1 },
    ]);
    expect(draft.contacts).toEqual([
      { kind: "PERSON", role: "On-call engineer", name: "On-call engineer", chatHandle: "@oncall", escalationLevel: 1, escalateAfterMinutes: 0 },
      { kind: "PERSON", role: "Search lead", name: "Search lead", phone: "+44 20 7946 0000", escalationLevel: 2, escalateAfterMinutes: 5 },
      { kind: "PERSON", role: "Director of Engineering", name: "Director of Engineering", email: "director@example.com", escalationLevel: 3, escalateAfterMinutes: 30 },
    ]);
    // Lost: the table of contents' heading, the task table's headers, and "T-1h" (now dueOffsetMinutes -60).
    // "Abort criteria:" is read into the triggers below it.
    expect(lostWords(markdown, draft)).toEqual(["abort", "contents", "status", "t-1h", "when"]);
  });
});

describe("sign-off forms", () => {
  it("turns a Go-Live Authorization into one gate, naming the fields to give", () => {
    const { draft, summary } = parse(
      [
        "# Checkout",
        "## Final Checklist",
        "- [ ] Dashboards green",
        "",
        "**Deployment Approved By:**",
        "",
        "- [ ] Engineering Lead: ****\\_\\_\\_\\_****",
        "- [ ] Security Review: ____",
        "",
        "**Go-Live Authorization:**",
        "",
        "- [ ] Business Owner: ____",
        "- [ ] Date/Time: ____",
        "- [ ] Initial Traffic %: ____",
      ].join("\n"),
    );
    expect(summary.items).toBe(1);
    // Approvers, not lines: the form fields name the gate instead.
    expect(summary.signoffs).toBe(3);
    expect(draft.gates).toEqual([
      { kind: "PRE_DEPLOYMENT", name: "Deployment Approved By", requiredRoles: ["COMMANDER"], approverTitles: ["Engineering Lead", "Security Review"] },
      {
        kind: "GO_LIVE",
        name: "Go-Live Authorization (Date/Time, Initial Traffic %)",
        requiredRoles: ["COMMANDER"],
        approverTitles: ["Business Owner"],
      },
    ]);
  });

  it("reads approvals nested under a sign-off item and a paragraph of sign-off lines", () => {
    const { draft, summary } = parse(
      [
        "# Search",
        "## 1 Hour Before Go-Live",
        "- [ ] **Stakeholder Sign-Off**",
        "  - [ ] Product manager approval",
        "  - [ ] CTO approval",
        "## Wrap-up (T+2h)",
        "**Close-out:**",
        "",
        "Ops Lead: ________",
        "Date: ________",
      ].join("\n"),
    );
    // Every line under "Stakeholder Sign-Off" was an approval, so the heading line is part of the gate too.
    expect(summary).toMatchObject({ items: 0, gates: 2, signoffs: 3 });
    expect(draft.gates).toEqual([
      { kind: "PRE_DEPLOYMENT", name: "Stakeholder Sign-Off", requiredRoles: ["COMMANDER"], approverTitles: ["Product manager", "CTO"] },
      { kind: "POST_DEPLOYMENT", name: "Close-out (Date)", requiredRoles: ["COMMANDER"], approverTitles: ["Ops Lead"] },
    ]);
  });
});

describe("limits", () => {
  it("keeps an over-long line whole in the note and cuts the text to the schema's maximum", () => {
    const long = "word ".repeat(600).trim();
    const { draft } = parse(`# Long\n## Steps\n- [ ] ${long}`);
    const item = draft.sections[0]?.items[0];
    expect(item?.text.length).toBeLessThanOrEqual(2000);
    expect(item?.note).toBe(long);
  });

  it("stays within the schema for a very large document", () => {
    const lines = ["# Big", "## Huge", ...Array.from({ length: 1100 }, (_, i) => `- [ ] task ${i}`)];
    for (let s = 0; s < 210; s++) lines.push(`## Section ${s}`, "- [ ] task");
    const { draft } = parse(lines.join("\n"));
    expect(draft.sections).toHaveLength(200);
    expect(draft.sections[0]?.items).toHaveLength(1000);
  });
});

describe("bad input", () => {
  it.each([
    ["empty", ""],
    ["whitespace only", "  \n\t\n  "],
    ["a byte-order mark only", "\uFEFF"],
    ["binary", "\u0000\u0001\u0002PNG\u0000\u0000IHDR\u0000"],
    ["a JSON blob", '{"name": "rollout", "items": ["- [ ] a", "# b"]}'],
    ["a JSON array", '[1, 2, {"a": "# heading"}]'],
    ["prose without structure", "We will deploy on Tuesday.\nPing me if anything looks off."],
  ])("rejects %s with a markdown field error", (_what, input) => {
    let error: unknown;
    try {
      parseRunbookMarkdown(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RunbookParseError);
    expect((error as RunbookParseError).field).toBe("markdown");
  });

  it("rejects a value that is not a string", () => {
    expect(() => parseRunbookMarkdown(42 as unknown as string)).toThrow(RunbookParseError);
  });

  it("accepts a minimal list", () => {
    const { draft, summary } = parse("- [x] Done already\n- [ ] Still to do");
    expect(summary).toMatchObject({ sections: 1, items: 2, checkedItems: 1 });
    expect(draft.sections[0]?.title).toBe("Checklist");
    expect(draft.name).toBe("Checklist");
  });
});

describe("robustness", () => {
  // Random documents from runbook-like pieces must always give a storable draft.
  const pieces = [
    "# Title",
    "## Section",
    "### Phase 1: Canary (5% traffic, 1h)",
    "#### Sub",
    "- [ ] task",
    "- [x] done (Owner: Ann)",
    "  - [ ] nested T-2h",
    "- Error rate > 1% for 5 minutes",
    "**Success Criteria:**",
    "**Rollback Triggers:**",
    "**Sign-off:**",
    "- [ ] Lead: ____",
    "Go/No-Go: 10:00",
    "| Role | Name | Phone |\n|---|---|---|\n| SRE | Bo | +1 555 0100 |",
    "```\nscript\n```",
    "> quote",
    "---",
    "Paragraph text.",
    "**Label:**",
    "",
    "🚀 ðŸš€ Ã©",
  ];
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  // A generous limit: this is 200 parses on a shared machine, not a timing assertion.
  it("never produces an invalid draft", { timeout: 60_000 }, () => {
    for (let run = 0; run < 200; run++) {
      const doc = Array.from({ length: 5 + Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join("\n");
      try {
        parse(`# Doc ${run}\n${doc}`);
      } catch (error) {
        if (!(error instanceof RunbookParseError)) throw new Error(`run ${run} failed on:\n${doc}\n${String(error)}`);
      }
    }
  });
});
