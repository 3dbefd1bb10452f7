import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runbookDraftSchema, type DraftItem, type DraftSection } from "@/lib/schemas/runbook";
import { repairMojibake } from "./mojibake";
import { parseRunbookMarkdown } from "./parse-markdown";

// Placeholders are never stored ("[Phone]", "[+55-XX-XXXX]"), so their words are all the squad runbook loses.
const LOST_SQUAD = ["phone", "xx-xxxx"];

// The three real runbooks in /work/shared/runbooks, when that folder is there. The counts follow the rules in
// parse-markdown.ts (checked against the files by reading the import plan element by element):
// - items: checkboxes, and in a document without checkboxes every list item; plain bullets in a checkbox
//   document are notes unless clearly steps (numbered, with an owner or time, holding checkboxes); sign-off,
//   contact, criterion and metadata lines are not items; a condition with no number under a triggers label is
//   an item ("not armed"); a section with only text or a script gets one item named after it;
// - gates, and signoffs: the approvers named across them;
// - criteria and triggers as stored: one written outside any phase applies to (is stored on) every phase.

const folder = "/work/shared/runbooks";
const available = existsSync(folder);
const read = (name: string) => readFileSync(path.join(folder, name), "utf8");

function parse(markdown: string) {
  const result = parseRunbookMarkdown(markdown);
  expect(runbookDraftSchema.parse(result.draft)).toEqual(result.draft);
  return result;
}

function lostWords(markdown: string, draft: unknown): string[] {
  const haystack = JSON.stringify(draft).toLowerCase();
  const words = new Set(repairMojibake(markdown).toLowerCase().match(/\p{L}[\p{L}\d'-]*\p{L}/gu) ?? []);
  return [...words].filter((word) => word.length >= 3 && !haystack.includes(word)).sort();
}

function flatten(sections: DraftSection[]): DraftSection[] {
  return sections.flatMap((section) => [section, ...flatten(section.sections ?? [])]);
}

function findSection(sections: DraftSection[], title: string): DraftSection {
  const found = flatten(sections).find((section) => section.title === title);
  if (!found) throw new Error(`No section titled ${JSON.stringify(title)}`);
  return found;
}

const criterionRow = (c: { kind: string; metricKey: string; comparator: string; threshold: number; unit?: string; pendingSeconds: number }) =>
  [c.kind, c.metricKey, c.comparator, c.threshold, c.unit, c.pendingSeconds] as const;
const text = (items: DraftItem[]) => items.map((i) => i.text);

describe.skipIf(!available)("ai-bargaining-go-live.md", () => {
  const markdown = available ? read("ai-bargaining-go-live.md") : "";

  it("counts what a careful reader counts", () => {
    // The trigger lines are triggers now, not items too; the documentation links are notes (plain bullets in a
    // checkbox document); the numbered rapid-fix steps stay items. sections 36 = 9 h2 + 24 h3 + 3 h4.
    expect(parse(markdown).summary).toEqual({
      sections: 36,
      items: 85,
      checkedItems: 0,
      gates: 2,
      signoffs: 5,
      contacts: 11,
      phases: 4,
      criteria: 10,
      triggers: 8,
    });
  });

  it("names the rollout and repairs its emoji", () => {
    const { draft } = parse(markdown);
    expect(draft.name).toBe("AI Bargaining Platform - Go-Live Deployment Checklist");
    expect(draft.service).toBe("AI Bargaining Platform");
    expect(draft.description).toBe("Last Updated: $(date)\nVersion: 1.0\nOwner: AI Bargaining Platform Team");
    expect(draft.sections.map((s) => s.title)).toEqual([
      "🚀 Pre-Deployment Validation",
      "📊 Monitoring & Alerts Setup",
      "🚩 Feature Flags Configuration",
      "🔄 Rollout Phases & Success Criteria",
      "🚨 Emergency Procedures",
      "📋 Post-Deployment Validation",
      "📞 Escalation & Support",
      "📚 Documentation Links",
      "✅ Final Checklist",
    ]);
    const rapid = findSection(draft.sections, "If inventory flips spike > 2%:");
    expect(rapid.items[0]?.text).toBe("Increase supplier refresh: `5min → 3min` for hot SKUs");
  });

  it("reads the four phases (not the feature-flag stages that repeat them) and their criteria", () => {
    const { draft } = parse(markdown);
    expect(draft.phases.map((p) => [p.name, p.trafficPercent, p.minDurationMinutes])).toEqual([
      ["Phase 1: Shadow (0% traffic, 24h)", 0, 1440],
      ["Phase 2: 10% Canary (24h)", 10, 1440],
      ["Phase 3: 50% Rollout (48h)", 50, 2880],
      ["Phase 4: 100% Full (Ongoing)", 100, 0],
    ]);
    expect(draft.phases[0]?.criteria.map(criterionRow)).toEqual([
      ["SUCCESS", "latency_p95", "LT", 300, "ms", 0],
      ["SUCCESS", "decision_accuracy", "GT", 85, "%", 0],
    ]);
    const canaryTriggers = [
      ["ROLLBACK_TRIGGER", "error_rate", "GT", 1, "%", 300],
      ["ROLLBACK_TRIGGER", "latency_p95", "GT", 500, "ms", 300],
      ["ROLLBACK_TRIGGER", "margin_drop", "GT", 5, "%", 3600],
    ];
    expect(draft.phases[1]?.criteria.map(criterionRow)).toEqual([
      ["SUCCESS", "error_rate", "LT", 0.5, "%", 0],
      ["SUCCESS", "latency_p95", "LT", 300, "ms", 0],
      ["SUCCESS", "margin_drop", "LT", 3, "%", 0],
      ["SUCCESS", "acceptance_rate", "GT", 15, "%", 0],
      ...canaryTriggers,
    ]);
    // "Same as 10% canary" brings phase 2's triggers into phase 3.
    expect(draft.phases[2]?.criteria.map(criterionRow)).toEqual([
      ["SUCCESS", "error_rate", "LT", 0.3, "%", 0],
      ["SUCCESS", "latency_p95", "LT", 280, "ms", 0],
      ["SUCCESS", "margin_improvement", "GT", 2, "%", 0],
      ["SUCCESS", "user_satisfaction", "GT", 4.2, "/5", 0],
      ...canaryTriggers,
    ]);
    expect(draft.phases[3]?.criteria.map(criterionRow)).toEqual([
      ["ROLLBACK_TRIGGER", "margin_drop", "GT", 3, "%", 21_600],
      ["ROLLBACK_TRIGGER", "error_rate", "GT", 0.5, "%", 0],
    ]);
    expect(draft.phases[1]?.criteria[4]?.description).toBe("Error rate > 1% for 5 minutes");
    expect(draft.phases.flatMap((p) => p.criteria).every((c) => c.autoRollback === false)).toBe(true);
    // A criterion is a criterion only, read with its source line and the reason.
    expect(findSection(draft.sections, "Phase 2: 10% Canary (24h)").items).toEqual([]);
    const trigger = parseRunbookMarkdown(markdown).plan.elements.find((e) => e.text === "Error rate > 1% for 5 minutes");
    expect(trigger).toMatchObject({ kind: "trigger", lines: { start: 152, end: 152 }, phaseIndex: 1, reason: "A list line: a rollback trigger under “Rollback Triggers”" });
    expect(markdown.split("\n")[151]).toContain("Error rate > 1% for 5 minutes");
  });

  it("makes the approval lines gates, not items", () => {
    const { draft } = parse(markdown);
    expect(draft.gates).toEqual([
      {
        kind: "PRE_DEPLOYMENT",
        name: "Deployment Approved By",
        requiredRoles: ["COMMANDER"],
        approverTitles: ["Engineering Lead", "DevOps Lead", "Product Manager", "Security Review"],
      },
      {
        kind: "GO_LIVE",
        name: "Go-Live Authorization (Date/Time, Initial Traffic %)",
        requiredRoles: ["COMMANDER"],
        approverTitles: ["Business Owner"],
      },
    ]);
    expect(text(findSection(draft.sections, "✅ Final Checklist").items)).toEqual([
      "All validation scripts pass",
      "Monitoring dashboards showing data",
      "Alert rules configured and tested",
      "Team trained on dashboards",
      "Emergency procedures tested",
      "Stakeholders notified",
      "Rollback plan confirmed",
    ]);
  });

  it("reads the on-call rotation in escalation order, channels and teams", () => {
    const { draft } = parse(markdown);
    expect(draft.contacts.map((c) => [c.kind, c.role, c.name, c.escalationLevel])).toEqual([
      ["PERSON", "Primary", "DevOps Engineer", 1],
      ["PERSON", "Secondary", "Backend Engineer", 2],
      ["PERSON", "Escalation", "Engineering Manager", 3],
      ["PERSON", "Business", "Product Manager", 4],
      ["CHANNEL", "Critical", "PagerDuty + Slack #bargain-alerts", 1],
      ["CHANNEL", "Warning", "Slack #bargain-monitoring", 1],
      ["CHANNEL", "Info", "Email digest", 1],
      ["TEAM", "Infra Issues", "DevOps team", 1],
      ["TEAM", "Database Issues", "DBA team", 1],
      ["TEAM", "Business Impact", "Product team", 1],
      ["TEAM", "Customer Issues", "Support team", 1],
    ]);
    expect(draft.contacts[4]?.chatHandle).toBe("#bargain-alerts");
  });

  it("keeps scripts as notes and loses no words", () => {
    const { draft } = parse(markdown);
    const validation = findSection(draft.sections, "2. Run Master Validation");
    expect(validation.items).toHaveLength(1);
    expect(validation.items[0]?.note).toContain("./api/scripts/master-validation.sh");
    expect(validation.items[0]?.note).toContain("✅ READY FOR PRODUCTION ROLLOUT");
    // "Same as 10% canary" is read into phase 3's triggers.
    expect(lostWords(markdown, draft)).toEqual(["same"]);
  });
});

describe.skipIf(!available)("squad-api-go-live.md", () => {
  const markdown = available ? read("squad-api-go-live.md") : "";

  it("counts what a careful reader counts", () => {
    // items 292 = 282 checkboxes (two levels) − 5 sign-off lines + 15 ✅ success-criteria bullets with no
    // number (kept as items, not armed); the 5 with a number are success criteria on each of the 3 phases.
    // sections 27 = 7 h2 + 18 h3 + 2 h4 (Option 1 / Option 2).
    expect(parse(markdown).summary).toEqual({
      sections: 27,
      items: 292,
      checkedItems: 0,
      gates: 4,
      signoffs: 5,
      contacts: 5,
      phases: 3,
      criteria: 15,
      triggers: 0,
    });
  });

  it("names the rollout from the first title line and the service from the second", () => {
    const { draft } = parse(markdown);
    expect(draft.name).toBe("Go-Live Deployment Checklist - Story 9.8");
    expect(draft.service).toBe("Squad API");
    expect(draft.description).toMatch(/^Production Readiness for Squad API - Multi-Provider LLM Orchestration\n\nDate: 2025-11-13/);
    expect(draft.description).toContain("Go-Live Status: 🚀 READY FOR DEPLOYMENT");
    expect(draft.sections.map((s) => s.title)).toEqual([
      "📋 PRE-DEPLOYMENT PHASE (T-24 Hours)",
      "🚀 DEPLOYMENT PHASE (T-0)",
      "✅ VERIFICATION CHECKLIST (T+1 Hour)",
      "🔄 ROLLBACK CHECKLIST (If Needed)",
      "📊 SUCCESS CRITERIA",
      "📞 EMERGENCY CONTACTS",
      // Its emoji lost a byte to the mis-encoding ("ðŸ“" + nothing) and cannot be recovered.
      "SIGN-OFF",
    ]);
  });

  it("nests items and dates them from the headings above", () => {
    const { draft } = parse(markdown);
    const infra = findSection(draft.sections, "Infrastructure & Environment");
    expect(infra.items[0]).toEqual({
      text: "Production database (PostgreSQL) provisioned and tested",
      state: "OPEN",
      dueOffsetMinutes: -1440,
      children: [
        { text: "Connection pooling configured (min_size=5, max_size=20)", state: "OPEN", dueOffsetMinutes: -1440 },
        { text: "Backup strategy verified (daily backups, 30-day retention)", state: "OPEN", dueOffsetMinutes: -1440 },
        { text: "Monitoring enabled (queries, connections, performance)", state: "OPEN", dueOffsetMinutes: -1440 },
        { text: "Rollback database snapshot created", state: "OPEN", dueOffsetMinutes: -1440 },
      ],
    });
    const due = (title: string) => findSection(draft.sections, title).items[0]?.dueOffsetMinutes;
    expect(due("Pre-Deployment (T-30 min)")).toBe(-30);
    expect(due("Option 1: Blue-Green Deployment (Recommended)")).toBe(0);
    expect(due("Post-Deployment (T+15 to T+60 min)")).toBe(15);
    expect(due("Functional Verification")).toBe(60);
    expect(due("Rollback Execution (T+5 min)")).toBe(5);
    expect(findSection(draft.sections, "Testing Verification").items[0]?.children?.[0]?.text).toBe("Unit tests: 217/217 passing ✅");
  });

  it("reads the blue-green traffic steps as phases", () => {
    const { draft } = parse(markdown);
    expect(draft.phases.map((p) => [p.name, p.trafficPercent, p.minDurationMinutes])).toEqual([
      ["10% of traffic → green (5 min observation)", 10, 5],
      ["50% of traffic → green (5 min observation)", 50, 5],
      ["100% of traffic → green", 100, 0],
    ]);
    // The launch's success criteria (written outside the phases) hold in every phase.
    for (const phase of draft.phases) {
      expect(phase.criteria.map(criterionRow)).toEqual([
        ["SUCCESS", "error_rate", "LT", 0.1, "%", 0],
        ["SUCCESS", "latency_p95", "LT", 2, "s", 0],
        ["SUCCESS", "success_rate", "GT", 99, "%", 0],
        ["SUCCESS", "error_rate", "LT", 0.01, "%", 0],
        ["SUCCESS", "latency_p99", "LT", 1, "s", 0],
      ]);
    }
  });

  it("makes the sign-off block three gates and keeps its checks as items", () => {
    const { draft } = parse(markdown);
    expect(draft.gates).toEqual([
      { kind: "GO_NO_GO", name: "Must Have (Go/No-Go)", requiredRoles: ["COMMANDER"], approverTitles: [] },
      { kind: "PRE_DEPLOYMENT", name: "Pre-Deployment Checklist", requiredRoles: ["COMMANDER"], approverTitles: ["Lead Engineer", "Operations", "Security"] },
      { kind: "GO_LIVE", name: "Deployment Execution", requiredRoles: ["COMMANDER"], approverTitles: ["Deployment Lead"] },
      { kind: "POST_DEPLOYMENT", name: "Production Verification", requiredRoles: ["COMMANDER"], approverTitles: ["Operations Lead"] },
    ]);
    // The labels name the gates; the checks stay items.
    expect(findSection(draft.sections, "SIGN-OFF").items).toEqual([
      { text: "All items verified and signed off", state: "OPEN" },
      { text: "Deployment completed successfully", state: "OPEN" },
      { text: "Post-deployment verification passed", state: "OPEN" },
      { text: "All success criteria met", state: "OPEN" },
      { text: "System running normally", state: "OPEN" },
      { text: "No critical issues found", state: "OPEN" },
      { text: "Monitoring shows baseline metrics", state: "OPEN" },
    ]);
  });

  it("reads the emergency contacts table, storing no placeholder", () => {
    const { draft } = parse(markdown);
    // "[Name]" and "[+55-XX-XXXX]" are blanks to fill in: the contact is named by its role and has no phone.
    expect(draft.contacts[0]).toEqual({ kind: "PERSON", role: "Deployment Lead", name: "Deployment Lead", chatHandle: "@deployment", escalationLevel: 1 });
    expect(draft.contacts.map((c) => [c.role, c.chatHandle])).toEqual([
      ["Deployment Lead", "@deployment"],
      ["On-Call Engineer", "@oncall"],
      ["Operations", "#ops"],
      ["Security", "@security"],
      ["Database Admin", "@dba"],
    ]);
    expect(lostWords(markdown, draft)).toEqual(LOST_SQUAD);
  });
});

describe.skipIf(!available)("go-live-procedures.md", () => {
  const markdown = available ? read("go-live-procedures.md") : "";

  it("counts what a careful reader counts", () => {
    // items 182 = 176 list items outside code − 7 table-of-contents links − 5 approval lines
    //   + 18 items for scripts: Timeline, Steps 1–4, the three canary stages, Phase 4's monitoring notes,
    //     Before/During Go-Live and Rollback Path, Traffic Shaping, the real-time dashboard, the health check
    //     sequence, and the Example / Rollback Command / Rollback Procedure scripts of the decision tree.
    // sections 36 = 8 h2 (all but "Table of Contents") + 21 h3 + 7 h4.
    // Items: the plain bullets are tasks (the document has no checkboxes), less the trigger, contact and sign-off
    // lines. The 9 trigger lines written outside the canary stages (escalation criteria, automatic actions, the
    // decision tree) are stored on each of the 3 phases.
    expect(parse(markdown).summary).toEqual({
      sections: 36,
      items: 144,
      checkedItems: 0,
      gates: 3,
      signoffs: 5,
      contacts: 13,
      phases: 3,
      criteria: 2,
      triggers: 27,
    });
  });

  it("skips the file-name title and the table of contents", () => {
    const { draft } = parse(markdown);
    expect(draft.name).toBe("Production Go-Live Procedures");
    expect(draft.service).toBe("Production Go-Live Procedures");
    expect(draft.description).toMatch(/^GO_LIVE_PROCEDURES\.md\n\nVersion: 1\.0\nTarget Date: October 21, 2025/);
    expect(draft.description).toContain("Target Launch: October 21, 2025");
    expect(draft.sections.map((s) => s.title)).toEqual([
      "Pre-Launch Checklist",
      "Go-Live Schedule",
      "Deployment Strategy",
      "Team Assignments",
      "Health Monitoring",
      "Rollback Decision Tree",
      "Post-Launch Activities",
      "Emergency Contacts",
    ]);
  });

  it("dates items from relative headings and from clock times once T0 (12:00) is pinned", () => {
    const { draft } = parse(markdown);
    const due = (title: string) => findSection(draft.sections, title).items[0]?.dueOffsetMinutes;
    expect(due("72 Hours Before Go-Live")).toBe(-4320);
    expect(due("24 Hours Before Go-Live")).toBe(-1440);
    expect(due("1 Hour Before Go-Live")).toBe(-60);
    expect(due("Phase 1: Preparation (T-30 minutes)")).toBe(-30);
    expect(due("Step 2: Deploy New Code (10 min)")).toBe(0);
    expect(due("Canary: 5% of Traffic (12:30 PM)")).toBe(30);
    expect(due("Canary: 25% of Traffic (12:40 PM)")).toBe(40);
    expect(due("Full Rollout: 100% of Traffic (12:50 PM)")).toBe(50);
    expect(due("Phase 4: Monitoring (T+60 to T+180 min)")).toBe(60);
    expect(due("Milestone: 48 Hours Post-Launch")).toBe(2880);
    expect(due("First 24 Hours")).toBeUndefined();
  });

  it("reads the canary stages as phases, with the criteria written in the script's comments", () => {
    const { draft } = parse(markdown);
    expect(draft.phases.map((p) => [p.name, p.trafficPercent, p.minDurationMinutes])).toEqual([
      ["Canary: 5% of Traffic (12:30 PM)", 5, 5],
      ["Canary: 25% of Traffic (12:40 PM)", 25, 5],
      ["Full Rollout: 100% of Traffic (12:50 PM)", 100, 0],
    ]);
    const success = (i: number) => draft.phases[i]?.criteria.filter((c) => c.kind === "SUCCESS").map(criterionRow);
    expect(success(0)).toEqual([
      ["SUCCESS", "error_rate", "LT", 1, "%", 0],
      ["SUCCESS", "latency_p95", "LT", 500, "ms", 0],
    ]);
    expect(success(1)).toEqual([]);
    // "Error rate > 5% → Immediate escalation": a condition with its action, read as a trigger, not a contact.
    expect(draft.phases[1]?.criteria[0]).toMatchObject({ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 5, unit: "%" });
  });

  it("makes the stakeholder approvals and the go/no-go decisions gates", () => {
    const { draft } = parse(markdown);
    expect(draft.gates).toEqual([
      {
        kind: "PRE_DEPLOYMENT",
        name: "Stakeholder Sign-Off",
        requiredRoles: ["COMMANDER"],
        approverTitles: ["Product manager", "VP Engineering", "CTO", "Infrastructure manager", "Security team"],
      },
      // Each decision guards entry into the next canary stage.
      { kind: "GO_NO_GO", name: "Go/No-Go Decision: 12:35 PM", requiredRoles: ["COMMANDER"], approverTitles: [], phaseIndex: 1 },
      { kind: "GO_NO_GO", name: "Go/No-Go Decision: 12:45 PM", requiredRoles: ["COMMANDER"], approverTitles: [], phaseIndex: 2 },
    ]);
    // The one line under "Stakeholder Sign-Off" that is not an approval stays an item.
    const stakeholder = findSection(draft.sections, "72 Hours Before Go-Live").items[4];
    expect(stakeholder?.text).toBe("Stakeholder Sign-Off");
    expect(text(stakeholder?.children ?? [])).toEqual(["Communications team ready"]);
  });

  it("reads owners from the responsibility labels", () => {
    const { draft } = parse(markdown);
    const items = findSection(draft.sections, "Pre-Launch Responsibilities").items;
    expect(items).toHaveLength(16);
    expect(items.map((i) => i.ownerName)).toEqual([
      ...Array(4).fill("Technical Lead"),
      ...Array(4).fill("Database Admin"),
      ...Array(4).fill("DevOps Engineer"),
      ...Array(4).fill("Communications"),
    ]);
  });

  it("reads the roles table and the emergency contacts block, merging the repeated commander", () => {
    const { draft } = parse(markdown);
    expect(draft.contacts.map((c) => [c.kind, c.role, c.name])).toEqual([
      ["PERSON", "Incident Commander", "Incident Commander"],
      ["PERSON", "Technical Lead", "Technical Lead"],
      ["PERSON", "Database Admin", "Database Admin"],
      ["PERSON", "DevOps Engineer", "DevOps Engineer"],
      ["PERSON", "Monitoring Lead", "Monitoring Lead"],
      ["PERSON", "Communications", "Communications"],
      ["PERSON", "Product Manager", "Product Manager"],
      ["PERSON", "CTO", "CTO"],
      ["PERSON", "VP Engineering", "VP Engineering"],
      ["CHANNEL", "War Room Zoom", "https://zoom.us/j/XXXXXXXXX"],
      ["CHANNEL", "Slack Channel", "#go-live-war-room"],
      ["CHANNEL", "Status Page", "https://status.company.com"],
      ["PERSON", "Emergency Escalation", "Emergency Escalation"],
    ]);
    // "TBD", "+1-XXX-XXXX" and "<Phone>" are placeholders: never stored as values.
    expect(draft.contacts[0]).toEqual({
      kind: "PERSON",
      role: "Incident Commander",
      name: "Incident Commander",
      chatHandle: "@ic",
      escalationLevel: 1,
      notes: "Responsibility: Overall coordination; <Phone>; <Email>; <Slack>",
    });
    expect(draft.contacts[12]).not.toHaveProperty("phone");
  });

  it("loses only the table of contents, the word 'approval' of approval lines and the placeholders", () => {
    const { draft } = parse(markdown);
    expect(lostWords(markdown, draft)).toEqual([
      "approval",
      "contents",
      "deployment-strategy",
      "go-live-schedule",
      "health-monitoring",
      "post-launch-activities",
      "pre-launch-checklist",
      "rollback-decision-tree",
      "tbd",
      "team-assignments",
      "xxx-emergency",
      "xxx-xxxx",
    ]);
  });
});
