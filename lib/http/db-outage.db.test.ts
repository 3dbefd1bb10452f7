import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { PATCH as patchItem } from "@/app/api/v1/items/[id]/route";
import { disconnectDb } from "@/lib/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrator";
import { getRolloutState } from "@/lib/domain/rollouts";
import { makeRollout, makeUser } from "@/test/factories";

// Postgres restarted mid-session: requests during the outage get 503 with a clear message (never a 500,
// never a hang), the app recovers without a restart, and nothing acknowledged before is lost. Uses a
// Postgres of its own (embedded), since it stops it.

let dataDir: string;
let pg: EmbeddedDatabase;
let port: number;

const start = async () => {
  pg = await startEmbeddedPostgres({ dataDir, port });
  port = pg.port;
  return pg;
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-outage-"));
  await start();
  await disconnectDb();
  process.env.DATABASE_URL = pg.url;
  await migrateDatabase(pg.url);
}, 60_000);

afterAll(async () => {
  await disconnectDb();
  await pg.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const patch = (itemId: string, token: string, body: unknown) =>
  patchItem(
    new Request(`http://localhost/api/v1/items/${itemId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: itemId }) },
  );

describe("database outage", () => {
  it("answers 503 while Postgres is down and recovers by itself when it is back", async () => {
    const engineer = await makeUser("ENGINEER");
    const rollout = await makeRollout();
    const [first, second] = (await getRolloutState(rollout.id)).items;
    expect((await patch(first!.id, engineer.apiToken, { state: "DONE" })).status).toBe(200);

    await pg.stop();
    const during = await patch(second!.id, engineer.apiToken, { state: "DONE" });
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({ error: { code: "unavailable", message: expect.stringContaining("database is unavailable") } });
    expect(during.headers.get("retry-after")).toBe("2");
    expect((await health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) })).status).toBe(503);

    await start();
    // The pool notices its dead connections on first use; within a few attempts requests succeed again.
    let after = 0;
    for (let attempt = 0; attempt < 10 && after !== 200; attempt++) {
      after = (await patch(second!.id, engineer.apiToken, { state: "DONE" })).status;
      if (after !== 200) expect(after).toBe(503);
    }
    expect(after).toBe(200);
    expect((await health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) })).status).toBe(200);

    const state = await getRolloutState(rollout.id);
    expect(state.items.find((i) => i.id === first!.id)?.state).toBe("DONE");
    expect(state.items.find((i) => i.id === second!.id)?.state).toBe("DONE");
  }, 60_000);
});
