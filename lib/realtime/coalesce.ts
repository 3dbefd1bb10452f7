import type { EventEnvelope } from "@/lib/schemas/events";

// One socket.io message per room per event-loop turn. Under load, a group commit (lib/domain/write-queue.ts)
// publishes a whole batch of events at once, and each event used to be its own write to every socket in the room:
// at 100–300 ticks/s and 200 clients, those per-socket writes were most of the server's CPU. Here the events
// published for a room in one turn are held until setImmediate (after the turn's I/O callbacks, so a lone event
// waits microseconds) and then sent as one message: `event` when there is one, `events` (in seq order) when there
// are several. Rooms are flushed in the order they were first written to; each room's list keeps arrival order,
// which the seq orderer (seq-order.ts) has already made seq order.

export type RoomEmit = (room: string, envelopes: EventEnvelope[]) => void;

export function createRoomCoalescer(emit: RoomEmit, schedule: (flush: () => void) => void = (flush) => void setImmediate(flush)) {
  let pending = new Map<string, EventEnvelope[]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const rooms = pending;
    pending = new Map();
    for (const [room, envelopes] of rooms) emit(room, envelopes);
  };
  return {
    push(room: string, envelope: EventEnvelope) {
      const list = pending.get(room);
      if (list) list.push(envelope);
      else pending.set(room, [envelope]);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
  };
}
