import { describe, expect, it } from "vitest";
import { parseRunbookMarkdown, RunbookParseError } from "./parse-markdown";

// The reader of War Room's own export, on files as a person might hand-edit them. The exact round trip of
// unedited exports is tested end to end in lib/domain/runbooks.db.test.ts.

const EXPORT = [
  "<!-- war-room:export v1: War Room's go-live report. -->",
  "",
  "# Checkout v2",
  "",
  "**Service:** checkout",
  "",
  "> Two lines\n> of description",
  "",
  "<!-- war-room:report -->",
  "",
  "## Go-live report",
  "",
  "- **Status:** ACTIVE",
  "- [x] Not an item: report parts are skipped",
  "",
  "<!-- war-room:checklist -->",
  "",
  "## Before (T-1h)",
  "",
  "- [x] Backups verified *(due T-1h · owner: DBA · night shift)*\\",
  "  Done by Erin Engineer (ENGINEER) at 2026-12-01 10:58:00 UTC",
  "  > Restored to staging in 4 minutes.",
  "  - [ ] Restore rehearsed *(blocked)*",
  "- [ ] Flag created *(draft)*",
  "- Added by hand, no checkbox",
  "",
  "A paragraph someone added after the list.",
  "",
  "### Nested",
  "",
  "<!-- war-room:structure -->",
  "",
  "## Rollout phases",
  "",
  "| # | Phase | Traffic | Minimum duration |",
  "| --- | --- | --- | --- |",
  "| 1 | Canary | 10% | 1h30m |",
  "| 2 | Full | 100% | 0 |",
  "",
  "### Criteria",
  "",
  "| Phase | Kind | Metric | Comparator | Threshold | Unit | For | Auto-rollback | As written |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  "| 1 | Rollback trigger | error_rate | > | 1 | % | 5m | no | Error rate > 1% for 5 minutes |",
  "| 2 | Success criterion | latency_p95 | <= | 300 |  | 0 | yes | p95 <= 300 |",
  "",
  "## Sign-off gates",
  "",
  "| # | Gate | Kind | Signed by | Approvers | Guards phase |",
  "| --- | --- | --- | --- | --- | --- |",
  "| 1 | Go/no-go: Full | GO_NO_GO | COMMANDER, ADMIN | Incident Commander<br>VP Engineering | 2 |",
  "",
  "## Contacts",
  "",
  "| Level | Role | Name | Kind | Phone | Chat | Email | Escalate after | Notes |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  "| 2 | On-call | Ana | PERSON | +1 555 0100 | @ana | ana@example.com | 5m | Prefers SMS<br>Hours: 24/7 |",
  "",
  "<!-- war-room:report -->",
  "",
  "## Timeline",
  "",
  "| # | Time | Who | What |",
  "| --- | --- | --- | --- |",
  "| 1 | 2026-12-01 10:00:00 UTC | War Room | Rollout plan created |",
].join("\n");

const withRow = (find: string, replace: string) => EXPORT.replace(find, replace);

function parseError(markdown: string): RunbookParseError {
  try {
    parseRunbookMarkdown(markdown);
  } catch (error) {
    if (error instanceof RunbookParseError) return error;
    throw error;
  }
  throw new Error("expected a RunbookParseError");
}

describe("reading an export", () => {
  it("reads every part exactly and skips the report parts", () => {
    const { draft, summary } = parseRunbookMarkdown(EXPORT);
    expect(draft).toEqual({
      name: "Checkout v2",
      service: "checkout",
      description: "Two lines\nof description",
      sections: [
        {
          title: "Before (T-1h)",
          items: [
            {
              text: "Backups verified",
              state: "DONE",
              dueOffsetMinutes: -60,
              // The owner comes last and may contain the separator.
              ownerName: "DBA · night shift",
              note: "Restored to staging in 4 minutes.",
              children: [{ text: "Restore rehearsed", state: "BLOCKED" }],
            },
            // Emphasis that is not an annotation stays text.
            { text: "Flag created (draft)", state: "OPEN" },
            { text: "Added by hand, no checkbox", state: "OPEN", note: "A paragraph someone added after the list." },
          ],
          sections: [{ title: "Nested", items: [] }],
        },
      ],
      phases: [
        {
          name: "Canary",
          trafficPercent: 10,
          minDurationMinutes: 90,
          criteria: [{ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, unit: "%", pendingSeconds: 300, autoRollback: false, description: "Error rate > 1% for 5 minutes" }],
        },
        {
          name: "Full",
          trafficPercent: 100,
          minDurationMinutes: 0,
          criteria: [{ kind: "SUCCESS", metricKey: "latency_p95", comparator: "LTE", threshold: 300, pendingSeconds: 0, autoRollback: true, description: "p95 <= 300" }],
        },
      ],
      gates: [
        { kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER", "ADMIN"], approverTitles: ["Incident Commander", "VP Engineering"], phaseIndex: 1 },
      ],
      contacts: [
        { kind: "PERSON", role: "On-call", name: "Ana", escalationLevel: 2, phone: "+1 555 0100", chatHandle: "@ana", email: "ana@example.com", escalateAfterMinutes: 5, notes: "Prefers SMS\nHours: 24/7" },
      ],
    });
    expect(summary).toEqual({ sections: 2, items: 4, checkedItems: 1, gates: 1, signoffs: 2, contacts: 1, phases: 2, criteria: 1, triggers: 1 });
  });

  it("lets the caller's name win", () => {
    expect(parseRunbookMarkdown(EXPORT, { name: "Checkout v2, second try" }).draft.name).toBe("Checkout v2, second try");
  });

  it("reads the marker only on the first line: elsewhere the file is an ordinary runbook", () => {
    const { draft } = parseRunbookMarkdown(`# Plain\n\n${EXPORT}`);
    expect(draft.name).toBe("Plain");
    // The ordinary importer reads the tables as it reads any runbook's (the contacts table is a contact table).
    expect(draft.contacts.map((c) => c.name)).toContain("Ana");
  });

  it.each([
    ["a traffic that is not a percentage", "| 1 | Canary | 10% | 1h30m |", "| 1 | Canary | ten | 1h30m |", 'War Room export, Rollout phases table, row 1: Traffic "ten" is not a percentage such as 10%.'],
    ["a duration it cannot read", "| 2 | Full | 100% | 0 |", "| 2 | Full | 100% | a while |", 'War Room export, Rollout phases table, row 2: Minimum duration "a while" is not a duration such as 30m or 1h30m.'],
    ["an unknown comparator", "| error_rate | > | 1 |", "| error_rate | ≈ | 1 |", 'War Room export, Criteria table, row 1: Comparator "≈" is not one of < <= > >= =.'],
    ["a threshold that is not a number", "| > | 1 | % |", "| > | one | % |", 'War Room export, Criteria table, row 1: Threshold "one" is not a number.'],
    ["a criterion of a phase that is not there", "| 1 | Rollback trigger |", "| 7 | Rollback trigger |", 'War Room export, Criteria table, row 1: Phase "7" is not the number of a phase in the phases table.'],
    ["an unknown role", "| COMMANDER, ADMIN |", "| COMMANDER, CEO |", 'War Room export, Sign-off gates table, row 1: Signed by "COMMANDER, CEO" names an unknown role "CEO".'],
    ["an unknown gate kind", "| GO_NO_GO |", "| MAYBE |", 'War Room export, Sign-off gates table, row 1: Kind "MAYBE" is not one of PRE_DEPLOYMENT, GO_LIVE, GO_NO_GO, POST_DEPLOYMENT, CUSTOM.'],
    ["an unknown table", "## Contacts\n", "## Contacts\n\n| Budget | Amount |\n| --- | --- |\n| Cloud | 10 |\n"],
    ["text in the structure part", "## Contacts\n", "## Contacts\n\nCall Ana first.\n"],
    ["a value the runbook schema refuses", "ana@example.com", "ana at example"],
  ])("refuses %s with a clear message naming markdown", (_what, find, replace, message?: string) => {
    const edited = withRow(find, replace);
    expect(edited).not.toBe(EXPORT);
    const error = parseError(edited);
    expect(error.field).toBe("markdown");
    if (message) expect(error.message).toBe(message);
    else expect(error.message.length).toBeGreaterThan(20);
  });
});
