import { afterAll, beforeAll } from "vitest";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { createRealtimeServer, type RealtimeServer } from "../lib/realtime/server";

/** The real socket.io server on a real HTTP server on a free loopback port, for realtime tests. */
export async function startRealtimeTestServer(
  handler?: RequestListener,
  opts: Parameters<typeof createRealtimeServer>[1] = {},
): Promise<{ io: RealtimeServer; url: string; close: () => Promise<void> }> {
  const httpServer = createServer(handler);
  const io = createRealtimeServer(httpServer, opts);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  return {
    io,
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

/** The same, started before and closed after the calling test file; read `url` inside tests. */
export function withRealtimeTestServer(handler?: RequestListener): { readonly url: string } {
  let server: Awaited<ReturnType<typeof startRealtimeTestServer>> | undefined;
  beforeAll(async () => {
    server = await startRealtimeTestServer(handler);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get url() {
      if (!server) throw new Error("the realtime test server is not started yet (use it inside tests)");
      return server.url;
    },
  };
}
