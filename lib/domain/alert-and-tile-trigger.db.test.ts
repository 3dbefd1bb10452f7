import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { getRolloutState } from "@/lib/domain/rollouts";
import type { AlertmanagerPayload } from "@/lib/schemas/notifications";
import { applyAlerts, bindTriggerToAlert } from "./alerts";
import { evaluatePhaseGates } from "./evaluation";

// A rollback trigger bound both to a metric tile and to an alert has two sources that can say it fires. It stays
// FIRING while any of them does and resolves only when all of them have: the tile's readings (clear for the
// pending period) must not resolve it while the alert still fires, and the alert resolving must not resolve it
// while the tile still breaches. Real Postgres; the tile's readings are written as the poller writes them.

const SECOND = 1000;
const PENDING_SECONDS = 30;
// Sample times in the past so that every timestamp here is before the wall clock.
const T0 = Date.now() - 60 * 60 * SECOND;

afterEach(async () => {
  await getDb().phase.updateMany({ where: { status: "ACTIVE" }, data: { status: "PASSED" } });
});

async function triggerBoundToTileAndAlert() {
  const admin = await makeUser("ADMIN");
  const rollout = await makeRollout();
  const phase = (await getRolloutState(rollout.id)).phases[0]!;
  await getDb().phase.update({ where: { id: phase.id }, data: { status: "ACTIVE", startedAt: new Date(T0) } });
  const criterionId = phase.criteria[0]!.id;
  await getDb().criterion.update({ where: { id: criterionId }, data: { pendingSeconds: PENDING_SECONDS } });
  await getDb().metricTile.create({
    data: { rolloutId: rollout.id, key: "error_rate", label: "Error rate", unit: "%", sourceKind: "PUSH", pollIntervalSeconds: 15, position: 0 },
  });
  await bindTriggerToAlert(admin.principal, criterionId, { alertName: "HighErrorRate", labels: { service: "checkout" } });
  const state = async () => (await getDb().criterion.findUniqueOrThrow({ where: { id: criterionId } })).state;
  /** The tile reads `value` at T0 + `atSeconds`, and the evaluator runs then. */
  const readTile = async (atSeconds: number, value: number) => {
    const at = new Date(T0 + atSeconds * SECOND);
    await getDb().metricTile.update({ where: { rolloutId_key: { rolloutId: rollout.id, key: "error_rate" } }, data: { lastValue: value, lastSampleAt: at } });
    await evaluatePhaseGates(phase.id, { now: at, rollbackRunner: null });
  };
  const fingerprint: string = randomUUID();
  const alert = (status: "firing" | "resolved", atSeconds: number, print: string = fingerprint): AlertmanagerPayload["alerts"][number] => ({
    status,
    labels: { alertname: "HighErrorRate", service: "checkout" },
    annotations: { summary: "Error rate above 1%" },
    startsAt: new Date(T0).toISOString(),
    endsAt: status === "resolved" ? new Date(T0 + atSeconds * SECOND).toISOString() : "0001-01-01T00:00:00Z",
    fingerprint: print,
    generatorURL: "http://prometheus/graph",
  });
  /** Alertmanager posts these alerts at T0 + `atSeconds`. */
  const postAlerts = (atSeconds: number, ...alerts: AlertmanagerPayload["alerts"]) =>
    applyAlerts(rollout.id, { version: "4", status: alerts[0]!.status, receiver: "warroom", groupKey: "{}", alerts } as AlertmanagerPayload, "alertmanager", new Date(T0 + atSeconds * SECOND));
  const transitions = async () =>
    (await getDb().rolloutEvent.findMany({ where: { rolloutId: rollout.id, type: "criterion.state_changed" }, orderBy: { seq: "asc" } })).map((e) => (e.data as { to: string }).to);
  return { state, readTile, alert, postAlerts, transitions };
}

describe("a rollback trigger bound to a tile and to an alert", () => {
  it("is not resolved by the tile's clear readings while the alert still fires; resolves when the alert does", async () => {
    const t = await triggerBoundToTileAndAlert();
    await t.postAlerts(10, t.alert("firing", 10));
    expect(await t.state()).toBe("FIRING");

    // The tile is clear for longer than the pending period: on its own that would resolve the trigger.
    await t.readTile(20, 0.2);
    await t.readTile(20 + PENDING_SECONDS + 5, 0.2);
    await t.readTile(20 + 2 * PENDING_SECONDS, 0.3);
    expect(await t.state()).toBe("FIRING");

    // The alert resolves; the tile has been clear for its pending period: both sources are clear.
    await t.postAlerts(20 + 2 * PENDING_SECONDS + 5, t.alert("resolved", 20 + 2 * PENDING_SECONDS + 5));
    expect(await t.state()).toBe("RESOLVED");
    expect(await t.transitions()).toEqual(["FIRING", "RESOLVED"]);
  });

  it("is not resolved by the alert resolving while the tile still breaches; resolves once the tile has been clear for its pending period", async () => {
    const t = await triggerBoundToTileAndAlert();
    await t.postAlerts(10, t.alert("firing", 10));
    await t.readTile(20, 4.5);
    await t.postAlerts(25, t.alert("resolved", 25));
    expect(await t.state()).toBe("FIRING");
    await t.readTile(30, 4.2);
    expect(await t.state()).toBe("FIRING");

    await t.readTile(40, 0.2);
    expect(await t.state()).toBe("FIRING");
    await t.readTile(40 + PENDING_SECONDS, 0.2);
    expect(await t.state()).toBe("RESOLVED");
    expect(await t.transitions()).toEqual(["FIRING", "RESOLVED"]);
  });

  it("stays FIRING while any of several matching alerts fires", async () => {
    const t = await triggerBoundToTileAndAlert();
    await t.postAlerts(10, t.alert("firing", 10, "instance-a"), t.alert("firing", 10, "instance-b"));
    await t.readTile(20, 0.2);
    await t.readTile(20 + PENDING_SECONDS, 0.2);
    await t.postAlerts(60, t.alert("resolved", 60, "instance-a"));
    expect(await t.state()).toBe("FIRING");
    await t.readTile(70, 0.2);
    expect(await t.state()).toBe("FIRING");
    await t.postAlerts(80, t.alert("resolved", 80, "instance-b"));
    expect(await t.state()).toBe("RESOLVED");
  });

  it("an alert-only trigger (no fresh tile reading) still resolves with its alert", async () => {
    const t = await triggerBoundToTileAndAlert();
    await t.postAlerts(10, t.alert("firing", 10));
    await t.postAlerts(20, t.alert("resolved", 20));
    expect(await t.state()).toBe("RESOLVED");
  });
});
