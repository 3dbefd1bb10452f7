import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { callTarget, checkReachable, EXCERPT_BYTES } from "./call-target";
import { MASK } from "./request";

// Real HTTP servers on 127.0.0.1: one that fails then recovers, one that hangs, one that echoes, and a port with
// nothing listening.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const post = (url: string, headers: Record<string, string> = {}) => ({ method: "POST", url, headers: { "Content-Type": "application/json", ...headers }, body: "{}" });

describe("callTarget", () => {
  it("does not retry a 5xx or a dropped connection the target may have acted on, unless it is declared idempotent", async () => {
    let calls = 0;
    const dropping = await serve((req) => {
      calls++;
      // Reads the whole request, then drops the connection without answering.
      req.resume();
      req.on("end", () => req.socket.destroy());
    });
    expect(await callTarget(post(dropping), { timeoutMs: 2000, secrets: [], backoffMs: 1 })).toMatchObject({ ok: false, attempts: 1 });
    expect(calls).toBe(1);
    let failing = 0;
    const fiveHundred = await serve((_req, res) => void (failing++, res.writeHead(502).end("bad gateway")));
    expect(await callTarget(post(fiveHundred), { timeoutMs: 2000, secrets: [], backoffMs: 1 })).toMatchObject({ ok: false, status: 502, attempts: 1 });
    expect(failing).toBe(1);
    calls = 0;
    expect(await callTarget(post(dropping), { timeoutMs: 2000, secrets: [], backoffMs: 1, targetIdempotent: true })).toMatchObject({ ok: false, attempts: 3 });
    expect(calls).toBe(3);
  });

  it("retries a 5xx of an idempotent target with the same idempotency key and succeeds", async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers["idempotency-key"] as string | undefined);
      res.writeHead(seen.length === 1 ? 503 : 200, { "content-type": "application/json" }).end(JSON.stringify({ attempt: seen.length }));
    });
    const outcome = await callTarget(post(url, { "Idempotency-Key": "k-1" }), { timeoutMs: 2000, secrets: [], backoffMs: 1, targetIdempotent: true });
    expect(outcome).toMatchObject({ ok: true, status: 200, attempts: 2, error: null, excerpt: '{"attempt":2}' });
    expect(seen).toEqual(["k-1", "k-1"]);
  });

  it("stops after three attempts of 5xx of an idempotent target and says what the target answered", async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      res.writeHead(500).end("boom");
    });
    const outcome = await callTarget(post(url), { timeoutMs: 2000, secrets: [], backoffMs: 1, targetIdempotent: true });
    expect(outcome).toMatchObject({ ok: false, status: 500, attempts: 3, error: "The target answered HTTP 500 after 3 attempts", excerpt: "boom" });
    expect(calls).toBe(3);
  });

  it("does not retry a 4xx", async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      res.writeHead(401).end("{}");
    });
    const outcome = await callTarget(post(url), { timeoutMs: 2000, secrets: [], backoffMs: 1 });
    expect(outcome).toMatchObject({ ok: false, status: 401, attempts: 1 });
    expect(outcome.error).toContain("credentials");
    expect(calls).toBe(1);
  });

  it("gives a clear error for a port with nothing listening, after three attempts, without the address", async () => {
    const port = await closedPort();
    const outcome = await callTarget(post(`http://127.0.0.1:${port}/api/admin/rollback`), { timeoutMs: 2000, secrets: [], backoffMs: 1 });
    expect(outcome).toMatchObject({ ok: false, status: null, attempts: 3, error: "Could not reach the target (connection refused) after 3 attempts" });
    expect(outcome.error).not.toContain(String(port));
  });

  it("times out a target that hangs, once (not retried)", async () => {
    let calls = 0;
    const url = await serve(() => {
      calls++; // never answers
    });
    const outcome = await callTarget(post(url), { timeoutMs: 150, secrets: [], backoffMs: 1 });
    expect(outcome).toMatchObject({ ok: false, status: null, attempts: 1 });
    expect(outcome.error).toContain("did not answer within 150 ms");
    expect(calls).toBe(1);
  });

  it("bounds the excerpt and scrubs secret values the target echoes, even across the limit", async () => {
    const secret = "Bearer echo-me-0123456789";
    const url = await serve((req, res) => {
      const auth = String(req.headers.authorization);
      // The secret first in full, then straddling the excerpt limit.
      const prefix = `auth=${auth};`;
      const filler = "x".repeat(EXCERPT_BYTES - prefix.length - 5);
      res.writeHead(200).end(prefix + filler + auth + "y".repeat(5000));
    });
    const outcome = await callTarget(post(url, { Authorization: secret }), { timeoutMs: 2000, secrets: [secret, "echo-me-0123456789"] });
    expect(outcome.ok).toBe(true);
    expect(outcome.excerpt).toContain(`auth=${MASK};`);
    expect(outcome.excerpt).not.toContain("echo-me");
    expect(outcome.excerpt).not.toContain("Bear");
    expect(Buffer.byteLength(outcome.excerpt!)).toBeLessThanOrEqual(EXCERPT_BYTES + 3);
  });

  it("drops a secret cut off by the read limit even when masking earlier copies shortened the text", async () => {
    const secret = `Bearer ${"s".repeat(193)}`; // 200 bytes: masking it shortens the text by 188
    const url = await serve((req, res) => {
      const auth = String(req.headers.authorization);
      const prefix = `auth=${auth};`;
      // The second copy starts at byte 2100 and runs past the read limit (EXCERPT_BYTES + 200).
      res.writeHead(200).end(prefix + "x".repeat(2100 - Buffer.byteLength(prefix)) + auth + "z".repeat(100));
    });
    const outcome = await callTarget(post(url, { Authorization: secret }), { timeoutMs: 2000, secrets: [secret, "s".repeat(193)] });
    expect(outcome.excerpt).not.toContain("ss");
    expect(outcome.excerpt).not.toContain("Bearer");
  });

  it("does not follow redirects (they could carry credentials elsewhere)", async () => {
    let followed = false;
    const other = await serve((_req, res) => {
      followed = true;
      res.writeHead(200).end();
    });
    const url = await serve((_req, res) => res.writeHead(307, { location: other }).end());
    const outcome = await callTarget(post(url, { Authorization: "Bearer x" }), { timeoutMs: 2000, secrets: [] });
    expect(outcome).toMatchObject({ ok: false, status: 307 });
    expect(followed).toBe(false);
  });
});

describe("checkReachable", () => {
  it("connects without sending a request, and says so when nothing listens", async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      res.end();
    });
    expect(await checkReachable(`${url}/api/admin/rollback`, 2000)).toMatchObject({ reachable: true, error: null });
    expect(requests).toBe(0);
    const port = await closedPort();
    expect(await checkReachable(`http://127.0.0.1:${port}/`, 2000)).toEqual({ reachable: false, latencyMs: null, error: "connection refused" });
  });
});
