import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";

// The server's own time for a request, from the moment server.ts receives it to the moment its response headers
// are written, sent as `Server-Timing: app;dur=<ms>` on every answer (API and pages alike): what "a tick costs
// N ms at the server" is measured by (bench/http-load.ts), apart from the client's and the network's share.

export const SERVER_TIMING_HEADER = "server-timing";

export function timeResponse(_req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const writeHead = res.writeHead;
  // Every answer goes through writeHead (an implicit one too: Node calls it on the first write), headers not yet sent.
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!this.headersSent) this.setHeader(SERVER_TIMING_HEADER, `app;dur=${(performance.now() - started).toFixed(2)}`);
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}
