import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { createRealtimeServer, type RealtimeServer } from "../lib/realtime/server";

/** The real socket.io server on a real HTTP server on a free loopback port, for realtime tests. */
export async function startRealtimeTestServer(handler?: RequestListener): Promise<{ io: RealtimeServer; url: string; close: () => Promise<void> }> {
  const httpServer = createServer(handler);
  const io = createRealtimeServer(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  return {
    io,
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
