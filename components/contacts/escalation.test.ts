import { describe, expect, it } from "vitest";
import type { ContactView } from "@/lib/domain/selects";
import { escalationLadder, nextEscalation, onCallNow } from "./escalation";

const contact = (id: string, over: Partial<ContactView> = {}): ContactView => ({
  id,
  kind: "PERSON",
  role: "eng",
  name: id,
  phone: null,
  chatHandle: null,
  email: null,
  escalationLevel: 1,
  escalateAfterMinutes: null,
  onCallFrom: null,
  onCallUntil: null,
  notes: null,
  position: 0,
  ...over,
});
const t = (iso: string) => new Date(iso).getTime();

describe("escalation", () => {
  const contacts = [
    contact("primary", { escalationLevel: 1, escalateAfterMinutes: 0 }),
    contact("secondary", { escalationLevel: 2, escalateAfterMinutes: 5 }),
    contact("lead", { escalationLevel: 3, escalateAfterMinutes: 15 }),
    contact("#channel", { kind: "CHANNEL" }),
  ];

  it("puts level 1 on call when nobody has a rota window", () => {
    expect(onCallNow(contacts, t("2026-01-01T00:00:00Z")).map((c) => c.id)).toEqual(["primary"]);
  });

  it("uses rota windows when there are any", () => {
    const rota = [
      contact("night", { onCallFrom: "2026-01-01T00:00:00.000Z", onCallUntil: "2026-01-01T08:00:00.000Z" }),
      contact("day", { onCallFrom: "2026-01-01T08:00:00.000Z", onCallUntil: "2026-01-01T20:00:00.000Z" }),
    ];
    expect(onCallNow(rota, t("2026-01-01T08:00:00Z")).map((c) => c.id)).toEqual(["day"]);
  });

  it("says when each level is reached and which is next", () => {
    const start = t("2026-01-01T10:00:00Z");
    const ladder = escalationLadder(contacts, start);
    expect(ladder.map((s) => [s.level, s.afterMinutes])).toEqual([[1, 0], [2, 5], [3, 15]]);
    expect(nextEscalation(ladder, t("2026-01-01T10:06:00Z"))?.level).toBe(3);
    expect(nextEscalation(ladder, t("2026-01-01T10:20:00Z"))).toBeNull();
  });
});
