import type { IncomingMessage, ServerResponse } from "node:http";
import { safeEqual } from "@/lib/auth/secrets";
import { appMetrics } from "./metrics";

/**
 * GET /metrics in Prometheus text format. Open by default (scrape it from inside your network); with
 * WARROOM_METRICS_TOKEN set, a scraper must send it as a bearer token.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const expected = process.env.WARROOM_METRICS_TOKEN;
  const sent = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (expected && !(sent && safeEqual(sent, expected))) {
    res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
    res.end(JSON.stringify({ error: { code: "unauthorized", message: "Send WARROOM_METRICS_TOKEN as a bearer token" } }));
    return;
  }
  if (req.method !== "GET") {
    res.writeHead(405, { allow: "GET", "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "bad_request", message: "Use GET" } }));
    return;
  }
  const { registry } = appMetrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
  res.end(await registry.metrics());
}
