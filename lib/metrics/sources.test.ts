import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryPrometheusInstant, scrapeMetricsPage, SourceError } from "./sources";

// The source readers against a real local HTTP server that answers like Prometheus' API, like a /metrics page, or
// badly. What a tile then shows for each failure is the SourceError message.

type Reply = { status: number; body: string; type?: string; delayMs?: number };
let replies: Record<string, Reply> = {};
let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push(`${url.pathname}?${url.searchParams.toString()}`);
    const key = url.pathname === "/api/v1/query" ? (url.searchParams.get("query") ?? "") : url.pathname;
    const reply = replies[key] ?? { status: 404, body: "not found" };
    setTimeout(() => {
      res.writeHead(reply.status, { "content-type": reply.type ?? "application/json" });
      res.end(reply.body);
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const vector = (...values: string[]) =>
  JSON.stringify({ status: "success", data: { resultType: "vector", result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1700000000.123, v] })) } });

describe("queryPrometheusInstant", () => {
  it.each<{ name: string; reply: Reply; expected: number | null }>([
    { name: "one series", reply: { status: 200, body: vector("0.0421") }, expected: 0.0421 },
    { name: "a scalar", reply: { status: 200, body: JSON.stringify({ status: "success", data: { resultType: "scalar", result: [1, "12"] } }) }, expected: 12 },
    { name: "an empty vector is no data", reply: { status: 200, body: vector() }, expected: null },
    { name: "NaN is no data", reply: { status: 200, body: vector("NaN") }, expected: null },
    { name: "+Inf is no data", reply: { status: 200, body: vector("+Inf") }, expected: null },
  ])("reads $name", async ({ name, reply, expected }) => {
    replies = { [name]: reply };
    expect(await queryPrometheusInstant(base, name, { timeoutMs: 2000 })).toBe(expected);
  });

  it.each<{ name: string; reply: Reply; message: RegExp }>([
    { name: "a PromQL error", reply: { status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error at char 5" }) }, message: /Prometheus: bad_data: parse error at char 5/ },
    { name: "several series", reply: { status: 200, body: vector("1", "2") }, message: /returned 2 series; aggregate/ },
    { name: "a range vector", reply: { status: 200, body: JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }) }, message: /returned a matrix/ },
    { name: "an HTML error page", reply: { status: 502, body: "<html>bad gateway</html>", type: "text/html" }, message: /HTTP 502: not a Prometheus API response/ },
    { name: "a slow server", reply: { status: 200, body: vector("1"), delayMs: 500 }, message: /timed out after 100 ms/ },
  ])("fails with a clear message on $name", async ({ name, reply, message }) => {
    replies = { [name]: reply };
    const error = await queryPrometheusInstant(base, name, { timeoutMs: name === "a slow server" ? 100 : 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(message);
  });

  it("sends the query (and time) to /api/v1/query under the base path", async () => {
    replies = { "sum(up)": { status: 200, body: vector("3") } };
    seen.length = 0;
    await queryPrometheusInstant(`${base}/`, "sum(up)", { timeoutMs: 2000, time: 1_700_000_000_500 });
    expect(seen).toEqual(["/api/v1/query?query=sum%28up%29&time=1700000000.500"]);
  });

  it("fails when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await queryPrometheusInstant(`http://127.0.0.1:${port}`, "up", { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/cannot connect: .*ECONNREFUSED/);
  });
});

describe("scrapeMetricsPage", () => {
  it("does not follow a redirect (once, one to the app's own port returned a value), nor read a metadata address", async () => {
    const redirecting = createServer((_req, res) => res.writeHead(302, { location: `${base}/metrics` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    replies = { "/metrics": { status: 200, body: "up 1\n", type: "text/plain" } };
    const before = seen.length;
    try {
      await expect(scrapeMetricsPage(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/metrics`, { timeoutMs: 2000 })).rejects.toThrow(/redirect/);
      expect(seen.length).toBe(before);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
    }
    await expect(scrapeMetricsPage("http://169.254.169.254/metrics", { timeoutMs: 2000 })).rejects.toThrow(/blocked by the outbound policy/);
  });

  it("parses the exposition", async () => {
    replies = { "/metrics": { status: 200, type: "text/plain", body: "# TYPE up gauge\nup 1\nhttp_requests_total{status=\"5xx\"} 7\n" } };
    expect(await scrapeMetricsPage(`${base}/metrics`, { timeoutMs: 2000 })).toEqual([
      { name: "up", labels: {}, value: 1 },
      { name: "http_requests_total", labels: { status: "5xx" }, value: 7 },
    ]);
  });

  it.each<{ name: string; reply: Reply; message: RegExp }>([
    { name: "an HTTP error", reply: { status: 503, type: "text/plain", body: "up 1" }, message: /HTTP 503 from \/metrics/ },
    { name: "a page that is not Prometheus text", reply: { status: 200, type: "text/html", body: "<html><body>login</body></html>" }, message: /not Prometheus text \(line 1/ },
  ])("fails on $name", async ({ reply, message }) => {
    replies = { "/metrics": reply };
    await expect(scrapeMetricsPage(`${base}/metrics`, { timeoutMs: 2000 })).rejects.toThrow(message);
  });
});
