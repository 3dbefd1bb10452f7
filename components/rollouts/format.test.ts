import { describe, expect, it } from "vitest";
import { formatTOffset, isOverdue } from "./format";

describe("formatTOffset", () => {
  it.each([
    [-2880, "T-2d"],
    [-1440, "T-24h"],
    [-720, "T-12h"],
    [-30, "T-30m"],
    [0, "T-0"],
    [15, "T+15m"],
    [90, "T+1h30m"],
  ])("%i minutes → %s", (minutes, label) => expect(formatTOffset(minutes)).toBe(label));
});

describe("isOverdue", () => {
  const t0 = "2026-01-01T12:00:00.000Z";
  const at = (iso: string) => new Date(iso).getTime();
  it("is overdue only when open and past T0 + offset", () => {
    expect(isOverdue({ state: "OPEN", dueOffsetMinutes: -60 }, t0, at("2026-01-01T11:30:00Z"))).toBe(true);
    expect(isOverdue({ state: "OPEN", dueOffsetMinutes: -60 }, t0, at("2026-01-01T10:30:00Z"))).toBe(false);
    expect(isOverdue({ state: "DONE", dueOffsetMinutes: -60 }, t0, at("2026-01-01T11:30:00Z"))).toBe(false);
    expect(isOverdue({ state: "OPEN", dueOffsetMinutes: null }, t0, at("2026-01-02T00:00:00Z"))).toBe(false);
    expect(isOverdue({ state: "OPEN", dueOffsetMinutes: 10 }, null, at("2026-01-02T00:00:00Z"))).toBe(false);
  });
});

describe("clocks", () => {
  it("formats now relative to T0 and the elapsed time", async () => {
    const { formatElapsed, formatTNow } = await import("./format");
    const t0 = "2026-01-01T12:00:00.000Z";
    expect(formatTNow(t0, new Date("2026-01-01T11:18:00Z").getTime())).toBe("T-42m");
    expect(formatTNow(t0, new Date("2026-01-01T13:05:30Z").getTime())).toBe("T+1h5m");
    expect(formatTNow(null, 0)).toBeNull();
    expect(formatElapsed(t0, new Date("2026-01-01T12:00:42Z").getTime())).toBe("0:42");
    expect(formatElapsed(t0, new Date("2026-01-01T13:05:09Z").getTime())).toBe("1:05:09");
  });
});
