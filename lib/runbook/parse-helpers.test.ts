import { describe, expect, it } from "vitest";
import { addContact, contactFromLine, contactsFromTable, parseEscalationWindow, type DraftContact } from "./parse-contacts";
import { extractOwner } from "./parse-owner";
import { phaseFromListItem, phaseFromTitle } from "./parse-phase";
import { approvalTitle, gateKindOf, isSignoffTitle, parseSignoffLine } from "./parse-signoff";
import { inferService } from "./parse-markdown";

describe("extractOwner", () => {
  it.each<[string, string, string | undefined]>([
    ["Freeze schema changes (Owner: Priya)", "Freeze schema changes", "Priya"],
    ["Warm caches — @sam", "Warm caches", "@sam"],
    ["Warm caches - @sam", "Warm caches", "@sam"],
    ["Ping the vendor (@li.wei)", "Ping the vendor", "@li.wei"],
    ["Confirm on-call handover. Owner: Lee", "Confirm on-call handover", "Lee"],
    ["Rotate keys [assigned to: SRE team]", "Rotate keys", "SRE team"],
    ["Owner: Dana", "Owner: Dana", "Dana"],
    ["Email support@example.com when done", "Email support@example.com when done", undefined],
    ["Check the owner field is set", "Check the owner field is set", undefined],
    ["Update the service owner: platform", "Update the service owner: platform", undefined],
  ])("%j", (line, text, owner) => {
    expect(extractOwner(line)).toEqual(owner === undefined ? { text } : { text, owner });
  });
});

describe("sign-off lines", () => {
  it.each<[string, ReturnType<typeof parseSignoffLine>]>([
    ["Engineering Lead: ____", { title: "Engineering Lead" }],
    ["Lead Engineer: _________________ Date: _______", { title: "Lead Engineer" }],
    ["Business Owner: ..........", { title: "Business Owner" }],
    ["Date/Time: ____", { field: "Date/Time" }],
    ["Initial Traffic %: ____", { field: "Initial Traffic %" }],
    ["Signature: ______", { field: "Signature" }],
    ["All items verified and signed off", undefined],
    ["Error rate: <0.1%", undefined],
  ])("parseSignoffLine(%j)", (line, expected) => {
    expect(parseSignoffLine(line)).toEqual(expected);
  });

  it.each<[string, string | undefined]>([
    ["Product manager approval", "Product manager"],
    ["Security team approval", "Security team"],
    ["Approved by: CTO", "CTO"],
    ["Sign-off from Legal", "Legal"],
    ["Communications team ready", undefined],
  ])("approvalTitle(%j) → %s", (line, title) => {
    expect(approvalTitle(line)).toBe(title);
  });

  it.each<[string, boolean]>([
    ["📝 SIGN-OFF", true],
    ["Stakeholder Sign-Off", true],
    ["Deployment Approved By", true],
    ["Go-Live Authorization", true],
    ["Approvals", true],
    ["Incident commander signs off on stability", false],
    ["Performance Gates", false],
  ])("isSignoffTitle(%j) → %s", (text, expected) => {
    expect(isSignoffTitle(text)).toBe(expected);
  });

  it.each<[string[], number | undefined, string]>([
    [["Deployment Approved By"], undefined, "PRE_DEPLOYMENT"],
    [["Go-Live Authorization"], undefined, "GO_LIVE"],
    [["Pre-Deployment Checklist", "SIGN-OFF"], undefined, "PRE_DEPLOYMENT"],
    [["Deployment Execution", "SIGN-OFF"], undefined, "GO_LIVE"],
    [["Production Verification", "SIGN-OFF"], undefined, "POST_DEPLOYMENT"],
    [["Stakeholder Sign-Off", "72 Hours Before Go-Live"], -4320, "PRE_DEPLOYMENT"],
    [["Must Have (Go/No-Go)"], undefined, "GO_NO_GO"],
    [["Sign-off"], 30, "POST_DEPLOYMENT"],
    [["Sign-off"], undefined, "CUSTOM"],
  ])("gateKindOf(%j, %s) → %s", (labels, offset, kind) => {
    expect(gateKindOf(labels, offset)).toBe(kind);
  });
});

describe("phases", () => {
  it.each([
    ["Phase 1: Shadow (0% traffic, 24h)", { tier: 1, trafficPercent: 0, minDurationMinutes: 1440 }],
    ["Phase 2: 10% Canary (24h)", { tier: 1, trafficPercent: 10, minDurationMinutes: 1440 }],
    ["Phase 4: 100% Full (Ongoing)", { tier: 1, trafficPercent: 100, minDurationMinutes: undefined }],
    ["🔄 Phase 3: Dark launch (1 day)", { tier: 1, trafficPercent: 0, minDurationMinutes: 1440 }],
    ["Canary: 5% of Traffic (12:30 PM)", { tier: 2, trafficPercent: 5, minDurationMinutes: undefined }],
    ["50% Rollout (48h)", { tier: 2, trafficPercent: 50, minDurationMinutes: 2880 }],
  ])("phaseFromTitle(%j)", (title, spec) => {
    expect(phaseFromTitle(title)).toEqual(spec);
  });

  it.each([
    "Phase 1: Preparation (T-30 minutes)",
    "If inventory flips spike > 2%:",
    "Rollout Phases & Success Criteria",
  ])("phaseFromTitle(%j) → none", (title) => {
    expect(phaseFromTitle(title)).toBeUndefined();
  });

  it("reads traffic steps written as list items", () => {
    expect(phaseFromListItem("10% of traffic → green (5 min observation)")).toEqual({
      tier: 3,
      trafficPercent: 10,
      minDurationMinutes: 5,
    });
    expect(phaseFromListItem("Error rate remains <0.1%")).toBeUndefined();
    expect(phaseFromListItem("Errors under > 5% of requests")).toBeUndefined();
  });
});

describe("contacts", () => {
  it.each<[string, { startMinutes: number } | undefined]>([
    ["0-5 min", { startMinutes: 0 }],
    ["5-15 min", { startMinutes: 5 }],
    ["15+ min", { startMinutes: 15 }],
    ["after 30 min", { startMinutes: 30 }],
    ["1-2 hours", { startMinutes: 60 }],
    ["Immediately", { startMinutes: 0 }],
    ["whenever", undefined],
  ])("parseEscalationWindow(%j)", (text, expected) => {
    const window = parseEscalationWindow(text);
    expect(window === undefined ? undefined : { startMinutes: window.startMinutes }).toEqual(expected);
  });

  it.each<[string, Partial<DraftContact> | undefined]>([
    ["Primary: DevOps Engineer", { kind: "PERSON", role: "Primary", name: "DevOps Engineer" }],
    ["Critical: PagerDuty + Slack #bargain-alerts", { kind: "CHANNEL", role: "Critical", name: "PagerDuty + Slack #bargain-alerts", chatHandle: "#bargain-alerts" }],
    ["Infra Issues: DevOps team", { kind: "TEAM", role: "Infra Issues", name: "DevOps team" }],
    ["Slack Channel: #go-live-war-room", { kind: "CHANNEL", role: "Slack Channel", name: "#go-live-war-room", chatHandle: "#go-live-war-room" }],
    ["CTO: <Phone> <Email> <Slack>", { kind: "PERSON", role: "CTO", name: "CTO", notes: "<Phone>; <Email>; <Slack>" }],
    // A placeholder number is no phone.
    ["Emergency Escalation: +1-XXX-EMERGENCY", { role: "Emergency Escalation", name: "Emergency Escalation", escalationLevel: 1, kind: "PERSON" }],
    ["SRE: Ana Lima, +55 11 5555 0100, ana@example.com", { role: "SRE", name: "Ana Lima", phone: "+55 11 5555 0100", email: "ana@example.com" }],
    ["Just a sentence without a label", undefined],
  ])("contactFromLine(%j)", (line, expected) => {
    const contact = contactFromLine(line, 1, false);
    if (expected === undefined) expect(contact).toBeUndefined();
    else expect(contact).toMatchObject(expected);
    if (line.includes("XXX")) expect(contact).not.toHaveProperty("phone");
  });

  it("reads a roles table, storing no placeholder and keeping extra columns", () => {
    const contacts = contactsFromTable(
      ["Role", "Name", "Phone", "Slack", "Responsibility"],
      [["Incident Commander", "TBD", "+1-XXX-XXXX", "@ic", "Overall coordination"]],
      false,
    );
    expect(contacts).toEqual([
      {
        kind: "PERSON",
        role: "Incident Commander",
        name: "Incident Commander",
        chatHandle: "@ic",
        escalationLevel: 1,
        notes: "Responsibility: Overall coordination",
      },
    ]);
  });

  it("does not take a table without people for contacts", () => {
    expect(contactsFromTable(["Metric", "Threshold"], [["Error rate", "1%"]], false)).toBeUndefined();
    expect(contactsFromTable(["Task", "Owner", "When"], [["Rotate keys", "Mei", "T-1h"]], false)).toBeUndefined();
  });

  it("folds a repeated role with no name into the earlier contact", () => {
    const contacts: DraftContact[] = [{ kind: "PERSON", role: "CTO", name: "Ada", escalationLevel: 1 }];
    addContact(contacts, { kind: "PERSON", role: "cto", name: "cto", phone: "+1 555 0100", escalationLevel: 1, notes: "<Email>" });
    addContact(contacts, { kind: "PERSON", role: "CTO", name: "Grace", escalationLevel: 1 });
    expect(contacts).toEqual([
      { kind: "PERSON", role: "CTO", name: "Ada", phone: "+1 555 0100", escalationLevel: 1, notes: "<Email>" },
      { kind: "PERSON", role: "CTO", name: "Grace", escalationLevel: 1 },
    ]);
  });
});

describe("inferService", () => {
  it.each<[string, string | undefined]>([
    ["Production Readiness for Squad API - Multi-Provider LLM Orchestration", "Squad API"],
    ["AI Bargaining Platform - Go-Live Deployment Checklist", "AI Bargaining Platform"],
    ["🚀 Ledger Service Cutover", "Ledger Service"],
    ["Production Go-Live Procedures", undefined],
    ["Moving the API", undefined],
  ])("%j → %s", (title, service) => {
    expect(inferService(title)).toBe(service);
  });
});
