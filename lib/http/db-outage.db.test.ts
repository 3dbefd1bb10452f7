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
import { guardedHandler } from "@/lib/http/request-guards";
import { makeRollout, makeUser } from "@/test/factories";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

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

// The custom server's front (server.ts mounts Next behind guardedHandler); here "Next" answers 200 "next".
let front: Server;
let frontUrl: string;
beforeAll(async () => {
  front = createServer(guardedHandler((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("next")));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => front.close(() => resolve())));

describe("database outage", () => {
  it("answers a page with a 503 page while Postgres is down, and hands it to Next again after", async () => {
    expect(await (await fetch(`${frontUrl}/rollouts/some-id`)).text()).toBe("next");
    await pg.stop();
    const page = await fetch(`${frontUrl}/rollouts/some-id`);
    expect(page.status).toBe(503);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("retry-after")).toBeTruthy();
    expect(await page.text()).toContain("War Room is unavailable");
    // Assets and the API are not pages: Next answers them (the API with its own JSON 503).
    expect(await (await fetch(`${frontUrl}/_next/static/chunk.js`)).text()).toBe("next");
    expect(await (await fetch(`${frontUrl}/api/v1/rollouts`)).text()).toBe("next");
    await start();
    let status = 0;
    for (let attempt = 0; attempt < 10 && status !== 200; attempt++) status = (await fetch(`${frontUrl}/rollouts/some-id`)).status;
    expect(status).toBe(200);
  });

  it("answers broken percent-encoding in a path with a 400 (JSON for the API), even anonymously", async () => {
    for (const path of ["/api/v1/rollouts/%E0%A4%A", "/api/v1/items/%ZZ", "/api/v1/rollouts/%C0%80"]) {
      const response = await fetch(`${frontUrl}${path}`, { method: "PATCH" });
      expect(response.status, path).toBe(400);
      expect((await response.json()) as unknown, path).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("percent-encoding") } });
    }
    const page = await fetch(`${frontUrl}/rollouts/%E0%A4%A`);
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await (await fetch(`${frontUrl}/rollouts/ok%20id`)).text()).toBe("next");
  });

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
