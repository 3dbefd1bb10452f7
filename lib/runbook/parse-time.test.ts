import { describe, expect, it } from "vitest";
import {
  clockOffset,
  isClockOnly,
  parseClock,
  parseDurationMinutes,
  parseObservationMinutes,
  parseRelativeOffset,
} from "./parse-time";

describe("parseRelativeOffset", () => {
  it.each<[string, number | undefined]>([
    ["PRE-DEPLOYMENT PHASE (T-24 Hours)", -1440],
    ["DEPLOYMENT PHASE (T-0)", 0],
    ["Pre-Deployment (T-30 min)", -30],
    ["Deployment Execution (T-0 to T+15 min)", 0],
    ["Post-Deployment (T+15 to T+60 min)", 15],
    ["VERIFICATION CHECKLIST (T+1 Hour)", 60],
    ["T-2h: freeze deploys", -120],
    ["T+15m check dashboards", 15],
    ["Phase 1: Preparation (T-30 minutes)", -30],
    ["Phase 4: Monitoring (T+60 to T+180 min)", 60],
    ["72 Hours Before Go-Live", -4320],
    ["Milestone: 48 Hours Post-Launch", 2880],
    ["Milestone: 1 Week Post-Launch", 10_080],
    ["2 days prior to launch", -2880],
    ["First 24 Hours", undefined],
    ["POST-DEPLOYMENT checks", undefined],
    ["Wait 30s for health checks", undefined],
  ])("%j → %s", (text, minutes) => {
    expect(parseRelativeOffset(text)).toBe(minutes);
  });
});

describe("clock times", () => {
  it.each<[string, number | undefined]>([
    ["12:30 PM", 750],
    ["11:30 AM UTC", 690],
    ["12:00 AM", 0],
    ["1:00 PM - 3:00 PM UTC", 780],
    ["09:00", 540],
    ["23:59", 1439],
    ["Canary: 5% of Traffic (12:40 PM)", 760],
    ["25:00", undefined],
    ["ratio 4:3", undefined],
    ["no time here", undefined],
  ])("parseClock(%j) → %s", (text, minutes) => {
    expect(parseClock(text)).toBe(minutes);
  });

  it.each<[string, boolean]>([
    ["11:30 AM UTC", true],
    ["12:30 PM UTC - 1:00 PM UTC", true],
    ["1:00 PM - 3:00 PM UTC", true],
    ["09:00", true],
    ["Target: 12:00 - 12:05 PM UTC", false],
    ["12:35 PM go/no-go", false],
  ])("isClockOnly(%j) → %s", (text, expected) => {
    expect(isClockOnly(text)).toBe(expected);
  });

  it("turns clock times into offsets from T0 only when T0 is known", () => {
    expect(clockOffset("12:30 PM", 720)).toBe(30);
    expect(clockOffset("11:30 AM", 720)).toBe(-30);
    expect(clockOffset("12:30 PM", undefined)).toBeUndefined();
  });
});

describe("durations", () => {
  it.each<[string, number | undefined]>([
    ["Phase 1: Shadow (0% traffic, 24h)", 1440],
    ["Phase 3: 50% Rollout (48h)", 2880],
    ["10% of traffic → green (5 min observation)", 5],
    ["Phase 1: Dark launch (0% traffic, 1 day)", 1440],
    ["Phase 4: 100% Full (Ongoing)", undefined],
    ["Canary: 5% of Traffic (12:30 PM)", undefined],
    ["Phase 3: Gradual Rollout (T+30 to T+60 min)", undefined],
    ["Story 9.8", undefined],
  ])("parseDurationMinutes(%j) → %s", (text, minutes) => {
    expect(parseDurationMinutes(text)).toBe(minutes);
  });

  it.each<[string, number | undefined]>([
    ["# Monitor metrics for 5 minutes", 5],
    ["echo \"Monitoring 25% canary traffic from 12:40-12:45 PM\"", 5],
    ["Observe for 2 hours before moving on", 120],
    ["curl -X POST http://example.test", undefined],
  ])("parseObservationMinutes(%j) → %s", (text, minutes) => {
    expect(parseObservationMinutes(text)).toBe(minutes);
  });
});
