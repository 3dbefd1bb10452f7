import { io as connect, type Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { updateItem } from "@/lib/domain/checklists";
import { getRolloutState, type RolloutState } from "@/lib/domain/rollouts";
import type { ItemView } from "@/lib/domain/selects";
import { applyRolloutEvent } from "./apply-event";
import type { ClientToServerEvents, ServerToClientEvents } from "./contract";
import { syncRollout } from "./rollout-sync";
import { withRealtimeTestServer } from "@/test/realtime-server";

// Fault test: 50 clients × 100 ticks while clients' connections are dropped at random and reconnect.
// Afterwards every client's copy equals the database and no acknowledged tick is lost. Bounded: the chaos
// stops with the ticks, and convergence is awaited with a deadline.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const CLIENTS = 50;
const TICKS = 100;

const server = withRealtimeTestServer();

const comparable = (items: ItemView[]) =>
  Object.fromEntries(items.map((i) => [i.id, { state: i.state, version: i.version, note: i.note, checkedBy: i.checkedBy?.id ?? null }]));

describe("realtime under random disconnects", () => {
  it("converges every client to the database with no acknowledged tick lost", async () => {
    const engineer = await makeUser("ENGINEER");
    const viewer = await makeUser("VIEWER");
    const rollout = await makeRollout();
    const initial = await getRolloutState(rollout.id);

    const copies: { state: RolloutState; socket: Client }[] = [];
    for (let n = 0; n < CLIENTS; n++) {
      const socket: Client = connect(server.url, {
        auth: { token: viewer.apiToken },
        transports: ["websocket"],
        reconnectionDelay: 20,
        reconnectionDelayMax: 200,
      });
      const copy = { state: structuredClone(initial), socket };
      syncRollout<RolloutState>({
        socket,
        rolloutId: rollout.id,
        getState: () => copy.state,
        setState: (state) => (copy.state = state),
        apply: applyRolloutEvent,
        refetch: () => void getRolloutState(rollout.id).then((state) => (copy.state = state)),
      });
      copies.push(copy);
    }

    // Chaos: drop a random client's transport every few milliseconds while the ticks run.
    let chaos = true;
    let drops = 0;
    const chaosLoop = (async () => {
      while (chaos) {
        const victim = copies[Math.floor(Math.random() * copies.length)]!;
        if (victim.socket.connected) {
          victim.socket.io.engine.close();
          drops++;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const acknowledged: ItemView[] = [];
    const states = ["DONE", "OPEN", "SKIPPED", "BLOCKED"] as const;
    for (let n = 0; n < TICKS; n++) {
      const item = initial.items[n % initial.items.length]!;
      const change = n % 3 === 0 ? { note: `tick ${n}` } : { state: states[n % states.length]! };
      acknowledged.push(await updateItem(engineer.principal, item.id, change));
    }
    chaos = false;
    await chaosLoop;
    expect(drops).toBeGreaterThan(20);

    const truth = await getRolloutState(rollout.id);
    const deadline = Date.now() + 30_000;
    while (copies.some((c) => c.state.lastSeq !== truth.lastSeq || !c.socket.connected) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const copy of copies) {
      expect(copy.state.lastSeq).toBe(truth.lastSeq);
      expect(comparable(copy.state.items)).toEqual(comparable(truth.items));
    }
    // Every acknowledged tick is in the database: the last acknowledged version of each item is its version now.
    const lastAck = new Map(acknowledged.map((item) => [item.id, item]));
    for (const [id, item] of lastAck) expect(truth.items.find((i) => i.id === id)).toMatchObject({ version: item.version, state: item.state, note: item.note });
    for (const copy of copies) copy.socket.disconnect();
  }, 120_000);
});
