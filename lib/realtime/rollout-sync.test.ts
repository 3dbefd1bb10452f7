import { EventEmitter } from "node:events";
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import type { EventEnvelope, JoinAck } from "@/lib/schemas/events";
import type { ClientToServerEvents, ServerToClientEvents } from "./contract";
import { syncRollout } from "./rollout-sync";

// rollout-sync with a batch of events in one message (`events`, lib/realtime/coalesce.ts) keeps the checks a lone
// `event` gets: applied in seq order, duplicates skipped, and a gap inside the batch sends the client to catch up
// (a join with its last seq) instead of applying past it.

const envelope = (seq: number): EventEnvelope => ({ rolloutId: "r1", seq, type: "item.updated", at: new Date(0).toISOString(), actor: { id: null, name: "t" }, data: {} });

function fakeSocket(backlog: (afterSeq: number) => EventEnvelope[]) {
  const emitter = new EventEmitter();
  const joins: number[] = [];
  const socket = Object.assign(emitter, {
    connected: true,
    active: true,
    timeout: () => ({
      emit: (_event: "join", request: { afterSeq: number }, ack: (error: Error | null, response: JoinAck) => void) => {
        joins.push(request.afterSeq);
        const events = backlog(request.afterSeq);
        queueMicrotask(() => ack(null, { ok: true, lastSeq: events.at(-1)?.seq ?? request.afterSeq, events, truncated: false }));
      },
    }),
  });
  return { socket: socket as unknown as Socket<ServerToClientEvents, ClientToServerEvents>, emitter, joins };
}

function start(backlog: (afterSeq: number) => EventEnvelope[] = () => []) {
  const { socket, emitter, joins } = fakeSocket(backlog);
  let state = { lastSeq: 10 };
  const applied: number[] = [];
  syncRollout({ socket, rolloutId: "r1", getState: () => state, setState: (s) => (state = s), apply: (_s, e) => (applied.push(e.seq), { lastSeq: e.seq }), refetch: () => {} });
  return { emitter, joins, applied, lastSeq: () => state.lastSeq };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("syncRollout with batched events", () => {
  it("applies a batch in seq order and skips what it has", async () => {
    const { emitter, applied, joins } = start();
    await settle();
    emitter.emit("events", [envelope(11), envelope(12), envelope(13)]);
    emitter.emit("events", [envelope(13), envelope(14)]);
    emitter.emit("event", envelope(15));
    expect(applied).toEqual([11, 12, 13, 14, 15]);
    expect(joins).toEqual([10]); // only the first join
  });

  it("catches up on a gap inside a batch, and applies what the join returns", async () => {
    const { emitter, applied, joins, lastSeq } = start((after) => (after === 11 ? [envelope(12), envelope(13), envelope(14)] : []));
    await settle();
    emitter.emit("events", [envelope(11), envelope(13), envelope(14)]);
    await settle();
    expect(joins).toEqual([10, 11]);
    expect(applied).toEqual([11, 12, 13, 14]);
    expect(lastSeq()).toBe(14);
  });
});
