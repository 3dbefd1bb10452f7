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
      return typeof data.publicSummary === "string" ? data.publicSummary : null;
  }
}


/** One line for the war room's timeline: the public line where there is one, else what engineers need. */
export function describeEvent(envelope: Pick<EventEnvelope, "type" | "data">): string {
  const data = envelope.data;
  switch (envelope.type) {
    case "item.updated": {
      const item = data.item as (Item & { note?: string | null }) | undefined;
      if (item && item.state === data.previousState) return `Note on "${item.text}"${item.note ? `: ${item.note}` : " cleared"}`;
      break;
    }
    case "share.created":
      return `Stakeholder link created${data.label ? ` (${String(data.label)})` : ""}`;
    case "share.revoked":
      return "Stakeholder link revoked";
  }
  return describePublicEvent(envelope) ?? envelope.type;
}
