import type { EventEnvelope } from "@/lib/schemas/events";

// Pure (used in the browser too): one line per event, in words a stakeholder can read.

type Item = { text: string; state: string };
type Signed = { decision: string; signerRole: string };

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
    default:
      if (typeof data.publicSummary === "string") return data.publicSummary;
      return describeLifecycle(envelope.type, data);
  }
}

type PhaseRef = { name?: unknown; trafficPercent?: unknown };

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
    const phase = (typeof data.phase === "object" && data.phase !== null ? data.phase : data) as PhaseRef;
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
      const item = data.item as Item | undefined;
      if (item && item.state === data.previousState) return `Checklist: note on "${item.text}" updated`;
      return describePublicEvent(envelope) ?? "Checklist item updated";
    }
    case "signoff.recorded": {
      const signature = data.signature as SignedBy | undefined;
      const decision = signature?.decision === "GO" ? "GO" : "NO-GO";
      const comment = signature?.comment ? ` — “${signature.comment}”` : "";
      return `${String(data.gateName ?? "Sign-off")}: ${decision} by ${signature?.signer?.name ?? "someone"} (${signature?.signerRole ?? ""})${comment}`;
    }
    case "share.created":
      return typeof data.label === "string" && data.label ? `Stakeholder link “${data.label}” created` : "Stakeholder link created";
    case "share.revoked":
      return "Stakeholder link revoked";
    default:
      return describePublicEvent(envelope) ?? envelope.type;
  }
}
