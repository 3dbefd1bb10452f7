import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { StatusView } from "@/components/status/status-view";
import { makeRollout, makeUser, smallRunbook } from "@/test/factories";
import { GET as statusRoute } from "@/app/api/v1/status/[token]/route";
import { GET as listLinksRoute, POST as createLinkRoute } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { DELETE as revokeLinkRoute } from "@/app/api/v1/share-links/[id]/route";
import StatusPage from "@/app/status/[token]/page";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { updateItem } from "./checklists";
import { changeRollout } from "./events";
import { getPublicStatus, type PublicStatus } from "./public-view";
import { jsonify } from "./json";
import { getRolloutState } from "./rollouts";
import { rolloutSummarySelect } from "./selects";
import { recordSignOff } from "./signoffs";
import { createShareToken } from "./tokens";

// The stakeholder view through its route and page against a real database: what it shows (Statuspage's words,
// phase and traffic, progress, headline metrics with their colour, next step, latest updates), what it never
// shows, and links that expire or are revoked.

type User = Awaited<ReturnType<typeof makeUser>>;
let commander: User, engineer: User, viewer: User, admin: User;

beforeAll(async () => {
  [commander, engineer, viewer, admin] = await Promise.all([
    makeUser("COMMANDER", "Cole Commander"),
    makeUser("ENGINEER", "Erin Engineer"),
    makeUser("VIEWER", "Vic Viewer"),
    makeUser("ADMIN", "Ada Admin"),
  ]);
});

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const get = (path: string, auth?: string) => new Request(`http://localhost${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });

async function status(token: string): Promise<{ status: number; text: string }> {
  const response = await statusRoute(get(`/api/v1/status/${token}`), ctx({ token }));
  return { status: response.status, text: await response.text() };
}

/** The page's outcome: its element, or the 404 Next's notFound() throws. */
async function page(token: string): Promise<"not found" | "rendered"> {
  try {
    await StatusPage({ params: Promise.resolve({ token }) });
    return "rendered";
  } catch (error) {
    if (String((error as { digest?: unknown }).digest ?? "").includes("404")) return "not found";
    throw error;
  }
}

// Values that must never reach a stakeholder, planted in every private place a rollout has.
const PRIVATE = {
  phone: "+1 555 0199",
  email: "oncall-private@example.com",
  contactNotes: "CONTACT-NOTE-private",
  itemNote: "ITEM-NOTE-db-password-rotated",
  signatureComment: "SIGNATURE-COMMENT-private",
  description: "DESCRIPTION-internal-only",
  actionUrl: "https://deploy.internal.example/hooks/rollback",
  actionHeader: "X-ACTION-HEADER-private",
  secretHeaders: "SECRET-HEADER-CIPHERTEXT",
  bodyTemplate: "BODY-TEMPLATE-private",
  runParams: "RUN-PARAM-private",
  runRequest: "RUN-REQUEST-bearer-token",
  runResponse: "RUN-RESPONSE-excerpt",
  runError: "RUN-ERROR-text",
  tileQuery: "sum(rate(http_requests_total{job=\"payments-private\"}[5m]))",
  tileSource: "http://metrics.internal.example:9090",
  tileError: "TILE-ERROR-connection-refused",
};

async function privateRollout() {
  const draft = smallRunbook();
  const rollout = await makeRollout({
    ...draft,
    description: PRIVATE.description,
    contacts: [{ role: "On-call", name: "Sam Support", phone: PRIVATE.phone, email: PRIVATE.email, notes: PRIVATE.contactNotes }],
  });
  const state = await getRolloutState(rollout.id);
  await updateItem(engineer.principal, state.items[0]!.id, { state: "DONE", note: PRIVATE.itemNote });
  await recordSignOff(commander.principal, state.gates.find((g) => g.kind === "GO_LIVE")!.id, { decision: "GO", comment: PRIVATE.signatureComment });
  const action = await getDb().action.create({
    data: {
      rolloutId: rollout.id,
      kind: "ROLLBACK",
      name: "Roll back",
      url: PRIVATE.actionUrl,
      headers: { [PRIVATE.actionHeader]: "1" },
      secretHeaders: PRIVATE.secretHeaders,
      bodyTemplate: PRIVATE.bodyTemplate,
      allowedRoles: ["COMMANDER"],
    },
  });
  await getDb().actionRun.create({
    data: {
      actionId: action.id,
      rolloutId: rollout.id,
      status: "FAILED",
      reason: "drill",
      params: { p: PRIVATE.runParams },
      idempotencyKey: "k",
      request: { authorization: PRIVATE.runRequest },
      responseExcerpt: PRIVATE.runResponse,
      error: PRIVATE.runError,
    },
  });
  await getDb().metricTile.create({
    data: {
      rolloutId: rollout.id,
      key: "error_rate",
      label: "Error rate",
      unit: "%",
      sourceKind: "PROMETHEUS",
      query: PRIVATE.tileQuery,
      sourceUrl: PRIVATE.tileSource,
      position: 0,
      lastValue: 0.2,
      lastSampleAt: new Date(),
      lastError: PRIVATE.tileError,
      lastErrorAt: new Date(Date.now() - 3_600_000),
      warnThreshold: 0.5,
      breachThreshold: 1,
    },
  });
  return rollout;
}

function expectNothingPrivate(text: string, names: string[] = []) {
  for (const value of [...Object.values(PRIVATE), ...names, "Sam Support", "passwordHash", "tokenHash"]) expect(text).not.toContain(value);
}

describe("GET /api/v1/status/:token", () => {
  it("shows what a stakeholder asks about and nothing private", async () => {
    const rollout = await privateRollout();
    const link = await createShareToken(commander.principal, rollout.id, { label: "execs" });
    const answer = await status(link.token);
    expect(answer.status).toBe(200);
    expectNothingPrivate(answer.text, [engineer.email, commander.email, "Erin Engineer", "Cole Commander"]);
    const view = JSON.parse(answer.text) as PublicStatus;
    expect(view).toMatchObject({
      rollout: { id: rollout.id, status: "DRAFT" },
      overall: "Operational",
      currentPhase: null,
      progress: { done: 2, blocked: 0, total: 4 },
      nextStep: { label: "Go live: Canary (10% traffic)", plannedAt: "2026-12-01T12:00:00.000Z", awaiting: null },
      metrics: [{ label: "Error rate", unit: "%", value: 0.2, level: "ok", stale: false }],
    });
    expect(view.updates.map((u) => [u.kind, u.text])).toEqual([
      ["signoff", "Go-live authorization: GO (Incident commander)"],
      ["checklist", `Checklist: "Backups verified" completed`],
      ["rollout", "Rollout plan created"],
    ]);
    // Exactly these fields, so one added later is private until someone decides otherwise.
    expect(Object.keys(view).sort()).toEqual(
      ["currentPhase", "endedIn", "gates", "generatedAt", "incident", "lastSeq", "metrics", "nextPhase", "nextStep", "overall", "phases", "progress", "rollout", "summary", "updates"].sort(),
    );
    expect(Object.keys(view.metrics[0]!).sort()).toEqual(["id", "label", "level", "sampledAt", "stale", "unavailable", "unit", "value"]);
  });

  it("renders a page with none of them either", async () => {
    const rollout = await privateRollout();
    const link = await createShareToken(commander.principal, rollout.id);
    const initialStatus = await getPublicStatus(rollout.id);
    const html = renderToString(
      createElement(QueryClientProvider, { client: new QueryClient() }, createElement(StatusView, { initialStatus, token: link.token })),
    );
    expect(html).toContain("Operational");
    expect(html).toContain("Go live: Canary (10% traffic)");
    expect(html).toContain('data-level="ok"');
    expectNothingPrivate(html, [engineer.email, commander.email, "Erin Engineer", "Cole Commander"]);
    // Read-only: nothing to press or tick.
    expect(html).not.toMatch(/<(button|input|form|textarea|select)\b/);
  });

  it("colours metrics by their thresholds and direction, and greys what is stale or failing", async () => {
    const rollout = await makeRollout();
    const now = new Date();
    const tile = (key: string, position: number, data: Record<string, unknown>) =>
      getDb().metricTile.create({ data: { rolloutId: rollout.id, key, label: key, sourceKind: "PUSH", position, pollIntervalSeconds: 15, ...data } });
    await tile("warn", 0, { lastValue: 0.7, lastSampleAt: now, warnThreshold: 0.5, breachThreshold: 1 });
    await tile("breach", 1, { lastValue: 900, lastSampleAt: now, warnThreshold: 300, breachThreshold: 800 });
    await tile("availability", 2, { lastValue: 98.5, lastSampleAt: now, direction: "LOWER_IS_WORSE", warnThreshold: 99.9, breachThreshold: 99 });
    await tile("stale", 3, { lastValue: 0.1, lastSampleAt: new Date(now.getTime() - 10 * 60_000), warnThreshold: 0.5 });
    await tile("failing", 4, { lastValue: 0.1, lastSampleAt: new Date(now.getTime() - 5000), lastError: "ECONNREFUSED 10.0.0.7:9090", lastErrorAt: now, warnThreshold: 0.5 });
    await tile("never", 5, {});
    const view = await getPublicStatus(rollout.id, now);
    expect(view.metrics.map((m) => [m.label, m.level, m.stale])).toEqual([
      ["warn", "warn", false],
      ["breach", "breach", false],
      ["availability", "breach", false],
      ["stale", "unknown", true],
      ["failing", "unknown", false],
      ["never", "unknown", true],
    ]);
    expect(JSON.stringify(view)).not.toContain("10.0.0.7");
    // A red tile on the page and "Operational" above it would contradict each other.
    expect(view.overall).toBe("Partial Outage");
    // A failing source says so, and nothing more.
    expect(view.metrics.filter((m) => m.unavailable).map((m) => m.value)).toEqual(view.metrics.filter((m) => m.unavailable).map(() => null));
  });

  it("follows the phases: current phase and traffic, the next step not before the minimum duration, phase updates in words", async () => {
    const rollout = await makeRollout({
      ...smallRunbook(),
      phases: [
        { name: "Canary", trafficPercent: 10, minDurationMinutes: 30 },
        { name: "Full", trafficPercent: 100, minDurationMinutes: 60 },
      ],
      gates: [{ kind: "GO_NO_GO", name: "Go/no-go: Full", requiredRoles: ["COMMANDER"], phaseIndex: 1 }],
    });
    const [canary] = (await getRolloutState(rollout.id)).phases;
    // Phase control is another feature's; this is the state and the event it leaves behind.
    await changeRollout(rollout.id, SYSTEM_ACTOR, async (tx, record) => {
      await tx.rollout.update({ where: { id: rollout.id }, data: { status: "ACTIVE", startedAt: new Date("2026-12-01T12:00:00Z") } });
      await tx.phase.update({ where: { id: canary!.id }, data: { status: "ACTIVE", startedAt: new Date("2026-12-01T12:05:00Z") } });
      const remark = { note: "private operator remark" };
      await record("rollout.started", { phase: { id: canary!.id, name: "Canary", trafficPercent: 10 }, rollout: jsonify(await tx.rollout.findUniqueOrThrow({ where: { id: rollout.id }, select: rolloutSummarySelect })), phases: [], ...remark });
    });
    const view = await getPublicStatus(rollout.id);
    expect(view.currentPhase).toMatchObject({ name: "Canary", trafficPercent: 10, status: "ACTIVE" });
    expect(view.nextStep).toEqual({ label: "Full (100% traffic)", plannedAt: "2026-12-01T12:35:00.000Z", awaiting: "Go/no-go: Full" });
    expect(view.updates[0]).toMatchObject({ kind: "rollout", text: "Rollout started: Canary (10% traffic)" });
    expect(JSON.stringify(view)).not.toContain("private operator remark");
  });

  it("is 404, on the API and the page, for unknown, expired and revoked links", async () => {
    const rollout = await makeRollout();
    const live = await createShareToken(commander.principal, rollout.id, { expiresAt: new Date(Date.now() + 3_600_000) });
    const expired = await createShareToken(commander.principal, rollout.id, { expiresAt: new Date(Date.now() - 1000) });
    expect((await status(live.token)).status).toBe(200);
    expect(await page(live.token)).toBe("rendered");
    for (const token of [expired.token, "wr_share_made-up", "not-even-a-share-token", viewer.apiToken]) {
      expect((await status(token)).status).toBe(404);
      expect(await page(token)).toBe("not found");
    }
    const revoke = await revokeLinkRoute(new Request(`http://localhost/api/v1/share-links/${live.id}`, { method: "DELETE", headers: { authorization: `Bearer ${commander.apiToken}` } }), ctx({ id: live.id }));
    expect(revoke.status).toBe(200);
    expect((await status(live.token)).status).toBe(404);
    expect(await page(live.token)).toBe("not found");
  });
});

describe("share links API", () => {
  const post = (rolloutId: string, body: unknown, auth: string) =>
    createLinkRoute(
      new Request(`http://localhost/api/v1/rollouts/${rolloutId}/share-links`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${auth}` }, body: JSON.stringify(body) }),
      ctx({ id: rolloutId }),
    );
  const list = (rolloutId: string, auth: string) => listLinksRoute(get(`/api/v1/rollouts/${rolloutId}/share-links`, auth), ctx({ id: rolloutId }));
  const revoke = (id: string, auth: string) => revokeLinkRoute(new Request(`http://localhost/api/v1/share-links/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${auth}` } }), ctx({ id }));

  it("creates links with an expiry, lists them without their tokens, and revokes them once", async () => {
    const rollout = await makeRollout();
    const created = await post(rollout.id, { label: "Board", expiresInHours: 24 }, commander.apiToken);
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; token: string; url: string; expiresAt: string };
    expect(link.url).toBe(`http://localhost/status/${link.token}`);
    expect(link.token).toMatch(/^wr_share_/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const forever = (await (await post(rollout.id, {}, admin.apiToken)).json()) as { id: string; token: string };

    const listed = await list(rollout.id, admin.apiToken);
    expect(listed.status).toBe(200);
    const text = await listed.text();
    for (const secret of [link.token, forever.token, link.token.slice("wr_share_".length)]) expect(text).not.toContain(secret);
    expect(text).not.toContain("tokenHash");
    const { links } = JSON.parse(text) as { links: Array<{ id: string; label: string | null; state: string; expiresAt: string | null; revokedAt: string | null; createdBy: { name: string } | null }> };
    expect(links.map((l) => [l.id, l.label, l.state, l.createdBy?.name])).toEqual([
      [forever.id, null, "active", "Ada Admin"],
      [link.id, "Board", "active", "Cole Commander"],
    ]);

    const first = await revoke(link.id, commander.apiToken);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { link: { state: string } }).link.state).toBe("revoked");
    const events = await getDb().rolloutEvent.count({ where: { rolloutId: rollout.id, type: "share.revoked" } });
    expect((await revoke(link.id, commander.apiToken)).status).toBe(200);
    expect(await getDb().rolloutEvent.count({ where: { rolloutId: rollout.id, type: "share.revoked" } })).toBe(events);
    await getDb().shareToken.update({ where: { id: forever.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const after = (await (await list(rollout.id, commander.apiToken)).json()) as { links: Array<{ id: string; state: string }> };
    expect(after.links.map((l) => [l.id, l.state])).toEqual([
      [forever.id, "expired"],
      [link.id, "revoked"],
    ]);
  });

  it("is for commanders and admins only, and answers bad input with 400 and unknown ids with 404", async () => {
    const rollout = await makeRollout();
    const link = await createShareToken(commander.principal, rollout.id);
    for (const user of [engineer, viewer]) {
      expect((await list(rollout.id, user.apiToken)).status).toBe(403);
      expect((await post(rollout.id, {}, user.apiToken)).status).toBe(403);
      expect((await revoke(link.id, user.apiToken)).status).toBe(403);
    }
    expect((await listLinksRoute(get(`/api/v1/rollouts/${rollout.id}/share-links`), ctx({ id: rollout.id }))).status).toBe(401);
    // A share token cannot manage links, not even its own.
    expect((await revoke(link.id, link.token)).status).toBe(403);
    for (const body of [{ expiresInHours: 0 }, { expiresInHours: 24 * 91 }, { expiresInHours: "soon" }, { label: 5 }, { token: "chosen" }]) {
      expect((await post(rollout.id, body, commander.apiToken)).status).toBe(400);
    }
    expect((await list("missing", commander.apiToken)).status).toBe(404);
    expect((await revoke("missing", commander.apiToken)).status).toBe(404);
    expect((await post("missing", {}, commander.apiToken)).status).toBe(404);
  });
});
