import { io } from "socket.io-client";
import type { EventEnvelope, JoinAck } from "../../lib/schemas/events";
import { E2E_PORT } from "../fixtures/env";
import { startAppProcess, type AppProcess } from "../fixtures/processes";
import { expect, seedRollout, test } from "../fixtures/test";

// Scale-out: two app processes on different ports against one database. A tick through process A reaches a
// socket connected to process B (socket.io's Postgres adapter), and both serve the same data.

let a: AppProcess;
let b: AppProcess;

test.beforeAll(async () => {
  [a, b] = await Promise.all([startAppProcess(E2E_PORT + 11), startAppProcess(E2E_PORT + 12)]);
});
test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

test("a tick through process A reaches a client connected to process B", async ({ adminApi }) => {
  const rollout = await seedRollout(adminApi, "Scale-out");
  const tokenResponse = await adminApi.post("/api/v1/tokens", { data: { name: "scale-out test" } });
  expect(tokenResponse.status()).toBe(201);
  const { token } = (await tokenResponse.json()) as { token: string };

  const client = io(b.url, { auth: { token }, transports: ["websocket"], reconnection: false });
  try {
    const ack = await new Promise<JoinAck>((resolve) => client.emit("join", { rolloutId: rollout.id }, resolve));
    expect(ack.ok).toBe(true);
    const received = new Promise<EventEnvelope>((resolve) => client.on("event", resolve));

    const item = rollout.items[0]!;
    const response = await fetch(`${a.url}/api/v1/items/${item.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ state: "DONE" }),
    });
    expect(response.status).toBe(200);

    const envelope = await received;
    expect(envelope).toMatchObject({ rolloutId: rollout.id, type: "item.updated", data: { item: { id: item.id, state: "DONE" } } });
    expect(ack.ok && envelope.seq).toBe(ack.ok ? ack.lastSeq + 1 : -1);

    // Both processes read the same state.
    const fromB = (await (await fetch(`${b.url}/api/v1/rollouts/${rollout.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { id: string; state: string }[];
    };
    expect(fromB.items.find((i) => i.id === item.id)?.state).toBe("DONE");
  } finally {
    client.disconnect();
  }
});
