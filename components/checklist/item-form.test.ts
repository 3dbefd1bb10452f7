import { describe, expect, it } from "vitest";
import { formatTOffset } from "@/components/rollouts/format";
import { parseDueInput } from "./item-form";

describe("parseDueInput", () => {
  it("reads what formatTOffset writes back to the same minutes", () => {
    for (const minutes of [-1440, -90, -15, 0, 15, 90, 2880, 4410]) expect(parseDueInput(formatTOffset(minutes))).toBe(minutes);
  });
  it("reads bare minutes, runbook words and empty; refuses what it cannot read", () => {
    expect(parseDueInput("-30")).toBe(-30);
    expect(parseDueInput("+15m")).toBe(15);
    expect(parseDueInput("T-24 hours")).toBe(-1440);
    expect(parseDueInput("  ")).toBeNull();
    expect(parseDueInput("soon")).toBeUndefined();
  });
});
