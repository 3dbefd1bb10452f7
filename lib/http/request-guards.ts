import type { IncomingMessage, ServerResponse } from "node:http";
import { isDatabaseReachable } from "@/lib/domain/health";

// What the custom server answers before Next sees a request: a path whose percent-encoding is broken (Next
// would throw decoding it: a 500, even anonymously) and a page while the database is down (a page cannot set
// its own status, so it would be a 500 too). The API answers 503 itself, in its JSON error shape.

const PAGE_EXCLUDED = /^\/(api|_next|metrics|socket\.io)(\/|$)|\.[a-z0-9]+$/i;

function send(res: ServerResponse, status: number, wantsJson: boolean, code: string, message: string, headers: Record<string, string> = {}) {
  if (wantsJson) {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers }).end(JSON.stringify({ error: { code, message } }));
    return;
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>War Room: ${status}</title></head><body style="font-family: system-ui, sans-serif; margin: 3rem auto; max-width: 36rem; line-height: 1.5"><h1>${status === 503 ? "War Room is unavailable" : "Bad address"}</h1><p role="alert">${message}</p></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers }).end(html);
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** True when it answered the request itself; otherwise the request goes on to Next. */
export async function answerBeforeNext(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = pathOf(req.url ?? "/");
  const wantsJson = path.startsWith("/api/");
  try {
    decodeURIComponent(path);
  } catch {
    send(res, 400, wantsJson, "bad_request", "The address has broken percent-encoding (a % not followed by two hex digits of valid UTF-8).");
    return true;
  }
  const isPage = (req.method === "GET" || req.method === "HEAD") && !PAGE_EXCLUDED.test(path);
  if (isPage && !(await isDatabaseReachable())) {
    send(res, 503, false, "unavailable", "The database is not answering right now; nothing was lost. This page retries when you reload it.", { "retry-after": "5" });
    return true;
  }
  return false;
}

type Handle = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Next's request handler behind answerBeforeNext, as server.ts mounts it. */
export function guardedHandler(handle: Handle): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void answerBeforeNext(req, res)
      .catch(() => false)
      .then((answered) => (answered ? undefined : handle(req, res)));
  };
}
