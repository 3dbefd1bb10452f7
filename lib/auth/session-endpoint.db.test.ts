import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import NextAuth from "next-auth";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { endAuthSession } from "@/lib/domain/sessions";
import { authOptions } from "./options";

// next-auth's own GET /api/auth/session (what useSession and the sign-in page read) must say what every API says:
// after sign-out, session end or deactivation the old cookie gets no session, and the cookie is cleared. Served
// here over real HTTP by next-auth's handler with the app's options (app/api/auth/[...nextauth]/route.ts hands the
// same options to the same handler inside Next; e2e/auth/accounts.spec.ts checks it on the real server).

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // next-auth's Node (pages-API) entry: the same core handler and options as the app's route, on a plain server.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const cookies = Object.fromEntries(
      (req.headers.cookie ?? "").split(";").filter(Boolean).map((part) => [part.slice(0, part.indexOf("=")).trim(), decodeURIComponent(part.slice(part.indexOf("=") + 1).trim())]),
    );
    const request = Object.assign(req, { query: { nextauth: url.pathname.split("/").slice(3) }, cookies, body: undefined });
    const response = Object.assign(res, {
      status: (code: number) => ((res.statusCode = code), response),
      send: (body: unknown) => res.end(typeof body === "string" ? body : JSON.stringify(body)),
      json: (body: unknown) => res.end(JSON.stringify(body)),
    });
    void (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(request, response, authOptions()).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function getSession(cookie: string) {
  const response = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const clearsCookie = response.headers.getSetCookie().some((c) => /^next-auth\.session-token=;/.test(c) && /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c));
  return { body: (await response.json()) as { user?: { id?: string; name?: string; email?: string }; expires?: string }, clearsCookie };
}

describe("GET /api/auth/session honours the server-side session", () => {
  it("gives a live session's user, with the server-side session's expiry", async () => {
    const engineer = await makeUser("ENGINEER");
    const { body, clearsCookie } = await getSession(engineer.cookie);
    expect(body.user).toMatchObject({ id: engineer.id, name: engineer.name, email: engineer.email });
    const row = await getDb().authSession.findUniqueOrThrow({ where: { id: engineer.sessionId } });
    expect(body.expires).toBe(row.expiresAt.toISOString());
    expect(clearsCookie).toBe(false);
  });

  it("gives no session to the old cookie after sign-out, and clears it", async () => {
    const engineer = await makeUser("ENGINEER");
    expect((await getSession(engineer.cookie)).body.user?.id).toBe(engineer.id);
    await endAuthSession(engineer.sessionId);
    expect(await getSession(engineer.cookie)).toEqual({ body: {}, clearsCookie: true });
  });

  it("gives no session once the user is deactivated or the session has expired", async () => {
    const deactivated = await makeUser("ENGINEER");
    await getDb().user.update({ where: { id: deactivated.id }, data: { deactivatedAt: new Date() } });
    expect((await getSession(deactivated.cookie)).body).toEqual({});
    const expired = await makeUser("VIEWER");
    await getDb().authSession.update({ where: { id: expired.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await getSession(expired.cookie)).body).toEqual({});
  });

  it("gives no session to a cookie that names no server-side session", async () => {
    const engineer = await makeUser("ENGINEER");
    const legacy = `next-auth.session-token=${await encode({ token: { sub: engineer.id, name: engineer.name }, secret: process.env.NEXTAUTH_SECRET! })}`;
    expect((await getSession(legacy)).body).toEqual({});
  });

  it("shows the user's current name, not the one in the cookie", async () => {
    const engineer = await makeUser("ENGINEER");
    await getDb().user.update({ where: { id: engineer.id }, data: { name: "Renamed Engineer" } });
    expect((await getSession(engineer.cookie)).body.user?.name).toBe("Renamed Engineer");
  });
});
