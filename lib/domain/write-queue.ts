import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { getDb, type DbTx } from "@/lib/db/client";
import { publishEvents } from "@/lib/realtime/publisher";
import type { EventEnvelope } from "@/lib/schemas/events";
import { notFound } from "./errors";

// Group commit per rollout. Writes to one rollout are serialised by its row lock, so each would otherwise
// wait for the previous one's commit (an fsync, several ms on real disks): at 100 ticks/s on one rollout
// the queue grew without bound. Here, changes that arrive while a transaction is in flight wait in an
// in-process queue and then run together in the next transaction, each inside its own savepoint, in
// arrival order. Events are published after the commit, in seq order. Across processes the row lock still
// serialises the batches.

export type QueuedChange<T> = {
  run: (tx: DbTx) => Promise<{ result: T; events: EventEnvelope[] }>;
  /** The same change as one statement that is its own transaction: used when the change is alone in its batch. */
  standalone?: () => Promise<{ result: T; events: EventEnvelope[] }>;
  /**
   * `run` is one statement, and when it fails with a DomainError (not found, stale version) that statement
   * succeeded and wrote nothing: such changes need no savepoint of their own in a batch (see runBatch).
   */
  needsNoSavepoint?: boolean;
};
type Job = QueuedChange<unknown> & { resolve: (value: { result: unknown; events: EventEnvelope[] }) => void; reject: (error: unknown) => void };
type Queue = { running: boolean; jobs: Job[] };
// The queues and the guard against a change waiting on itself live together on globalThis: route handlers
// (Next's module graph) and server.ts's workers (its own graph) load this module twice, and a guard of one
// copy would not see a change queued by the other, which would then deadlock instead of throwing.
type WriteQueues = { queues: Map<string, Queue>; inChange: AsyncLocalStorage<string> };
type QueueGlobal = typeof globalThis & { __warroomWriteQueues?: WriteQueues };

const MAX_BATCH = 50;

function writeQueues(): WriteQueues {
  const g = globalThis as QueueGlobal;
  g.__warroomWriteQueues ??= { queues: new Map(), inChange: new AsyncLocalStorage<string>() };
  return g.__warroomWriteQueues;
}

const queues = () => writeQueues().queues;

export function enqueueChange<T>(rolloutId: string, change: QueuedChange<T>): Promise<{ result: T; events: EventEnvelope[] }> {
  if (writeQueues().inChange.getStore() === rolloutId) {
    return Promise.reject(new Error("changeRollout called from inside a change of the same rollout (it would wait for itself)"));
  }
  return new Promise((resolve, reject) => {
    const all = queues();
    let queue = all.get(rolloutId);
    if (!queue) {
      queue = { running: false, jobs: [] };
      all.set(rolloutId, queue);
    }
    queue.jobs.push({ ...(change as QueuedChange<unknown>), resolve: resolve as Job["resolve"], reject });
    if (!queue.running) void drain(rolloutId, queue);
  });
}

async function drain(rolloutId: string, queue: Queue) {
  queue.running = true;
  try {
    while (queue.jobs.length) await runBatch(rolloutId, queue.jobs.splice(0, MAX_BATCH));
  } finally {
    queue.running = false;
    if (queue.jobs.length) void drain(rolloutId, queue);
    else queues().delete(rolloutId);
  }
}

type Outcome = { ok: true; value: { result: unknown; events: EventEnvelope[] } } | { ok: false; error: unknown };

/** A batch tried without savepoints met a failure that may have aborted the transaction: it is rolled back and run with them. */
class NeedsSavepoints extends Error {}

/** By shape, not class: Next's module graph and server.ts's each have their own DomainError class. */
const isDomainError = (error: unknown) => error instanceof Error && error.name === "DomainError" && typeof (error as { status?: unknown }).status === "number";

async function runBatch(rolloutId: string, batch: Job[]) {
  const alone = batch.length === 1;
  const standalone = alone ? batch[0]!.standalone : undefined;
  if (standalone) {
    // One statement, one round trip: it locks the rollout itself and commits on its own.
    const job = batch[0]!;
    try {
      const value = await writeQueues().inChange.run(rolloutId, standalone);
      publishEvents(value.events);
      job.resolve(value);
    } catch (error) {
      job.reject(error);
    }
    return;
  }
  // A batch of one-statement changes (ticks under load) runs them back to back in one transaction, without a
  // SAVEPOINT and RELEASE around each: a third of the round trips. Their domain failures (404, 409) leave the
  // transaction usable; any other failure rolls the whole attempt back and the batch runs again, with savepoints.
  if (!alone && batch.every((job) => job.needsNoSavepoint)) {
    const attempt = await runInTransaction(rolloutId, batch, false);
    if (!attempt.retry) return settle(batch, attempt);
  }
  settle(batch, await runInTransaction(rolloutId, batch, !alone));
}

/** `retry`: tried without savepoints, rolled back, nothing stored or settled. */
type BatchResult = { outcomes: Outcome[]; failed?: unknown; retry?: true };

async function runInTransaction(rolloutId: string, batch: Job[], savepoints: boolean): Promise<BatchResult> {
  const alone = batch.length === 1;
  const outcomes: Outcome[] = [];
  try {
    await getDb().$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Rollout" WHERE id = ${rolloutId} FOR UPDATE`;
        if (locked.length === 0) throw notFound("Rollout");
        for (const [index, job] of batch.entries()) {
          // Alone, the transaction itself is the savepoint: a failure rolls it back and rejects.
          if (savepoints) await tx.$executeRawUnsafe(`SAVEPOINT change_${index}`);
          try {
            const value = await writeQueues().inChange.run(rolloutId, () => job.run(tx));
            if (savepoints) await tx.$executeRawUnsafe(`RELEASE SAVEPOINT change_${index}`);
            outcomes.push({ ok: true, value });
          } catch (error) {
            if (alone) throw error;
            if (!savepoints) {
              if (!isDomainError(error)) throw new NeedsSavepoints();
              outcomes.push({ ok: false, error });
              continue;
            }
            await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT change_${index}`);
            outcomes.push({ ok: false, error });
          }
        }
      },
      // One transaction per rollout at a time: waiting longer for a pooled connection (a busy machine, a burst of
      // lookups) is better than failing every change of the batch.
      { timeout: 30_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (error instanceof NeedsSavepoints) return { outcomes: [], retry: true };
    // The transaction failed as a whole (lock, commit, connection): nothing in it was stored.
    return { outcomes, failed: error };
  }
  return { outcomes };
}

function settle(batch: Job[], { outcomes, failed }: BatchResult) {
  if (failed !== undefined) {
    batch.forEach((job, index) => {
      const outcome = outcomes[index];
      job.reject(outcome && !outcome.ok ? outcome.error : failed);
    });
    return;
  }
  batch.forEach((job, index) => {
    const outcome = outcomes[index]!;
    if (!outcome.ok) return job.reject(outcome.error);
    publishEvents(outcome.value.events);
    job.resolve(outcome.value);
  });
}
