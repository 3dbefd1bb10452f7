import { describe, expect, it } from "vitest";
import type { RolloutState } from "@/lib/domain/rollouts";
import { describeEvent, describePublicEvent } from "@/lib/domain/describe-event";
import type { EventEnvelope } from "@/lib/schemas/events";
import { applyRolloutEvent } from "./apply-event";

// Plan edits in the client cache and in words: the ones common mid-run apply in place, the rest refetch; contacts
// never reach stakeholders.

const item = (id: string, text: string, version = 1) => ({ id, text, sectionId: "s1", parentId: null, position: 0, state: "OPEN", version });
const state = { lastSeq: 5, rollout: { id: "r1", lastSeq: 5 }, items: [item("i1", "Backups")], sections: [{ id: "s1", title: "Pre", parentId: null, position: 0 }] } as unknown as RolloutState;
const envelope = (seq: number, type: string, data: Record<string, unknown>): EventEnvelope => ({ rolloutId: "r1", seq, type, at: "2026-12-01T12:00:00.000Z", actor: { id: "u1", name: "Erin" }, data });

describe("plan events", () => {
  it("adds an item in place, once", () => {
    const added = envelope(6, "item.added", { item: item("i2", "Purge the CDN"), sectionTitle: "Pre", publicSummary: 'Checklist: "Purge the CDN" added to Pre' });
    const next = applyRolloutEvent(state, added)!;
    expect(next.items.map((i) => i.id)).toEqual(["i1", "i2"]);
    expect(next.lastSeq).toBe(6);
    expect(applyRolloutEvent(next, { ...added, seq: 6 })!.items).toHaveLength(2);
  });

  it("edits and moves in place; a removal makes the client refetch", () => {
    const edited = applyRolloutEvent(state, envelope(6, "item.edited", { item: item("i1", "Backups (full)", 2), changed: ["text"], summary: "x" }))!;
    expect(edited.items[0]!.text).toBe("Backups (full)");
    expect(applyRolloutEvent(state, envelope(6, "item.deleted", { itemId: "i1", itemIds: ["i1"], undo: {} }))).toBeNull();
    expect(applyRolloutEvent(state, envelope(6, "phase.added", { phase: { id: "p" } }))).toBeNull();
  });

  it("a contact change has a line for the team and none for stakeholders", () => {
    const contact = envelope(6, "contact.added", { contact: { id: "c", phone: "+1 555" }, summary: "Contact Dee (DBA) added at escalation level 2" });
    expect(describeEvent(contact)).toBe("Contact Dee (DBA) added at escalation level 2");
    expect(describePublicEvent(contact)).toBeNull();
  });

  it("a skip with its reason reads with the reason for the team only", () => {
    const skipped = envelope(6, "item.updated", { item: { ...item("i1", "Backups"), state: "SKIPPED", note: null }, previousState: "OPEN", reason: "done yesterday" });
    expect(describeEvent(skipped)).toBe('Checklist: "Backups" skipped: done yesterday');
    expect(describePublicEvent(skipped)).toBe('Checklist: "Backups" skipped');
  });
});
