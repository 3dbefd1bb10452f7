import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { DemoModel, type DemoTargetState } from "./model";

// "The system being rolled out" for demos and tests: a real HTTP server with a health check, Prometheus metrics that
// go bad when too much traffic reaches the canary, and the admin endpoints War Room actions call (feature flag, kill
// switch, rollback). Binds to 127.0.0.1 unless told otherwise.

export { demoTargetStateSchema, type DemoTargetState } from "./model";

export const featureFlagsBodySchema = z
  .strictObject({
    percentage: z.number().min(0).max(100).optional(),
    killSwitch: z.boolean().optional(),
    reason: z.string().max(1000).optional(),
  })
  .refine((body) => body.percentage !== undefined || body.killSwitch !== undefined, {
    message: "give at least one of percentage or killSwitch",
  });
export type FeatureFlagsBody = z.infer<typeof featureFlagsBodySchema>;

export const rollbackBodySchema = z.strictObject({ reason: z.string().max(1000).optional() });
export type RollbackBody = z.infer<typeof rollbackBodySchema>;

export type AdminCall = {
  method: string;
  path: string;
  /** Parsed JSON body, or the raw text when it was not JSON (null when empty). */
  body: unknown;
  idempotencyKey: string | null;
  /** Clock time of the call (ms). */
  at: number;
  authorized: boolean;
  status: number;
  /** Answered from the idempotency cache without applying anything. */
  replayed: boolean;
};

export type DemoTargetOptions = {
  port?: number;
  host?: string;
  token: string;
  /** Canary traffic above this percentage makes the new build misbehave. */
  badBuildAbovePercent?: number;
  /** Milliseconds since the epoch; inject to drive simulated time from tests. */
  clock?: () => number;
  seed?: number;
  requestsPerSecond?: number;
};

export type DemoTarget = {
  url: string;
  port: number;
  state: () => DemoTargetState;
  setBadBuild(on: boolean): void;
  close(): Promise<void>;
  adminCalls: () => AdminCall[];
};

const MAX_BODY_BYTES = 64 * 1024;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

type Reply = { status: number; body: unknown };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startDemoTarget(options: DemoTargetOptions): Promise<DemoTarget> {
  if (options.token.length === 0) throw new Error("startDemoTarget: token must not be empty");
  const clock = options.clock ?? Date.now;
  const model = new DemoModel({
    now: clock(),
    seed: options.seed ?? 1,
    requestsPerSecond: options.requestsPerSecond ?? 50,
    badBuildAbovePercent: options.badBuildAbovePercent ?? 25,
  });
  const calls: AdminCall[] = [];
  // First response per (path, key); only requests that were applied are remembered, so a rejected request can be
  // corrected and retried under the same key (Stripe's rule).
  const idempotent = new Map<string, Reply>();
  const expectedDigest = digest(`Bearer ${options.token}`);

  const adminRoutes: Record<string, (body: unknown) => Reply> = {
    "/api/admin/feature-flags": (body) => {
      const change = parseBody(featureFlagsBodySchema, body);
      model.setFlags(clock(), change);
      return { status: 200, body: { ok: true, state: model.state() } };
    },
    "/api/admin/rollback": (body) => {
      const { reason } = parseBody(rollbackBodySchema, body);
      model.rollback(clock(), reason);
      return { status: 200, body: { ok: true, state: model.state() } };
    },
  };

  async function handleAdmin(request: IncomingMessage, path: string, route: (body: unknown) => Reply): Promise<Reply & { replayed?: boolean }> {
    const raw = await readBody(request);
    const call: AdminCall = {
      method: request.method ?? "",
      path,
      body: raw === "" ? null : tryJson(raw),
      idempotencyKey: headerValue(request, "idempotency-key"),
      at: clock(),
      authorized: authorized(request.headers.authorization, expectedDigest),
      status: 0,
      replayed: false,
    };
    calls.push(call);
    const reply = ((): Reply & { replayed?: boolean } => {
      if (!call.authorized) return { status: 401, body: { error: "missing or invalid bearer token" } };
      if (request.method !== "POST") return { status: 405, body: { error: `${request.method} not allowed; use POST` } };
      const key = call.idempotencyKey;
      if (key !== null && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
        return { status: 400, body: { error: `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` } };
      }
      const cacheKey = key === null ? null : `${path}\n${key}`;
      const first = cacheKey === null ? undefined : idempotent.get(cacheKey);
      if (first) return { ...first, replayed: true };

      let body: unknown = {};
      if (raw.trim() !== "") {
        try {
          body = JSON.parse(raw);
        } catch (error) {
          return { status: 400, body: { error: `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` } };
        }
      }
      try {
        const applied = route(body);
        if (cacheKey !== null) idempotent.set(cacheKey, applied);
        return applied;
      } catch (error) {
        if (error instanceof HttpError) return { status: error.status, body: { error: error.message } };
        throw error;
      }
    })();
    call.status = reply.status;
    call.replayed = reply.replayed ?? false;
    return reply;
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://demo-target").pathname;
    const respond = async () => {
      if (path === "/health") {
        if (request.method !== "GET" && request.method !== "HEAD") return sendJson(response, { status: 405, body: { error: "use GET" } });
        const state = model.state();
        return sendJson(response, {
          status: 200,
          body: { status: "ok", version: state.version, stableVersion: state.stableVersion, trafficPercent: state.trafficPercent, killSwitch: state.killSwitch, rolledBack: state.rolledBack },
        });
      }
      if (path === "/metrics") {
        if (request.method !== "GET" && request.method !== "HEAD") return sendJson(response, { status: 405, body: { error: "use GET" } });
        response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
        response.end(model.metricsText(clock()));
        return;
      }
      const route = adminRoutes[path];
      if (route) {
        const reply = await handleAdmin(request, path, route);
        return sendJson(response, reply, reply.replayed ? { "idempotent-replayed": "true" } : {});
      }
      sendJson(response, { status: 404, body: { error: `no route for ${path}` } });
    };
    respond().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendJson(response, { status, body: { error: status === 500 ? `internal error: ${message}` : message } });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    state: () => model.state(),
    setBadBuild: (on) => model.setBadBuild(clock(), on),
    adminCalls: () => calls.map((call) => ({ ...call })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (fetch keeps them) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, `invalid body: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

// Comparing digests keeps the comparison constant-time without leaking the token's length.
function authorized(header: string | undefined, expectedDigest: Buffer): boolean {
  return header !== undefined && timingSafeEqual(digest(header.trim()), expectedDigest);
}

function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === "string" ? value.trim() : Array.isArray(value) ? (value[0]?.trim() ?? null) : null;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  response.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...(reply.status === 401 ? { "www-authenticate": 'Bearer realm="demo-target"' } : {}),
    ...headers,
  });
  response.end(JSON.stringify(reply.body));
}
