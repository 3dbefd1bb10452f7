import type { EventEnvelope } from "@/lib/schemas/events";

// Pure (used in the browser too): one line per event, in words a stakeholder can read.

type Item = { text: string; state: string };
type Signed = { decision: string; signerRole: string };
type PhaseRef = { name: string; trafficPercent: number };
type Run = { status: string; responseStatus: number | null; params?: { percentage?: number }; action: { name: string; kind: string } };

const phaseWords = (p: PhaseRef | null | undefined) => (p ? `${p.name} (${p.trafficPercent}% traffic)` : "");
const overridden = (data: Record<string, unknown>) => {
  const override = data.override as { reason?: string } | undefined;
  return override?.reason ? ` — gate overridden: ${override.reason}` : "";
};

/** "Rollback", "Traffic to 50%": what the run did, from its kind and params only (never its URL or headers). */
function runWords(run: Run): string {
  if (run.action.kind === "SET_TRAFFIC" && typeof run.params?.percentage === "number") return `${run.action.name} (traffic to ${run.params.percentage}%)`;
  return run.action.name;
}

function describeRun(type: string, run: Run | undefined): string | null {
  if (!run?.action) return null;
  const what = runWords(run);
  switch (type) {
    case "action.run.requested":
      return `${what} requested; waiting for a second approver`;
    case "action.run.approved":
      return `${what} approved by a second person`;
    case "action.run.started":
      return `${what} started`;
    case "action.run.finished":
      return run.status === "SUCCEEDED"
        ? `${what} succeeded`
        : `${what} failed${run.responseStatus ? ` (HTTP ${run.responseStatus})` : " (target unreachable or timed out)"}`;
    case "action.run.rejected":
      return `${what} was not approved`;
    case "action.run.expired":
      return `${what} expired without a second approval`;
    default:
      return null;
  }
}

/** One line a stakeholder can read, or null for events they need not see. */
export function describePublicEvent(envelope: Pick<EventEnvelope, "type" | "data">): string | null {
  const data = envelope.data;
  switch (envelope.type) {
    case "rollout.created":
      return "Rollout plan created";
    case "item.updated": {
      const item = data.item as Item | undefined;
      if (!item || item.state === data.previousState) return null;
      const verb = { DONE: "completed", SKIPPED: "skipped", BLOCKED: "blocked", OPEN: "reopened" }[item.state] ?? "updated";
      return `Checklist: "${item.text}" ${verb}`;
    }
    case "signoff.recorded": {
      const signature = data.signature as Signed | undefined;
      return `${String(data.gateName ?? "Sign-off")}: ${signature?.decision === "GO" ? "GO" : "NO-GO"} (${signature?.signerRole ?? ""})`;
    }
    case "rollout.started":
      if (!data.phase) return describeLifecycle(envelope.type, data);
      return `Rollout started: ${phaseWords(data.phase as PhaseRef)}${overridden(data)}`;
    case "phase.promoted":
      if (!data.to) return describeLifecycle(envelope.type, data);
      return `Promoted to ${phaseWords(data.to as PhaseRef)}${overridden(data)}`;
    case "rollout.completed":
      return `Rollout completed${overridden(data)}`;
    case "phase.paused":
      return `Rollout paused${data.reason ? `: ${String(data.reason)}` : ""}`;
    case "phase.resumed":
      return "Rollout resumed";
    case "rollout.aborted":
      return `Rollout aborted: ${String(data.reason ?? "")}`;
    case "action.run.requested":
    case "action.run.approved":
    case "action.run.started":
    case "action.run.finished":
    case "action.run.rejected":
    case "action.run.expired": {
      const line = describeRun(envelope.type, data.run as Run | undefined);
      return line && envelope.type === "action.run.finished" && data.rollout ? `${line}; the rollout is rolled back` : line;
    }
    // Action configuration is not for stakeholders.
    case "action.created":
    case "action.updated":
    case "action.deleted":
      return null;
    default:
      if (typeof data.publicSummary === "string") return data.publicSummary;
      return describeLifecycle(envelope.type, data);
  }
}

type LoosePhaseRef = { name?: unknown; trafficPercent?: unknown };

/**
 * Phase and rollout events that carry no publicSummary of their own, in words: "phase.started" with its phase →
 * 'Phase "Canary" (10% traffic) started'; "rollout.completed" → "Rollout completed". Only the phase's name and
 * traffic and the verb are used, whatever else the event holds.
 */
function describeLifecycle(type: string, data: Record<string, unknown>): string | null {
  const [subject, verbKey] = type.split(".");
  if (!verbKey) return null;
  const verb = verbKey.replace(/[_-]+/g, " ").replace(/\brollback\b/, "rolled back");
  if (subject === "rollout") return `Rollout ${verb}`;
  if (subject === "phase") {
    const phase = (typeof data.phase === "object" && data.phase !== null ? data.phase : data) as LoosePhaseRef;
    const name = typeof phase.name === "string" ? `"${phase.name}"` : "";
    const traffic = typeof phase.trafficPercent === "number" ? ` (${phase.trafficPercent}% traffic)` : "";
    return `Phase ${name}${traffic} ${verb}`.replace(/\s+/g, " ");
  }
  return null;
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


type SignedBy = Signed & { signer?: { name: string }; comment?: string | null };

/**
 * One line per event for people in the rollout (the go-live report's timeline): every event gets one, with the
 * details members may see (who signed, a sign-off's comment); events a stakeholder sees read the same.
 */
export function describeEvent(envelope: Pick<EventEnvelope, "type" | "data">): string {
  const data = envelope.data;
  switch (envelope.type) {
    case "item.updated": {
      const item = data.item as (Item & { note?: string | null }) | undefined;
      if (item && "assignee" in data && item.state === data.previousState) {
        const assignee = data.assignee as { name: string } | null;
        return assignee ? `Checklist: "${item.text}" assigned to ${assignee.name}` : `Checklist: "${item.text}" unassigned`;
      }
      if (item && item.state === data.previousState) return `Checklist: note on "${item.text}"${item.note ? `: ${item.note}` : " cleared"}`;
      return describePublicEvent(envelope) ?? "Checklist item updated";
    }
    case "signoff.recorded": {
      const signature = data.signature as SignedBy | undefined;
      const decision = signature?.decision === "GO" ? "GO" : "NO-GO";
      const comment = signature?.comment ? ` — “${signature.comment}”` : "";
      return `${String(data.gateName ?? "Sign-off")}: ${decision} by ${signature?.signer?.name ?? "someone"} (${signature?.signerRole ?? ""})${comment}`;
    }
    case "action.created":
      return `Action “${(data.action as { name?: string } | undefined)?.name ?? "?"}” configured`;
    case "action.updated":
      return `Action “${(data.action as { name?: string } | undefined)?.name ?? "?"}” changed`;
    case "action.deleted":
      return `Action “${String(data.name ?? "?")}” removed`;
    case "share.created":
      return typeof data.label === "string" && data.label ? `Stakeholder link “${data.label}” created` : "Stakeholder link created";
    case "share.revoked":
      return "Stakeholder link revoked";
    default:
      return describePublicEvent(envelope) ?? envelope.type;
  }
}
