import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { Principal } from "@/lib/auth/principal";
import { authenticate, requireRolloutRead } from "@/lib/auth/session";
import { requireTokenUse } from "@/lib/auth/token-scope";
import { currentSeq, listEventsAfter } from "@/lib/domain/events";
import { toPublicEvent, toPublicLive } from "@/lib/domain/public-view";
import { invalidInput, toDomainError } from "@/lib/domain/to-domain-error";
import { unauthorized } from "@/lib/domain/errors";
import { errorAck } from "./error-ack";
import { joinRequestSchema, type EventEnvelope, type JoinAck } from "@/lib/schemas/events";
import {
  publicRolloutRoom,
  rolloutRoom,
  userRoom,
  type ClientToServerEvents,
  type PresenceUser,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from "./contract";
import type { createPostgresAdapter } from "./adapter";
import { appMetrics } from "@/lib/observability/metrics";
import { runCommand } from "./commands";
import { registerRealtime } from "./publisher";
import { allowedOrigins, readAuthEnv } from "@/lib/auth/auth-config";
import { invalidateCachedPrincipals } from "@/lib/auth/principal-cache";
import { createRoomCoalescer } from "./coalesce";
import { createSeqOrderer } from "./seq-order";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * socket.io on the app's HTTP server. Authenticates every connection like an HTTP request (session cookie,
 * or an API / share token in `auth.token`), puts each client in its rollout's room on `join`, and registers
 * the publisher that domain writes call after commit.
 */
export function createRealtimeServer(
  httpServer: HttpServer,
  opts: {
    origin?: string;
    adapter?: ReturnType<typeof createPostgresAdapter>["adapter"];
    /** Browser origins allowed to connect (WARROOM_ALLOWED_ORIGINS, else the public URL); null allows any. */
    allowedOrigins?: string[] | null;
  } = {},
): RealtimeServer {
  const origins = opts.allowedOrigins === undefined ? allowedOrigins(readAuthEnv()) : opts.allowedOrigins;
  const io: RealtimeServer = new Server(httpServer, {
    cors: opts.origin ? { origin: opts.origin, credentials: true } : undefined,
    maxHttpBufferSize: 64 * 1024,
    // A page on another origin must not ride a commander's cookie. Browsers always send Origin on a WebSocket and
    // on polling; a client without one (automation, with a bearer token) is not a browser.
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, origins)),
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });

  io.use(async (socket, next) => {
    try {
      const principal = await authenticate({
        cookie: socket.handshake.headers.cookie,
        authorization: socket.handshake.headers.authorization,
        token: (socket.handshake.auth as { token?: unknown } | undefined)?.token,
      });
      if (!principal) return next(Object.assign(new Error("unauthorized"), { data: { status: 401, code: "unauthorized" } }));
      // The socket carries reads (join) and commands: a token whose scope allows neither (push-only) gets 403 here.
      requireTokenUse(principal, "read", "open a socket");
      socket.data.principal = principal;
      if (principal.kind === "user") void socket.join(userRoom(principal.userId));
      next();
    } catch (error) {
      const domain = toDomainError(error);
      next(Object.assign(new Error(domain.code), { data: { status: domain.status, code: domain.code, message: domain.message } }));
    }
  });

  io.on("connection", (socket) => {
    appMetrics().connectedSockets.inc();
    socket.on("disconnect", () => appMetrics().connectedSockets.dec());
    const principal = socket.data.principal;
    // A share link, a session or an API token that expires while the socket is open closes it then.
    if (principal.expiresAt) closeAtExpiry(socket, Date.parse(principal.expiresAt));
    socket.on("join", (request, ack) => {
      if (typeof ack !== "function") return;
      void recheckSocketPrincipal(socket)
        .then((current) => (current ? joinRollout(socket, request) : errorAck(unauthorized("Your session has ended; sign in again"))))
        .then((response) => {
        ack(response);
        if (response.ok && socket.data.principal.kind === "user") void publishPresence(io, (request as { rolloutId: string }).rolloutId);
      });
    });
    socket.on("disconnecting", () => {
      const rollouts = [...socket.rooms].filter((room) => room.startsWith("rollout:") && !room.endsWith(":public")).map((room) => room.slice("rollout:".length));
      // After the socket has left its rooms.
      setImmediate(() => rollouts.forEach((rolloutId) => void publishPresence(io, rolloutId)));
    });
    socket.on("command", (request, ack) => {
      if (typeof ack !== "function") return;
      // Who the socket is *now*, not when it connected: a demoted, signed-out or revoked caller gets 403 / 401.
      void recheckSocketPrincipal(socket).then((current) =>
        current ? runCommand(current, request).then(ack) : ack(errorAck(unauthorized("Your session has ended; sign in again"))),
      );
    });
    socket.on("leave", (request, ack) => {
      const parsed = joinRequestSchema.pick({ rolloutId: true }).safeParse(request);
      if (parsed.success) {
        void socket.leave(rolloutRoom(parsed.data.rolloutId));
        void socket.leave(publicRolloutRoom(parsed.data.rolloutId));
        void publishPresence(io, parsed.data.rolloutId);
      }
      if (typeof ack !== "function") return;
      if (parsed.success) return ack({ ok: true });
      ack(errorAck(invalidInput(parsed.error, "leave")));
    });
  });

  // Events reach this process's clients in seq order: emitted locally at once (the Postgres adapter's broadcast
  // would first wait for its NOTIFY, and concurrent NOTIFYs finish in any order), and sent to the other
  // processes as one server-side message per batch, which each puts back in order (seq-order.ts).
  // One turn's events for a room go out as one message per socket (coalesce.ts).
  const coalescer = createRoomCoalescer((room, envelopes) => {
    if (envelopes.length === 1) io.local.to(room).emit("event", envelopes[0]!);
    else io.local.to(room).emit("events", envelopes);
  });
  const emitHere = (envelope: EventEnvelope) => {
    coalescer.push(rolloutRoom(envelope.rolloutId), envelope);
    coalescer.push(publicRolloutRoom(envelope.rolloutId), toPublicEvent(envelope));
  };
  // The benchmark's baseline stays a raw broadcast, one emit per envelope.
  const emitUnlogged = (envelope: EventEnvelope) => {
    io.local.to(rolloutRoom(envelope.rolloutId)).emit("event", envelope);
    io.local.to(publicRolloutRoom(envelope.rolloutId)).emit("event", toPublicEvent(envelope));
  };
  const orderer = createSeqOrderer(emitHere);
  const clustered = Boolean(opts.adapter);
  io.on("warroom:events", (events) => events.forEach(orderer.accept));
  io.on("warroom:unlogged", emitUnlogged);

  io.on("recheckUserSockets", (userId) => void recheckLocalUserSockets(io, userId));

  registerRealtime({
    recheckUserSockets: (userId) => {
      void recheckLocalUserSockets(io, userId);
      // The other processes behind the load balancer hold this user's other sockets (and cached principals).
      if (clustered) io.serverSideEmit("recheckUserSockets", userId);
    },
    publishEvents: (events) => {
      events.forEach(orderer.accept);
      if (clustered) io.serverSideEmit("warroom:events", events);
      recordPublished(io, events);
    },
    emitUnloggedEvent: (envelope) => {
      emitUnlogged(envelope);
      if (clustered) io.serverSideEmit("warroom:unlogged", envelope);
    },
    publishVolatile: (rolloutId, channel, payload) => {
      const message = { rolloutId, channel, payload };
      io.to(rolloutRoom(rolloutId)).volatile.emit("live", message);
      // Stakeholders get only what the public view may show (no error texts; no presence or evaluator details).
      const reduced = toPublicLive(channel, payload);
      if (reduced !== null) io.to(publicRolloutRoom(rolloutId)).volatile.emit("live", { rolloutId, channel, payload: reduced });
    },
  });
  return io;
}

function originAllowed(origin: string | undefined, allowed: string[] | null): boolean {
  if (!origin || !allowed) return true;
  return allowed.includes(origin.replace(/\/$/, ""));
}

/**
 * THE socket re-check, before every join and command and whenever the user's role, sessions or tokens change
 * (lib/auth/invalidate.ts): authenticates the socket's handshake credentials again. A socket whose session ended
 * or token was revoked, or whose user was deactivated, is disconnected (null); one whose role changed carries the
 * new principal from now on, is told so (`principal`), and leaves the rooms it may no longer read.
 */
export async function recheckSocketPrincipal(socket: RealtimeSocket): Promise<Principal | null> {
  const before = socket.data.principal;
  const current = await authenticate({
    cookie: socket.handshake.headers.cookie,
    authorization: socket.handshake.headers.authorization,
    token: (socket.handshake.auth as { token?: unknown } | undefined)?.token,
  }).catch((error: unknown) => {
    // The database being down is not a reason to drop everyone: keep the principal, the command will fail on its own.
    if (toDomainError(error).status === 503) return before;
    throw error;
  });
  if (!current || (before.kind === "user" && (current.kind !== "user" || current.userId !== before.userId))) {
    // The page learns why before it is closed (it drops its controls), then the socket goes, after the caller's
    // ack (a 401) has gone out.
    socket.emit("signedOut");
    setImmediate(() => socket.disconnect(true));
    return null;
  }
  socket.data.principal = current;
  if (before.kind === "user" && current.kind === "user" && (current.role !== before.role || current.name !== before.name)) {
    socket.emit("principal", { userId: current.userId, name: current.name, role: current.role });
    for (const room of socket.rooms) {
      const rolloutId = /^rollout:([^:]+)$/.exec(room)?.[1];
      if (!rolloutId) continue;
      try {
        requireRolloutRead(current, rolloutId);
      } catch {
        setImmediate(() => socket.disconnect(true));
        return null;
      }
    }
  }
  return current;
}

async function recheckLocalUserSockets(io: RealtimeServer, userId: string) {
  // This process may hold the user's principal for a moment (principal-cache.ts): read them afresh.
  invalidateCachedPrincipals({ userId });
  const sockets = [...(io.of("/").adapter.rooms.get(userRoom(userId)) ?? [])].map((id) => io.of("/").sockets.get(id)).filter((s): s is RealtimeSocket => Boolean(s));
  const rollouts = new Set<string>();
  await Promise.all(
    sockets.map(async (socket) => {
      for (const room of socket.rooms) if (/^rollout:[^:]+$/.test(room)) rollouts.add(room.slice("rollout:".length));
      await recheckSocketPrincipal(socket).catch(() => socket.disconnect(true));
    }),
  );
  // Presence shows roles: refresh it where this user was.
  for (const rolloutId of rollouts) void publishPresence(io, rolloutId);
}

async function joinRollout(socket: RealtimeSocket, request: unknown): Promise<JoinAck> {
  try {
    const parsed = joinRequestSchema.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error, "join");
    const { rolloutId, afterSeq } = parsed.data;
    const reader = requireRolloutRead(socket.data.principal, rolloutId);
    // Join before reading the backlog: an event committed in between arrives twice (clients skip seq they
    // have), never zero times.
    await socket.join(reader.kind === "share" ? publicRolloutRoom(rolloutId) : rolloutRoom(rolloutId));
    // Without afterSeq the client has just loaded full state: it needs only the seq to continue from.
    if (afterSeq === undefined) return { ok: true, lastSeq: await currentSeq(rolloutId), events: [], truncated: false };
    const page = await listEventsAfter(rolloutId, afterSeq);
    const events = reader.kind === "share" ? page.events.map(toPublicEvent) : page.events;
    return { ok: true, lastSeq: page.lastSeq, events, truncated: page.truncated };
  } catch (error) {
    return errorAck(error);
  }
}

/** What the publishing process does once per event, beside emitting it: count it, and act on revocations. */
function recordPublished(io: RealtimeServer, events: EventEnvelope[]) {
  const metrics = appMetrics();
  for (const envelope of events) {
    metrics.eventsPublished.inc({ type: envelope.type });
    metrics.fanOutSeconds.observe(Math.max(0, Date.now() - Date.parse(envelope.at)) / 1000);
    if (envelope.type === "share.revoked") void disconnectShareToken(io, envelope.rolloutId, String(envelope.data.shareTokenId));
  }
}

/** Who is in the war room now (signed-in users; stakeholders on a share link are not listed). */
async function publishPresence(io: RealtimeServer, rolloutId: string) {
  try {
    const sockets = await io.in(rolloutRoom(rolloutId)).fetchSockets();
    const users = new Map<string, PresenceUser>();
    for (const socket of sockets) {
      const p = socket.data.principal;
      if (p.kind === "user") users.set(p.userId, { id: p.userId, name: p.name, role: p.role });
    }
    const payload = { users: [...users.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    io.to(rolloutRoom(rolloutId)).emit("live", { rolloutId, channel: "presence", payload });
  } catch {
    // Presence is best effort: another process not answering must not break a join.
  }
}

// setTimeout takes at most 2^31-1 ms (24.8 days); links may live 90 days.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A share link that expires while its status page is open stops working then, as a revoked one does. */
function closeAtExpiry(socket: RealtimeSocket, expiresAt: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const wait = expiresAt - Date.now();
    if (wait <= 0) {
      socket.disconnect(true);
      return;
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.on("disconnect", () => clearTimeout(timer));
}

/** A revoked link stops working at once, including status pages that are already open. */
async function disconnectShareToken(io: RealtimeServer, rolloutId: string, shareTokenId: string) {
  const sockets = await io.in(publicRolloutRoom(rolloutId)).fetchSockets();
  for (const socket of sockets) {
    const principal = socket.data.principal;
    if (principal.kind === "share" && principal.shareTokenId === shareTokenId) socket.disconnect(true);
  }
}
