import type { RunbookDraftInput } from "@/lib/schemas/runbook";

// The demo rollout: a payments-service release as a team would plan it. Written for War Room (not copied
// from any real runbook); phone numbers use the 555-01xx range reserved for fiction.

const H = 60;

export const demoRunbook: RunbookDraftInput = {
  name: "Payments API v3.2 go-live",
  service: "payments-api",
  description:
    "Move card authorisation to the new ledger-backed payments-api v3.2. Shadow traffic first, then a 10% canary, then 50% and full traffic, each phase gated by a go/no-go.",
  sections: [
    {
      title: "Pre-deployment (T-24h)",
      items: [],
      sections: [
        {
          title: "Infrastructure",
          items: [
            {
              text: "Ledger database provisioned and reachable from the payments cluster",
              ownerName: "Platform",
              dueOffsetMinutes: -24 * H,
              state: "DONE",
              children: [
                { text: "Connection pool sized (min 10, max 40)", ownerName: "Platform", dueOffsetMinutes: -24 * H, state: "DONE" },
                { text: "Point-in-time recovery enabled and a restore rehearsed", ownerName: "Platform", dueOffsetMinutes: -24 * H },
              ],
            },
            {
              text: "Feature flag `payments.v3.traffic` created at 0% in every region",
              ownerName: "Release",
              dueOffsetMinutes: -24 * H,
            },
            { text: "Rollback image v3.1.9 pinned in the registry", ownerName: "Release", dueOffsetMinutes: -12 * H },
          ],
        },
        {
          title: "Observability",
          items: [
            {
              text: "Dashboards for error rate, p95/p99 latency and authorisation throughput published",
              ownerName: "SRE",
              dueOffsetMinutes: -24 * H,
              children: [
                { text: "Canary and stable versions split by label", ownerName: "SRE" },
                { text: "Alert on 5xx ratio above 1% routed to #payments-oncall", ownerName: "SRE" },
              ],
            },
            { text: "Synthetic card-authorisation probe running every 30 s", ownerName: "SRE", dueOffsetMinutes: -6 * H },
          ],
        },
        {
          title: "People",
          items: [
            { text: "Incident commander and deputy named in the war room", ownerName: "Engineering Manager", dueOffsetMinutes: -24 * H },
            { text: "Customer support briefed on the change window", ownerName: "Support Lead", dueOffsetMinutes: -4 * H },
          ],
        },
      ],
    },
    {
      title: "Deployment (T-0)",
      items: [
        { text: "Freeze merges to payments-api main", ownerName: "Release", dueOffsetMinutes: -30 },
        { text: "Deploy v3.2.0 to the canary pool (no traffic yet)", ownerName: "Release", dueOffsetMinutes: 0 },
        {
          text: "Smoke tests green against the canary pool",
          ownerName: "QA",
          dueOffsetMinutes: 10,
          children: [
            { text: "Authorise, capture and refund a test card", ownerName: "QA" },
            { text: "Idempotent retry of a capture returns the first result", ownerName: "QA" },
          ],
        },
        { text: "Shadow traffic enabled and compared for 30 minutes", ownerName: "SRE", dueOffsetMinutes: 15 },
      ],
    },
    {
      title: "Post-deployment (T+15m)",
      items: [
        { text: "Error rate and latency within criteria for the current phase", ownerName: "SRE", dueOffsetMinutes: 15 },
        { text: "Reconciliation job matches ledger totals for the first hour", ownerName: "Finance Ops", dueOffsetMinutes: 60 },
        { text: "Status update posted to stakeholders", ownerName: "Incident Commander", dueOffsetMinutes: 30 },
        { text: "Retrospective scheduled", ownerName: "Engineering Manager", dueOffsetMinutes: 24 * H },
      ],
    },
  ],
  phases: [
    {
      name: "Shadow",
      trafficPercent: 0,
      minDurationMinutes: 30,
      criteria: [
        { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 0.5, unit: "%", description: "Error rate < 0.5%" },
      ],
    },
    {
      name: "Canary",
      trafficPercent: 10,
      minDurationMinutes: 60,
      criteria: [
        { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 0.5, unit: "%", description: "Error rate < 0.5%" },
        { kind: "SUCCESS", metricKey: "latency_p95", comparator: "LT", threshold: 300, unit: "ms", description: "Latency p95 < 300ms" },
        {
          kind: "ROLLBACK_TRIGGER",
          metricKey: "error_rate",
          comparator: "GT",
          threshold: 1,
          unit: "%",
          pendingSeconds: 300,
          description: "Error rate > 1% for 5 minutes",
        },
      ],
    },
    {
      name: "Half",
      trafficPercent: 50,
      minDurationMinutes: 120,
      criteria: [
        { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 0.5, unit: "%", description: "Error rate < 0.5%" },
        { kind: "SUCCESS", metricKey: "latency_p99", comparator: "LT", threshold: 800, unit: "ms", description: "Latency p99 < 800ms" },
        {
          kind: "ROLLBACK_TRIGGER",
          metricKey: "latency_p95",
          comparator: "GT",
          threshold: 1000,
          unit: "ms",
          pendingSeconds: 600,
          description: "Latency p95 > 1s for 10 minutes",
        },
      ],
    },
    {
      name: "Full",
      trafficPercent: 100,
      minDurationMinutes: 24 * H,
      criteria: [
        { kind: "SUCCESS", metricKey: "availability", comparator: "GTE", threshold: 99.9, unit: "%", description: "Availability >= 99.9%" },
      ],
    },
  ],
  gates: [
    { kind: "PRE_DEPLOYMENT", name: "Pre-deployment approval", requiredRoles: ["COMMANDER"], approverTitles: ["Engineering Lead"] },
    {
      kind: "GO_LIVE",
      name: "Go-live authorization",
      // Two approvers, two people: the demo's admin signs as the business owner, the commander as themselves.
      requiredRoles: ["COMMANDER", "ADMIN"],
      approverTitles: ["Business Owner", "Incident Commander"],
    },
    { kind: "GO_NO_GO", name: "Go/no-go: Canary", requiredRoles: ["COMMANDER"], approverTitles: ["Incident Commander"], phaseIndex: 1 },
    { kind: "GO_NO_GO", name: "Go/no-go: Half", requiredRoles: ["COMMANDER"], approverTitles: ["Incident Commander"], phaseIndex: 2 },
    { kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER"], approverTitles: ["Incident Commander"], phaseIndex: 3 },
    { kind: "POST_DEPLOYMENT", name: "Post-deployment confirmation", requiredRoles: ["COMMANDER"], approverTitles: ["Engineering Lead"] },
  ],
  contacts: [
    { kind: "PERSON", role: "On-call engineer (primary)", name: "Priya Raman", phone: "+1 555 0142", chatHandle: "@priya", email: "priya@example.com", escalationLevel: 1, escalateAfterMinutes: 0 },
    { kind: "PERSON", role: "On-call engineer (secondary)", name: "Tomás Ortega", phone: "+1 555 0168", chatHandle: "@tomas", escalationLevel: 2, escalateAfterMinutes: 5 },
    { kind: "PERSON", role: "Engineering Lead", name: "Mei Chen", phone: "+1 555 0117", chatHandle: "@mei", escalationLevel: 3, escalateAfterMinutes: 15 },
    { kind: "PERSON", role: "Head of Payments", name: "Daniel Okafor", phone: "+1 555 0190", chatHandle: "@daniel", escalationLevel: 4, escalateAfterMinutes: 30 },
    { kind: "CHANNEL", role: "War room channel", name: "#payments-go-live", chatHandle: "#payments-go-live", escalationLevel: 1 },
  ],
};
