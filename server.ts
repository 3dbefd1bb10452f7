import { createServer, type Server as HttpServer } from "node:http";
import next from "next";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { createApiDispatcher } from "@/lib/http/dispatch";
import { guardedHandler } from "@/lib/http/request-guards";
import { timeResponse } from "@/lib/http/server-timing";
import { serveMetrics } from "@/lib/observability/serve-metrics";
import { createPostgresAdapter } from "@/lib/realtime/adapter";
import { createRealtimeServer, type RealtimeServer } from "@/lib/realtime/server";
import { registerRealtime } from "@/lib/realtime/publisher";
import { startBackgroundWorkers } from "@/lib/workers";
import { operations } from "@/lib/operations/table";
import type { Operation } from "@/lib/operations/operation";

// One Node process, one port: Next's request handler and socket.io, plus the background workers (metric pollers, gate
// evaluator), which run on one process at a time (lib/workers).
// Started by scripts/start.ts after the database is ready.

export type WarRoomServer = { httpServer: HttpServer; io: RealtimeServer; url: string; close: () => Promise<void> };

export async function startServer(opts: { port: number; host: string; dev: boolean }): Promise<WarRoomServer> {
  const app = next({ dev: opts.dev, hostname: opts.host, port: opts.port, dir: process.cwd() });
  await app.prepare();
  const handle = app.getRequestHandler();
  // The table's API requests are answered by the route files' own handlers without Next's router (lib/http/
  // dispatch.ts: the same code, several ms less per request). Not in dev, where Next reloads edited route code.
  const api = opts.dev ? null : createApiDispatcher(operations as Record<string, Operation>);
  // Broken percent-encoding and pages while the database is down are answered here (4xx / 503 page), not by a 500.
  const guarded = guardedHandler((req, res) => api?.dispatch(req, res) || handle(req, res));
  const httpServer = createServer((req, res) => {
    timeResponse(req, res);
    // The peer address, for sign-in rate limiting; a client cannot set this header itself.
    req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
    if (req.url === "/metrics") return void serveMetrics(req, res);
    guarded(req, res);
  });
  const fanOut = createPostgresAdapter(process.env.DATABASE_URL!);
  const io = createRealtimeServer(httpServer, { adapter: fanOut.adapter });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(opts.port, opts.host, resolve);
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const workers = startBackgroundWorkers();
  return {
    httpServer,
    io,
    url: `http://${opts.host === "0.0.0.0" ? "localhost" : opts.host}:${port}`,
    close: async () => {
      await workers.stop();
      registerRealtime(undefined);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await fanOut.close().catch(() => undefined);
      await app.close();
    },
  };
}
