import { assertNever, parseEvent, type EventEnvelope, type EventPayload } from "@/lib/schemas/events";
import { isPlanEventType, type PlanEventType } from "@/lib/schemas/plan-events";
import { roleLabel } from "./status";

// Pure (used in the browser too): one line per event, by an exhaustive switch over the event catalogue.
// describePublicEvent is what a stakeholder reads: no names of people, no action names or outcomes (only
// that the rollout was rolled back), no comments or notes. describeEvent is the team's timeline (the report).

type PhaseRef = { name: string; trafficPercent: number };
type Run = EventPayload<"action.run.finished">["run"];

const phaseWords = (p: PhaseRef) => `${p.name} (${p.trafficPercent}% traffic)`;
const overridden = (data: { override?: { reason: string } }) => (data.override ? ` — gate overridden: ${data.override.reason}` : "");
const earlyStart = (data: EventPayload<"rollout.started">) => (data.earlyStart ? ` — started before the planned T0: ${data.earlyStart.reason}` : "");

/** Plan edits (lib/schemas/plan-events.ts) carry their own lines: `summary` for the team, `publicSummary` for stakeholders. */
const isPlanEvent = <E extends { type: string }>(event: E): event is Extract<E, { type: PlanEventType }> => isPlanEventType(event.type);

/** One line a stakeholder can read, or null for events they need not see (and for types this build does not know). */
export function describePublicEvent(envelope: Pick<EventEnvelope, "type" | "data">): string | null {
  const event = parseEvent(envelope);
  if (!event) return null;
  if (isPlanEvent(event)) return event.data.publicSummary ?? null;
  switch (event.type) {
    case "rollout.created":
      return event.data.publicSummary ?? "Rollout plan created";
    case "item.updated": {
      const { item, previousState } = event.data;
      if (item.state === previousState) return null;
      const verb = { DONE: "completed", SKIPPED: "skipped", BLOCKED: "blocked", OPEN: "reopened" }[item.state];
      return `Checklist: "${item.text}" ${verb}`;
    }
    // Who an item is assigned to is a name: not for stakeholders.
    case "item.assigned":
      return null;
    case "signoff.recorded": {
      const { gateName, signature } = event.data;
      return `${gateName}: ${signature.decision === "GO" ? "GO" : "NO-GO"} (${roleLabel(signature.signerRole)})`;
    }
    case "rollout.started":
      return `Rollout started: ${phaseWords(event.data.phase)}`;
    case "phase.promoted":
      return `Promoted to ${phaseWords(event.data.to)}`;
    case "rollout.completed":
      return "Rollout completed";
    case "phase.paused":
      return "Rollout paused";
    case "phase.resumed":
      return "Rollout resumed";
    case "rollout.aborted":
      return "Rollout aborted";
    case "action.run.finished":
      // Which action ran, and how each attempt went, is the team's business; that the rollout went back is not.
      return event.data.rollout?.status === "ROLLED_BACK" ? "Rolled back to the previous version" : null;
    case "trigger.auto_rollback":
      return event.data.willRun ? "A rollback trigger fired: rolling back automatically" : "A rollback trigger fired: the team is rolling back";
    case "criterion.state_changed":
    case "phase.verdict":
      return event.data.publicSummary;
    case "action.run.requested":
    case "action.run.started":
    case "action.run.approved":
    case "action.run.rejected":
    case "action.run.expired":
    case "action.run.interrupted":
    case "action.created":
    case "action.updated":
    case "action.deleted":
    case "tile.created":
    case "tile.updated":
    case "tile.deleted":
    case "criterion.updated":
    case "share.created":
    case "share.revoked":
    case "notification.channel_created":
    case "notification.channel_updated":
    case "notification.channel_deleted":
    case "alert_token.created":
    case "reminder.item_overdue":
    case "reminder.gate_waiting":
      return null;
    case "stakeholder.update":
      return event.data.publicSummary;
    default:
      return assertNever(event);
  }
}

export type PublicEventKind = "checklist" | "signoff" | "phase" | "rollout" | "other";

/** What an update is about, for the stakeholder view's icons. */
export function publicEventKind(envelope: Pick<EventEnvelope, "type">): PublicEventKind {
  const subject = envelope.type.split(".")[0];
  if (subject === "item") return "checklist";
  if (subject === "signoff") return "signoff";
  if (subject === "phase" || subject === "rollout") return subject;
  return "other";
}

/** "Rollback", "Traffic to 50%": what the run did, from its kind and params only (never its URL or headers). */
function runWords(run: Run): string {
  const percentage = (run.params as { percentage?: unknown } | null)?.percentage;
  if (run.action.kind === "SET_TRAFFIC" && typeof percentage === "number") return `${run.action.name} (traffic to ${percentage}%)`;
  return run.action.name;
}

/**
 * One line per event for people in the rollout (the go-live report's timeline): every event gets one, with the
 * details members may see (who signed, a sign-off's comment, which action ran, override reasons).
 */
export function describeEvent(envelope: Pick<EventEnvelope, "type" | "data">): string {
  const event = parseEvent(envelope);
  if (!event) return envelope.type;
  if (isPlanEvent(event)) return event.data.summary ?? event.data.publicSummary ?? event.type;
  switch (event.type) {
    case "item.updated": {
      const { item, reason } = event.data;
      if (item.state === event.data.previousState) return `Checklist: note on "${item.text}"${item.note ? `: ${item.note}` : " cleared"}`;
      const line = describePublicEvent(envelope) ?? "Checklist item updated";
      return reason ? `${line}: ${reason}` : line;
    }
    case "item.assigned": {
      const { item, assignee } = event.data;
      return assignee ? `Checklist: "${item.text}" assigned to ${assignee.name}` : `Checklist: "${item.text}" unassigned`;
    }
    case "signoff.recorded": {
      const { gateName, signature } = event.data;
      const comment = signature.comment ? ` — “${signature.comment}”` : "";
      return `${gateName}: ${signature.decision === "GO" ? "GO" : "NO-GO"} by ${signature.signer.name} (${roleLabel(signature.signerRole)})${comment}`;
    }
    case "rollout.started":
      return `Rollout started: ${phaseWords(event.data.phase)}${overridden(event.data)}${earlyStart(event.data)}`;
    case "phase.promoted":
      return `Promoted to ${phaseWords(event.data.to)}${overridden(event.data)}`;
    case "rollout.completed":
      return `Rollout completed${overridden(event.data)}`;
    case "phase.paused":
      return `Rollout paused${event.data.reason ? `: ${event.data.reason}` : ""}`;
    case "rollout.aborted":
      return `Rollout aborted: ${event.data.reason}`;
    case "action.run.requested":
      return `${runWords(event.data.run)} requested; waiting for a second approver`;
    case "action.run.approved":
      return `${runWords(event.data.run)} approved by a second person`;
    case "action.run.started":
      return `${runWords(event.data.run)} started`;
    case "action.run.finished": {
      const { run, rollout } = event.data;
      if (run.status === "DRY_RUN") return `${runWords(run)} dry-run (rehearsal: the target was not called)`;
      const outcome = run.status === "SUCCEEDED" ? "succeeded" : `failed${run.responseStatus ? ` (HTTP ${run.responseStatus})` : " (target unreachable or timed out)"}`;
      return `${runWords(run)} ${outcome}${rollout?.status === "ROLLED_BACK" ? "; the rollout is rolled back" : ""}`;
    }
    case "action.run.rejected":
      return `${runWords(event.data.run)} was not approved`;
    case "action.run.expired":
      return `${runWords(event.data.run)} expired without a second approval`;
    case "action.run.interrupted":
      return `${runWords(event.data.run)} was interrupted (the server stopped mid-call); its outcome is unknown`;
    case "action.created":
      return `Action “${event.data.action.name}” configured`;
    case "action.updated":
      return `Action “${event.data.action.name}” changed`;
    case "action.deleted":
      return `Action “${event.data.name}” removed`;
    case "share.created":
      return event.data.label ? `Stakeholder link “${event.data.label}” created` : "Stakeholder link created";
    case "share.revoked":
      return "Stakeholder link revoked";
    case "notification.channel_created":
      return `Notification channel “${event.data.channel.name}” added`;
    case "notification.channel_updated":
      return `Notification channel “${event.data.channel.name}” changed`;
    case "notification.channel_deleted":
      return `Notification channel “${event.data.name}” removed`;
    case "alert_token.created":
      return event.data.label ? `Alert token “${event.data.label}” created` : "Alert token created";
    case "reminder.item_overdue":
    case "reminder.gate_waiting":
    case "stakeholder.update":
    case "trigger.auto_rollback":
    case "tile.created":
    case "tile.updated":
    case "tile.deleted":
    case "criterion.updated":
    case "criterion.state_changed":
    case "phase.verdict":
      return event.data.publicSummary;
    case "rollout.created":
    case "phase.resumed":
      return describePublicEvent(envelope) ?? event.type;
    default:
      return assertNever(event);
  }
}
