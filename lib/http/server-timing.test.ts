import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timeResponse } from "./server-timing";

// server.ts times every answer: `Server-Timing: app;dur=<ms>`, whether the handler writes its head itself, lets
// Node write it implicitly on the first write, or ends at once.

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    timeResponse(req, res);
    if (req.url === "/explicit") return void res.writeHead(201, { "content-type": "text/plain" }).end("x");
    if (req.url === "/implicit") {
      res.statusCode = 202;
      res.write("a");
      return void setTimeout(() => res.end("b"), 5);
    }
    res.setHeader("x-before", "1");
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("timeResponse", () => {
  it.each(["/explicit", "/implicit", "/end"])("sends the server's own time on %s", async (path) => {
    const response = await fetch(base + path);
    await response.text();
    expect(response.headers.get("server-timing")).toMatch(/^app;dur=\d+\.\d{2}$/);
  });

  it("keeps the headers the handler set", async () => {
    const explicit = await fetch(base + "/explicit");
    expect([explicit.status, explicit.headers.get("content-type"), await explicit.text()]).toEqual([201, "text/plain", "x"]);
    const plain = await fetch(base + "/end");
    expect(plain.headers.get("x-before")).toBe("1");
  });
});
