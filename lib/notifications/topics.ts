import type { EventEnvelope } from "@/lib/schemas/events";

// What a notification is about. A topic is an event type made precise where the type alone says too little
// ("criterion.state_changed" is noise when it goes Pending, news when it goes Firing). Rules route topics, not
// event types. Pure: used by the outbox (in the write transaction), the formatters and the channel form.

export const SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TOPICS = {
  "trigger.firing": "A rollback trigger fires",
  "trigger.resolved": "A firing rollback trigger is resolved",
  "trigger.pending": "A rollback trigger goes pending",
  "verdict.fail": "A phase's verdict is FAIL",
  "verdict.pass": "A phase's verdict is PASS",
  "verdict.inconclusive": "A phase's verdict is INCONCLUSIVE",
  "rollback.run": "A rollback or kill switch runs (or is decided automatically)",
  "rollback.outcome": "A rollback or kill switch finished: its outcome",
  "gate.waiting": "A sign-off gate waits for more signatures",
  "approval.pending": "An action waits for a second person's approval",
  "rollout.started": "The rollout started",
  "rollout.completed": "The rollout completed",
  "rollout.rolled_back": "The rollout was rolled back",
  "rollout.aborted": "The rollout was aborted",
  "phase.promoted": "The rollout moved to its next phase",
  "item.updated": "A checklist item was ticked or changed",
  "reminder.item_overdue": "A checklist item is overdue (reminds its owner)",
  "reminder.gate_waiting": "A gate has waited too long (reminds its approvers)",
  "stakeholder.update": "Periodic status update while the rollout is active",
  test: "A test message (the send test button)",
} as const;
export type Topic = keyof typeof TOPICS;
export const TOPIC_NAMES = Object.keys(TOPICS) as Topic[];

export type Rules = Partial<Record<Topic, Severity>>;

/** What every channel gets unless its rules say otherwise. Ticks are not notified by default. */
export const DEFAULT_RULES: Rules = {
  "trigger.firing": "critical",
  "trigger.resolved": "info",
  "verdict.fail": "error",
  "rollback.run": "critical",
  "rollback.outcome": "error",
  "gate.waiting": "warning",
  "approval.pending": "warning",
  "rollout.started": "info",
  "rollout.completed": "info",
  "rollout.rolled_back": "error",
  "reminder.item_overdue": "warning",
  "reminder.gate_waiting": "warning",
  "stakeholder.update": "info",
};

/** PagerDuty's change events (/v2/change/enqueue) also carry every phase change. */
export const PAGERDUTY_DEFAULT_RULES: Rules = { ...DEFAULT_RULES, "phase.promoted": "info" };

/** Event types that may have a topic (topicOf below); any other type is never notified. */
export const NOTIFIABLE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "criterion.state_changed",
  "phase.verdict",
  "trigger.auto_rollback",
  "action.run.started",
  "action.run.requested",
  "action.run.finished",
  "signoff.recorded",
  "rollout.started",
  "rollout.completed",
  "rollout.aborted",
  "phase.promoted",
  "item.updated",
  "reminder.item_overdue",
  "reminder.gate_waiting",
  "stakeholder.update",
]);
/** Ticks: frequent, notified only where a channel's rules ask for them. */
export const TICK_EVENT_TYPE = "item.updated";

type Data = Record<string, unknown>;
const get = (data: Data, key: string): unknown => data[key];
const nested = (data: Data, key: string): Data => {
  const value = data[key];
  return value && typeof value === "object" ? (value as Data) : {};
};
const isRollbackKind = (run: Data) => {
  const kind = nested(run, "action").kind;
  return kind === "ROLLBACK" || kind === "KILL_SWITCH";
};

/** The topic of an event, or null when no rule could ever want it (configuration changes, share links…). */
export function topicOf(event: Pick<EventEnvelope, "type" | "data">): Topic | null {
  const data = event.data;
  switch (event.type) {
    case "criterion.state_changed": {
      const to = get(data, "to");
      if (to === "FIRING") return "trigger.firing";
      if (to === "PENDING") return "trigger.pending";
      if (get(data, "from") === "FIRING" && (to === "NORMAL" || to === "RESOLVED")) return "trigger.resolved";
      return null;
    }
    case "phase.verdict": {
      const verdict = get(data, "verdict");
      return verdict === "FAIL" ? "verdict.fail" : verdict === "PASS" ? "verdict.pass" : verdict === "INCONCLUSIVE" ? "verdict.inconclusive" : null;
    }
    case "trigger.auto_rollback":
      return "rollback.run";
    case "action.run.started":
      return isRollbackKind(nested(data, "run")) ? "rollback.run" : null;
    case "action.run.requested":
      return "approval.pending";
    case "action.run.finished":
      if (get(data, "rollout")) return "rollout.rolled_back";
      return isRollbackKind(nested(data, "run")) ? "rollback.outcome" : null;
    case "signoff.recorded":
      return get(data, "gateState") === "PENDING" ? "gate.waiting" : null;
    case "rollout.started":
      return "rollout.started";
    case "rollout.completed":
      return "rollout.completed";
    case "rollout.aborted":
      return "rollout.aborted";
    case "phase.promoted":
      return "phase.promoted";
    case "item.updated":
      return "item.updated";
    case "reminder.item_overdue":
    case "reminder.gate_waiting":
    case "stakeholder.update":
      return event.type;
    default:
      return null;
  }
}

export function rulesOf(kind: "SLACK" | "WEBHOOK" | "PAGERDUTY", rules: unknown): Rules {
  if (rules && typeof rules === "object" && !Array.isArray(rules)) return rules as Rules;
  return kind === "PAGERDUTY" ? PAGERDUTY_DEFAULT_RULES : DEFAULT_RULES;
}
