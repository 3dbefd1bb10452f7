import "server-only";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { CALL_ATTEMPTS, CALL_BACKOFF_MS } from "@/lib/actions/call-target";
import { moveRun } from "./action-runs";
import { changeRollout } from "./events";

// Runs a crash left behind. A run is RUNNING only while a process calls its target; a process that died
// mid-call leaves it RUNNING for ever, and its idempotency key would return it for ever (so an automatic
// rollback could never run again). Called by the background workers (under the workers lock):
//   - a RUNNING run past its last possible moment (attempts × timeout, the backoffs, and a margin for
//     recording) becomes INTERRUPTED, with an `action.run.interrupted` event; its key may then run again;
//   - a PENDING_APPROVAL run past its approval window becomes EXPIRED, with `action.run.expired`.

/** Time for the outcome's own recording (three database attempts) after the last call could have ended. */
const RECORDING_MARGIN_MS = 30_000;

/** The latest a live process could still be working on a run of an action with this timeout. */
export function runDeadlineMs(timeoutMs: number): number {
  const backoffs = Array.from({ length: CALL_ATTEMPTS - 1 }, (_, i) => CALL_BACKOFF_MS * (i + 1)).reduce((a, b) => a + b, 0);
  return CALL_ATTEMPTS * timeoutMs + backoffs + RECORDING_MARGIN_MS;
}

export async function reapActionRuns(now = new Date()): Promise<{ interrupted: number; expired: number }> {
  const db = getDb();
  const running = await db.actionRun.findMany({
    where: { status: "RUNNING", startedAt: { lt: new Date(now.getTime() - runDeadlineMs(100)) } },
    select: { id: true, rolloutId: true, startedAt: true, action: { select: { timeoutMs: true } } },
    take: 500,
  });
  let interrupted = 0;
  for (const run of running) {
    if (!run.startedAt || run.startedAt.getTime() + runDeadlineMs(run.action.timeoutMs) > now.getTime()) continue;
    const { result } = await changeRollout(run.rolloutId, SYSTEM_ACTOR, (tx, record) =>
      // Left alone when it finished in the meantime.
      moveRun(tx, record, run.id, "RUNNING", {
        data: {
          status: "INTERRUPTED",
          finishedAt: now,
          error: "Interrupted: the server stopped while this run was calling the target, so its outcome is unknown. Check the target before running it again.",
        },
        event: "action.run.interrupted",
      }),
    );
    if (result) interrupted++;
  }

  const pending = await db.actionRun.findMany({ where: { status: "PENDING_APPROVAL", expiresAt: { lte: now } }, select: { id: true, rolloutId: true }, take: 500 });
  let expired = 0;
  for (const run of pending) {
    const { result } = await changeRollout(run.rolloutId, SYSTEM_ACTOR, (tx, record) =>
      moveRun(tx, record, run.id, "PENDING_APPROVAL", { data: { status: "EXPIRED", finishedAt: now }, event: "action.run.expired" }),
    );
    if (result) expired++;
  }
  return { interrupted, expired };
}
