import type { EventEnvelope } from "@/lib/schemas/events";

// Emits each rollout's events in seq order, whatever order they reach this process in. This process's own
// commits come in order (lib/domain/write-queue.ts publishes batches in seq order), but another process's
// arrive through Postgres NOTIFYs on several connections (large ones through an attachment row), so they can
// overtake each other and this process's own. An event past a gap waits until the missing seqs arrive, at most
// `holdMs`; then what is held is emitted anyway and the clients close the gap themselves by joining again.
// A seq at or below the last emitted one is a late duplicate of what the clients have already been told about
// (or have fetched while filling that gap): dropped.

type RolloutOrder = { next: number; held: Map<number, EventEnvelope>; timer?: ReturnType<typeof setTimeout>; touchedAt: number };

export type SeqOrderer = { accept: (envelope: EventEnvelope) => void; close: () => void };

const IDLE_FORGET_MS = 10 * 60_000;

export function createSeqOrderer(emit: (envelope: EventEnvelope) => void, opts: { holdMs?: number } = {}): SeqOrderer {
  const holdMs = opts.holdMs ?? 250;
  const rollouts = new Map<string, RolloutOrder>();

  const emitReady = (order: RolloutOrder) => {
    for (let envelope = order.held.get(order.next); envelope; envelope = order.held.get(order.next)) {
      order.held.delete(order.next);
      order.next += 1;
      emit(envelope);
    }
  };

  const flushHeld = (order: RolloutOrder) => {
    order.timer = undefined;
    for (const seq of [...order.held.keys()].sort((a, b) => a - b)) {
      const envelope = order.held.get(seq)!;
      order.held.delete(seq);
      order.next = seq + 1;
      emit(envelope);
    }
  };

  const forgetIdle = (now: number) => {
    for (const [rolloutId, order] of rollouts) {
      if (order.held.size === 0 && now - order.touchedAt > IDLE_FORGET_MS) rollouts.delete(rolloutId);
    }
  };

  return {
    accept(envelope) {
      const now = Date.now();
      let order = rollouts.get(envelope.rolloutId);
      if (!order) {
        if (rollouts.size >= 1000) forgetIdle(now);
        // The first event this process sees for a rollout starts its count.
        order = { next: envelope.seq, held: new Map(), touchedAt: now };
        rollouts.set(envelope.rolloutId, order);
      }
      order.touchedAt = now;
      if (envelope.seq < order.next) return;
      order.held.set(envelope.seq, envelope);
      emitReady(order);
      if (order.held.size === 0) {
        clearTimeout(order.timer);
        order.timer = undefined;
      } else if (!order.timer) {
        const waiting = order;
        order.timer = setTimeout(() => {
          flushHeld(waiting);
          emitReady(waiting);
        }, holdMs);
        order.timer.unref?.();
      }
    },
    close() {
      for (const order of rollouts.values()) clearTimeout(order.timer);
      rollouts.clear();
    },
  };
}
