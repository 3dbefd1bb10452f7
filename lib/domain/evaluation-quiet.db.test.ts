import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRollout, smallRunbook } from "@/test/factories";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { evaluatePhaseGates } from "./evaluation";
import { listEventsAfter } from "./events";
import { recordReadings } from "./metric-samples";
import { createTileAs } from "./tiles";

// An evaluation that changes no state only notes the readings: it must not take the rollout's lock, which every
// tick of that rollout queues on. Here the lock is held by another connection the whole time.

let locker: pg.Client;
beforeAll(async () => {
  locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await locker.connect();
});
afterAll(() => locker.end());

describe("a quiet evaluation", () => {
  it("notes each criterion's reading without the rollout's lock, and records no event", async () => {
    const rollout = await makeRollout(smallRunbook());
    const phase = await getDb().phase.findFirstOrThrow({ where: { rolloutId: rollout.id }, include: { criteria: true } });
    await getDb().phase.update({ where: { id: phase.id }, data: { status: "ACTIVE", startedAt: new Date() } });
    const tile = await createTileAs(SYSTEM_ACTOR, rollout.id, { key: "error_rate", label: "Errors", sourceKind: "PUSH", pollIntervalSeconds: 60 });
    const at = new Date();
    await recordReadings([{ tileId: tile.id, rolloutId: rollout.id, key: "error_rate", at, kind: "value", value: 0.25 }]);
    // The first evaluation sets the verdict: a change, recorded under the lock.
    const first = await evaluatePhaseGates(phase.id, { now: new Date(at.getTime() + 1000), rollbackRunner: null });
    expect(first?.events.map((e) => e.type)).toEqual(["phase.verdict"]);
    const { lastSeq } = await listEventsAfter(rollout.id, 0);

    await locker.query("BEGIN");
    await locker.query(`SELECT id FROM "Rollout" WHERE id = $1 FOR UPDATE`, [rollout.id]);
    try {
      await recordReadings([{ tileId: tile.id, rolloutId: rollout.id, key: "error_rate", at: new Date(at.getTime() + 2000), kind: "value", value: 0.5 }]);
      const evaluatedAt = new Date(at.getTime() + 3000);
      const second = await evaluatePhaseGates(phase.id, { now: evaluatedAt, rollbackRunner: null });
      expect(second).toEqual({ phaseId: phase.id, rolloutId: rollout.id, events: [], autoRollbacks: [] });
      const criterion = await getDb().criterion.findUniqueOrThrow({ where: { id: phase.criteria[0]!.id } });
      expect({ lastValue: criterion.lastValue, lastEvaluatedAt: criterion.lastEvaluatedAt, state: criterion.state }).toEqual({ lastValue: 0.5, lastEvaluatedAt: evaluatedAt, state: "NORMAL" });
    } finally {
      await locker.query("ROLLBACK");
    }
    expect((await listEventsAfter(rollout.id, 0)).lastSeq).toBe(lastSeq);
  });
});
