import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { getRolloutState } from "@/lib/domain/rollouts";
import type { RunbookDraftInput } from "@/lib/schemas/runbook";
import { POST as startRoute } from "@/app/api/v1/rollouts/[id]/start/route";
import { POST as promoteRoute } from "@/app/api/v1/rollouts/[id]/promote/route";
import { POST as pauseRoute } from "@/app/api/v1/rollouts/[id]/pause/route";
import { POST as resumeRoute } from "@/app/api/v1/rollouts/[id]/resume/route";
import { POST as abortRoute } from "@/app/api/v1/rollouts/[id]/abort/route";
import { GET as listActionsRoute, POST as createActionRoute } from "@/app/api/v1/rollouts/[id]/actions/route";
import { GET as listRunsRoute } from "@/app/api/v1/rollouts/[id]/action-runs/route";
import { GET as getRolloutRoute } from "@/app/api/v1/rollouts/[id]/route";
import { GET as eventsRoute } from "@/app/api/v1/rollouts/[id]/events/route";
import { POST as shareRoute } from "@/app/api/v1/rollouts/[id]/share-links/route";
import { GET as statusRoute } from "@/app/api/v1/status/[token]/route";
import { DELETE as deleteActionRoute, GET as getActionRoute, PATCH as patchActionRoute } from "@/app/api/v1/actions/[id]/route";
import { POST as runRoute } from "@/app/api/v1/actions/[id]/runs/route";
import { POST as dryRunRoute } from "@/app/api/v1/actions/[id]/dry-run/route";
import { POST as approveRoute } from "@/app/api/v1/action-runs/[id]/approve/route";
import { POST as rejectRoute } from "@/app/api/v1/action-runs/[id]/reject/route";
import { POST as signRoute } from "@/app/api/v1/gates/[id]/signatures/route";

// The phase-control and action routes called with real Requests: who may do what (403 for viewers and
// engineers on every operation), bad input naming the field, unknown ids, idempotency over HTTP, and a scan of
// every response, event, run row and console line for the action's secret.

type User = Awaited<ReturnType<typeof makeUser>>;
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const SECRET = "Bearer s3cr3t-9f8e7d6c5b4a-never-show-me";
const TOKEN = SECRET.slice("Bearer ".length);
let target: DemoTarget;
let echo: Server;
let echoUrl: string;
let admin: User, commander: User, deputy: User, engineer: User, viewer: User;
const captured: string[] = [];

beforeAll(async () => {
  // Everything written to the console during these tests is kept and scanned for the secret at the end.
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (a instanceof Error ? `${a.stack} ${JSON.stringify(a)}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      original(...args);
    });
  }
  target = await startDemoTarget({ token: TOKEN, badBuildAbovePercent: 100 });
  // A target that answers with everything it got, the credentials included: what we keep must be scrubbed.
  echo = createServer((req, res) => {
    res.writeHead(req.url?.includes("fail") ? 500 : 200, { "content-type": "application/json" }).end(JSON.stringify({ headers: req.headers }));
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  [admin, commander, deputy, engineer, viewer] = await Promise.all([makeUser("ADMIN"), makeUser("COMMANDER"), makeUser("COMMANDER"), makeUser("ENGINEER"), makeUser("VIEWER")]);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await target.close();
  echo.closeAllConnections();
  await new Promise((resolve) => echo.close(resolve));
});

const responses: string[] = [];

async function call(handler: Handler, method: string, path: string, params: Record<string, string>, opts: { body?: unknown; auth?: string; cookie?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const response = await handler(new Request(`http://localhost${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }), {
    params: Promise.resolve(params),
  });
  const text = await response.text();
  responses.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const runbook = (): RunbookDraftInput => ({
  name: `API ${Math.random().toString(36).slice(2, 8)}`,
  service: "checkout",
  sections: [{ title: "Pre-deployment", items: [{ text: "Backups verified" }] }],
  phases: [
    { name: "Canary", trafficPercent: 10 },
    { name: "Half", trafficPercent: 50 },
  ],
  gates: [
    { kind: "GO_LIVE", name: "Go-live authorization", requiredRoles: ["COMMANDER"] },
    { kind: "GO_NO_GO", name: "Go/no-go: Half", requiredRoles: ["COMMANDER"], phaseIndex: 1 },
  ],
});

const actionBody = (kind: string, url: string, extra: Record<string, unknown> = {}) => ({
  kind,
  name: kind === "SET_TRAFFIC" ? "Set traffic" : kind === "ROLLBACK" ? "Rollback" : "Kill switch",
  url,
  headers: [
    { name: "Authorization", value: SECRET, secret: true },
    { name: "X-Team", value: "payments" },
  ],
  bodyTemplate: kind === "SET_TRAFFIC" ? '{"percentage": {{percentage}}, "reason": "{{reason}}"}' : kind === "ROLLBACK" ? '{"reason": "{{reason}}"}' : '{"killSwitch": true, "reason": "{{reason}}"}',
  allowedRoles: ["COMMANDER"],
  ...extra,
});

async function rolloutWithActions() {
  const rollout = await makeRollout(runbook());
  const id = rollout.id;
  const create = async (body: Record<string, unknown>) => {
    const res = await call(createActionRoute, "POST", `/api/v1/rollouts/${id}/actions`, { id }, { body, auth: admin.apiToken });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.action as { id: string; headers: { name: string; value: string; secret: boolean }[] };
  };
  const traffic = await create(actionBody("SET_TRAFFIC", `${target.url}/api/admin/feature-flags`));
  const rollback = await create(actionBody("ROLLBACK", `${target.url}/api/admin/rollback`));
  const killSwitch = await create(actionBody("KILL_SWITCH", `${target.url}/api/admin/feature-flags`, { requiresSecondApprover: true }));
  const state = await getRolloutState(id);
  return { id, traffic, rollback, killSwitch, goLive: state.gates[0]!, half: state.gates[1]!, phases: state.phases };
}

describe("roles", () => {
  it("answers 403 to a viewer and an engineer for every operation, by cookie and by token, and changes nothing", async () => {
    const r = await rolloutWithActions();
    const pending = await call(runRoute, "POST", `/api/v1/actions/${r.killSwitch.id}/runs`, { id: r.killSwitch.id }, { body: { reason: "needs two" }, auth: commander.apiToken });
    expect(pending.status).toBe(201);
    const runId = pending.body.run.id as string;
    const callsBefore = target.adminCalls().length;
    const seqBefore = (await getRolloutState(r.id)).lastSeq;

    const operations: [string, Handler, string, Record<string, string>, unknown][] = [
      ["start", startRoute, "POST", { id: r.id }, {}],
      ["promote", promoteRoute, "POST", { id: r.id }, {}],
      ["pause", pauseRoute, "POST", { id: r.id }, {}],
      ["resume", resumeRoute, "POST", { id: r.id }, {}],
      ["abort", abortRoute, "POST", { id: r.id }, { reason: "x" }],
      ["sign", signRoute, "POST", { id: r.goLive.id }, { decision: "GO" }],
      ["list configs", listActionsRoute, "GET", { id: r.id }, undefined],
      ["create action", createActionRoute, "POST", { id: r.id }, actionBody("ROLLBACK", `${target.url}/api/admin/rollback`)],
      ["read action", getActionRoute, "GET", { id: r.rollback.id }, undefined],
      ["change action", patchActionRoute, "PATCH", { id: r.rollback.id }, { name: "mine now" }],
      ["delete action", deleteActionRoute, "DELETE", { id: r.rollback.id }, undefined],
      ["run", runRoute, "POST", { id: r.rollback.id }, { reason: "x" }],
      ["dry run", dryRunRoute, "POST", { id: r.rollback.id }, { reason: "x" }],
      ["approve", approveRoute, "POST", { id: runId }, {}],
      ["reject", rejectRoute, "POST", { id: runId }, {}],
    ];
    for (const user of [viewer, engineer]) {
      for (const credentials of [{ auth: user.apiToken }, { cookie: user.cookie }]) {
        for (const [label, handler, method, params, body] of operations) {
          const res = await call(handler, method, "/api/v1/x", params, { body, ...credentials });
          expect([label, user.role, res.status, res.body?.error?.code]).toEqual([label, user.role, 403, "forbidden"]);
        }
      }
    }
    expect(target.adminCalls()).toHaveLength(callsBefore);
    expect((await getRolloutState(r.id)).lastSeq).toBe(seqBefore);
    expect((await getDb().actionRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("PENDING_APPROVAL");
  });

  it("lets the commander run the whole flow: sign, start, sign, promote, roll back", async () => {
    const r = await rolloutWithActions();
    const as = { auth: commander.apiToken };
    expect((await call(startRoute, "POST", "/", { id: r.id }, { body: {}, ...as })).body.error).toMatchObject({ code: "conflict", blockers: [{ code: "gate_pending" }] });
    expect((await call(signRoute, "POST", "/", { id: r.goLive.id }, { body: { decision: "GO", trafficPercent: 10 }, ...as })).status).toBe(201);
    const started = await call(startRoute, "POST", "/", { id: r.id }, { body: {}, ...as });
    expect(started.status).toBe(200);
    expect(started.body.trafficRun).toMatchObject({ status: "SUCCEEDED" });
    expect(target.state().trafficPercent).toBe(10);
    expect((await call(signRoute, "POST", "/", { id: r.half.id }, { body: { decision: "GO" }, ...as })).status).toBe(201);
    const promoted = await call(promoteRoute, "POST", "/", { id: r.id }, { body: { toPhaseId: r.phases[1]!.id, override: { reason: "no metrics in this flow: the canary verdict is never evaluated" } }, ...as });
    expect(promoted.status).toBe(200);
    expect(target.state().trafficPercent).toBe(50);
    const rolledBack = await call(runRoute, "POST", "/", { id: r.rollback.id }, { body: { reason: "p99 regression" }, headers: { "Idempotency-Key": "flow-rb" }, ...as });
    expect(rolledBack.status).toBe(201);
    expect(target.state()).toMatchObject({ rolledBack: true, trafficPercent: 0 });
    expect((await call(getRolloutRoute, "GET", "/", { id: r.id }, { auth: viewer.apiToken })).body.rollout.status).toBe("ROLLED_BACK");
  });
});

describe("input and ids", () => {
  it.each([
    ["a run without a reason", "run", {}, "reason"],
    ["a percentage above 100", "run", { reason: "x", params: { percentage: 140 } }, "params.percentage"],
    ["an unknown run field", "run", { reason: "x", requestedBy: "someone-else" }, "body"],
    ["an override without a reason", "promote", { override: {} }, "override.reason"],
    ["an abort without a reason", "abort", {}, "reason"],
    ["a non-http URL", "create", { ...actionBody("ROLLBACK", "file:///etc/passwd") }, "url"],
    ["a URL with credentials", "create", { ...actionBody("ROLLBACK", "https://admin:hunter2@target.example/x") }, "url"],
    ["an engineer as allowed role", "create", { ...actionBody("ROLLBACK", "http://127.0.0.1:1/x"), allowedRoles: ["ENGINEER"] }, "allowedRoles.0"],
    ["a reserved header", "create", { ...actionBody("ROLLBACK", "http://127.0.0.1:1/x"), headers: [{ name: "Idempotency-Key", value: "x" }] }, "headers.0.name"],
    ["a template that is not JSON", "create", { ...actionBody("ROLLBACK", "http://127.0.0.1:1/x"), bodyTemplate: '{"reason": {{reason}}}' }, "bodyTemplate"],
  ])("answers %s with 400 naming the field", async (_label, operation, body, field) => {
    const r = await rolloutWithActions();
    const [handler, params] = {
      run: [runRoute, { id: r.rollback.id }],
      promote: [promoteRoute, { id: r.id }],
      abort: [abortRoute, { id: r.id }],
      create: [createActionRoute, { id: r.id }],
    }[operation] as unknown as [Handler, Record<string, string>];
    const res = await call(handler, "POST", "/", params, { body, auth: operation === "create" ? admin.apiToken : commander.apiToken });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toContain(field);
  });

  it("answers a bad Idempotency-Key header with 400 naming it", async () => {
    const r = await rolloutWithActions();
    const res = await call(runRoute, "POST", "/", { id: r.rollback.id }, { body: { reason: "x" }, headers: { "Idempotency-Key": "has spaces in it" }, auth: commander.apiToken });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty(["Idempotency-Key"]);
  });

  it("answers unknown ids with 404", async () => {
    const as = { auth: admin.apiToken };
    expect((await call(startRoute, "POST", "/", { id: "nope" }, { body: {}, ...as })).status).toBe(404);
    expect((await call(runRoute, "POST", "/", { id: "nope" }, { body: { reason: "x" }, ...as })).status).toBe(404);
    expect((await call(dryRunRoute, "POST", "/", { id: "nope" }, { body: {}, ...as })).status).toBe(404);
    expect((await call(approveRoute, "POST", "/", { id: "nope" }, { body: {}, ...as })).status).toBe(404);
    expect((await call(patchActionRoute, "PATCH", "/", { id: "nope" }, { body: { name: "x" }, ...as })).status).toBe(404);
    expect((await call(listActionsRoute, "GET", "/", { id: "nope" }, as)).status).toBe(404);
    expect((await call(listRunsRoute, "GET", "/", { id: "nope" }, as)).status).toBe(404);
  });
});

describe("runs over HTTP", () => {
  it("replays a repeated Idempotency-Key without calling the target again", async () => {
    const r = await rolloutWithActions();
    const send = () => call(runRoute, "POST", "/", { id: r.traffic.id }, { body: { reason: "custom", params: { percentage: 20 } }, headers: { "Idempotency-Key": "http-retry-1" }, auth: commander.apiToken });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body.run.id).toBe(first.body.run.id);
    expect(target.adminCalls().filter((c) => c.idempotencyKey === "http-retry-1")).toHaveLength(1);
  });

  it("keeps Idempotency-Keys per user: another user's replay of a key is a 409 without the first user's run", async () => {
    const r = await rolloutWithActions();
    const body = { reason: "custom", params: { percentage: 20 } };
    const first = await call(runRoute, "POST", "/", { id: r.traffic.id }, { body, headers: { "Idempotency-Key": "per-user-1" }, auth: commander.apiToken });
    expect(first.status).toBe(201);
    const other = await call(runRoute, "POST", "/", { id: r.traffic.id }, { body, headers: { "Idempotency-Key": "per-user-1" }, auth: admin.apiToken });
    expect(other.status).toBe(409);
    expect(JSON.stringify(other.body)).not.toContain(first.body.run.id);
    expect(target.adminCalls().filter((c) => c.idempotencyKey === "per-user-1")).toHaveLength(1);
  });

  it("answers a target that is down with 502, a clear message and the one failed run", async () => {
    const r = await rolloutWithActions();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await call(
      createActionRoute,
      "POST",
      "/",
      { id: r.id },
      { body: actionBody("ROLLBACK", `http://127.0.0.1:${port}/api/admin/rollback`, { name: "Rollback (down)" }), auth: admin.apiToken },
    );
    const res = await call(runRoute, "POST", "/", { id: down.body.action.id }, { body: { reason: "try" }, auth: commander.apiToken });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: "bad_gateway", message: "Rollback (down) failed: Could not reach the target (connection refused) after 3 attempts", run: { status: "FAILED", attempts: 3 } });
    expect(await getDb().actionRun.count({ where: { actionId: down.body.action.id } })).toBe(1);
  });

  it("approves a two-person run by another commander only", async () => {
    const r = await rolloutWithActions();
    const requested = await call(runRoute, "POST", "/", { id: r.killSwitch.id }, { body: { reason: "stop the bleeding" }, auth: commander.apiToken });
    expect(requested.body.run.status).toBe("PENDING_APPROVAL");
    expect((await call(approveRoute, "POST", "/", { id: requested.body.run.id }, { body: {}, auth: commander.apiToken })).status).toBe(403);
    const approved = await call(approveRoute, "POST", "/", { id: requested.body.run.id }, { body: {}, cookie: deputy.cookie });
    expect(approved.status).toBe(200);
    expect(approved.body.run).toMatchObject({ status: "SUCCEEDED", approvedBy: { id: deputy.id } });
    expect(target.state().killSwitch).toBe(true);
  });

  it("lists runs with the request and excerpt for commanders, without them for viewers", async () => {
    const r = await rolloutWithActions();
    await call(runRoute, "POST", "/", { id: r.traffic.id }, { body: { reason: "listing", params: { percentage: 5 } }, auth: commander.apiToken });
    const forCommander = await call(listRunsRoute, "GET", "/", { id: r.id }, { auth: commander.apiToken });
    expect(forCommander.body.runs[0]).toMatchObject({ reason: "listing", request: { headers: { Authorization: "••••" } } });
    const forViewer = await call(listRunsRoute, "GET", "/", { id: r.id }, { auth: viewer.apiToken });
    expect(forViewer.body.runs[0]).toMatchObject({ reason: "listing" });
    expect(forViewer.body.runs[0]).not.toHaveProperty("request");
  });
});

describe("errors after the phase change has committed", () => {
  it("answers a start whose traffic call cannot be prepared with 200, the phase changed, and a FAILED run saying why", async () => {
    const r = await rolloutWithActions();
    const as = { auth: commander.apiToken };
    expect((await call(signRoute, "POST", "/", { id: r.goLive.id }, { body: { decision: "GO" }, ...as })).status).toBe(201);
    // The traffic action's secret headers were encrypted with another key: preparing the call fails (409).
    const key = process.env.WARROOM_SECRET_KEY;
    process.env.WARROOM_SECRET_KEY = Buffer.alloc(32, 9).toString("base64");
    try {
      const started = await call(startRoute, "POST", "/", { id: r.id }, { body: {}, ...as });
      expect(started.status).toBe(200);
      expect(started.body.rollout.status).toBe("ACTIVE");
      expect(started.body.trafficRun).toMatchObject({ status: "FAILED", error: expect.stringContaining("cannot be decrypted") });
    } finally {
      process.env.WARROOM_SECRET_KEY = key;
    }
    const state = await getRolloutState(r.id);
    expect(state.rollout.status).toBe("ACTIVE");
    expect(state.actionRuns[0]).toMatchObject({ status: "FAILED" });
  });
});

describe("outbound calls and secrets", () => {
  it("asks for the secret headers again when an action's URL moves to another host, and never sends them there", async () => {
    const r = await rolloutWithActions();
    const as = { auth: admin.apiToken };
    const moved = await call(patchActionRoute, "PATCH", "/", { id: r.rollback.id }, { body: { url: `${echoUrl}/echo` }, ...as });
    expect(moved.status).toBe(400);
    expect(Object.keys(moved.body.error.fields)).toEqual(["headers"]);
    const keptByName = await call(patchActionRoute, "PATCH", "/", { id: r.rollback.id }, { body: { url: `${echoUrl}/echo`, headers: [{ name: "Authorization", secret: true }] }, ...as });
    expect(keptByName.status).toBe(400);
    expect(Object.keys(keptByName.body.error.fields)).toEqual(["headers.0.value"]);
    // The same host, another path: the secrets stay.
    const samePlace = new URL(target.url);
    const renamed = await call(patchActionRoute, "PATCH", "/", { id: r.rollback.id }, { body: { url: `${samePlace.origin}/api/admin/rollback?again=1` }, ...as });
    expect(renamed.status).toBe(200);
    expect(renamed.body.action.headers).toContainEqual({ name: "Authorization", value: "••••", secret: true });
    // Re-entered for the new host: accepted, and that is what the new host receives.
    const reentered = await call(patchActionRoute, "PATCH", "/", { id: r.rollback.id }, { body: { url: `${echoUrl}/echo`, headers: [{ name: "Authorization", value: "Bearer for-the-echo-host", secret: true }] }, ...as });
    expect(reentered.status).toBe(200);
  });

  it("refuses link-local, metadata and credential-carrying URLs for actions and tiles, naming the field", async () => {
    const r = await rolloutWithActions();
    const as = { auth: admin.apiToken };
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest", "http://metadata.google.internal/computeMetadata/v1/", "http://10.0.0.5/rollback"]) {
      const created = await call(createActionRoute, "POST", "/", { id: r.id }, { body: actionBody("CUSTOM", url, { name: `Bad ${url}` }), ...as });
      expect(created.status, url).toBe(400);
      expect(Object.keys(created.body.error.fields), url).toEqual(["url"]);
      const patched = await call(patchActionRoute, "PATCH", "/", { id: r.rollback.id }, { body: { url, headers: [{ name: "Authorization", value: "x", secret: true }] }, ...as });
      expect(patched.status, url).toBe(400);
    }
    const { POST: createTileRoute } = await import("@/app/api/v1/rollouts/[id]/tiles/route");
    for (const sourceUrl of ["http://169.254.169.254/metrics", "http://user:pw@127.0.0.1:9/metrics", "http://metadata.google.internal/metrics"]) {
      const tile = await call(createTileRoute, "POST", "/", { id: r.id }, { body: { key: `t${Math.random().toString(36).slice(2, 7)}`, label: "Bad", sourceKind: "SCRAPE", sourceUrl, query: "up" }, ...as });
      expect(tile.status, sourceUrl).toBe(400);
      expect(Object.keys(tile.body.error.fields), sourceUrl).toEqual(["sourceUrl"]);
    }
  });
});

describe("the secret", () => {
  it("never appears in any API response, event, run row or console line", async () => {
    const r = await rolloutWithActions();
    const as = { auth: admin.apiToken };
    const echoed = await call(createActionRoute, "POST", "/", { id: r.id }, { body: actionBody("CUSTOM", `${echoUrl}/echo`, { name: "Echo" }), ...as });
    const failing = await call(createActionRoute, "POST", "/", { id: r.id }, { body: actionBody("CUSTOM", `${echoUrl}/fail`, { name: "Echo fail" }), ...as });
    // Exercise everything that touches the action: list, read, change, runs (ok, failing, echoing), dry run,
    // approval, state, events, the stakeholder view, errors.
    await call(listActionsRoute, "GET", "/", { id: r.id }, as);
    await call(getActionRoute, "GET", "/", { id: r.rollback.id }, as);
    await call(patchActionRoute, "PATCH", "/", { id: r.rollback.id }, { body: { name: "Rollback v2", headers: [{ name: "Authorization", secret: true }] }, ...as });
    const echoRun = await call(runRoute, "POST", "/", { id: echoed.body.action.id }, { body: { reason: "echo" }, ...as });
    expect(echoRun.body.run.responseExcerpt).toContain('"authorization":"••••"');
    await call(runRoute, "POST", "/", { id: failing.body.action.id }, { body: { reason: "fail" }, ...as });
    await call(dryRunRoute, "POST", "/", { id: r.traffic.id }, { body: { reason: "dry", params: { percentage: 1 } }, ...as });
    await call(signRoute, "POST", "/", { id: r.goLive.id }, { body: { decision: "GO" }, auth: commander.apiToken });
    await call(startRoute, "POST", "/", { id: r.id }, { body: {}, auth: commander.apiToken });
    const pending = await call(runRoute, "POST", "/", { id: r.killSwitch.id }, { body: { reason: "two" }, auth: commander.apiToken });
    await call(approveRoute, "POST", "/", { id: pending.body.run.id }, { body: {}, auth: deputy.apiToken });
    await call(runRoute, "POST", "/", { id: r.rollback.id }, { body: { reason: "rb" }, auth: commander.apiToken });
    await call(getRolloutRoute, "GET", "/", { id: r.id }, as);
    await call(listRunsRoute, "GET", "/", { id: r.id }, as);
    await call(eventsRoute, "GET", `/api/v1/rollouts/${r.id}/events`, { id: r.id }, as);
    const link = await call(shareRoute, "POST", "/", { id: r.id }, { body: {}, ...as });
    await call(statusRoute as Handler, "GET", "/", { token: link.body.token });
    await call(deleteActionRoute, "DELETE", "/", { id: echoed.body.action.id }, as);

    // The secret was really used: the demo target saw a valid token.
    expect(target.adminCalls().filter((c) => c.authorized).length).toBeGreaterThan(0);

    const events = await getDb().rolloutEvent.findMany({ select: { data: true, type: true, actorName: true } });
    const runs = await getDb().actionRun.findMany();
    const haystacks = { responses: responses.join("\n"), events: JSON.stringify(events), runs: JSON.stringify(runs), console: captured.join("\n") };
    expect(responses.length).toBeGreaterThan(20);
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(TOKEN), `secret found in ${where}`).toBe(false);
      expect(text.includes(TOKEN.slice(0, 12)), `part of the secret found in ${where}`).toBe(false);
    }
  });
});
