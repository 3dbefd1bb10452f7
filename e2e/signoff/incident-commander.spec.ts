import { randomUUID } from "node:crypto";
import type { APIRequestContext, BrowserContext } from "@playwright/test";
import { io } from "socket.io-client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { BASE_URL } from "../fixtures/env";
import { expect, test } from "../fixtures/test";

// The incident commander's day: sign the go-live gate, start, promote canary → 50% (the demo target's traffic
// flag moves), roll back; the engineer's war room and the stakeholder's status page follow live. The demo
// target is a real HTTP server started in this test process; the rollout's actions are configured through
// the API to call it.

const TOKEN = `e2e-target-${randomUUID()}`;
let target: DemoTarget;

test.beforeAll(async () => {
  target = await startDemoTarget({ token: TOKEN, host: "127.0.0.1", badBuildAbovePercent: 100 });
});
test.afterAll(async () => {
  await target.close();
});

type Rollout = { id: string; gates: { id: string; name: string }[]; phases: { id: string; name: string }[] };

async function seedCommanderRollout(adminApi: APIRequestContext) {
  const name = `Commander ${randomUUID().slice(0, 8)}`;
  const created = await adminApi.post(`${BASE_URL}/api/v1/rollouts`, {
    data: {
      name,
      service: "payments-api",
      sections: [{ title: "Pre-deployment", items: [{ text: `Backups verified ${name}`, state: "DONE" }, { text: `On-call named ${name}` }] }],
      phases: [
        { name: "Canary", trafficPercent: 10, criteria: [{ kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 1, unit: "%", description: "Error rate > 1% for 5 minutes" }] },
        { name: "Half", trafficPercent: 50 },
      ],
      gates: [
        { kind: "GO_LIVE", name: "Go-live authorization", requiredRoles: ["COMMANDER"], approverTitles: ["Business Owner"] },
        { kind: "GO_NO_GO", name: "Go/no-go: Half", requiredRoles: ["COMMANDER"], phaseIndex: 1 },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const rollout = (await created.json()) as Rollout & { rollout: { id: string } };
  const action = async (body: Record<string, unknown>) => {
    const response = await adminApi.post(`${BASE_URL}/api/v1/rollouts/${rollout.rollout.id}/actions`, {
      data: { headers: [{ name: "Authorization", value: `Bearer ${TOKEN}`, secret: true }], allowedRoles: ["COMMANDER"], ...body },
    });
    expect(response.status(), await response.text()).toBe(201);
    const { action: created } = (await response.json()) as { action: { id: string; headers: { value: string }[] } };
    expect(JSON.stringify(created)).not.toContain(TOKEN);
    return created;
  };
  const traffic = await action({ kind: "SET_TRAFFIC", name: "Set traffic", url: `${target.url}/api/admin/feature-flags`, bodyTemplate: '{"percentage": {{percentage}}, "reason": "{{reason}}"}' });
  const rollback = await action({ kind: "ROLLBACK", name: "Rollback", url: `${target.url}/api/admin/rollback`, bodyTemplate: '{"reason": "{{reason}}"}' });
  const killSwitch = await action({ kind: "KILL_SWITCH", name: "Kill switch", url: `${target.url}/api/admin/feature-flags`, bodyTemplate: '{"killSwitch": true}', requiresSecondApprover: true });
  return { id: rollout.rollout.id, gates: rollout.gates, phases: rollout.phases, traffic, rollback, killSwitch };
}

test("the commander signs the go-live gate, promotes canary to 50% and rolls back; engineer and stakeholder see each step live", async ({ adminApi, pageAs, browser }) => {
  const rollout = await seedCommanderRollout(adminApi);
  const callsBefore = target.adminCalls().length;
  const share = await adminApi.post(`${BASE_URL}/api/v1/rollouts/${rollout.id}/share-links`, { data: { label: "execs" } });
  const { url: statusUrl } = (await share.json()) as { url: string };

  const commander = await pageAs("commander");
  const engineer = await pageAs("engineer");
  const stakeholderContext = await browser.newContext();
  const stakeholder = await stakeholderContext.newPage();

  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await stakeholder.goto(statusUrl);
  await commander.page.goto(`/rollouts/${rollout.id}/signoff`);
  for (const page of [engineer.page, stakeholder, commander.page]) await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(engineer.page.getByTestId("rollout-status")).toHaveText("Not started");
  const c = commander.page;

  // Nothing can start before the go-live authorization.
  await expect(c.getByRole("list", { name: "Blockers" })).toContainText('"Go-live authorization" is not signed GO');
  await expect(c.getByRole("button", { name: "Start rollout (Canary, 10%)" })).toBeDisabled();

  // Sign the go-live gate with the initial traffic %; the evidence is on the card.
  const goLive = c.getByRole("region", { name: "Go-live authorization" });
  await expect(goLive.getByTestId("evidence-checklist")).toHaveText("1/2 done");
  await expect(goLive.getByRole("spinbutton", { name: "Initial traffic % for Go-live authorization" })).toHaveValue("10");
  await goLive.getByRole("textbox", { name: "Comment for Go-live authorization" }).fill("Business owner agreed on the bridge");
  await goLive.getByRole("button", { name: "Sign GO" }).click();
  await expect(goLive).toHaveAttribute("data-state", "APPROVED");
  await expect(goLive.getByRole("list", { name: "Signatures" })).toContainText("initial traffic 10%");
  await expect(goLive.getByRole("list", { name: "Signatures" })).toContainText("at signing: checklist 1/2");

  // Start: the canary phase, and the demo target's traffic flag goes to 10%.
  await c.getByRole("button", { name: "Start rollout (Canary, 10%)" }).click();
  await expect.poll(() => target.state().trafficPercent).toBe(10);
  await expect(engineer.page.getByTestId("rollout-phase")).toHaveText("Canary · 10% traffic");
  await expect(stakeholder.getByTestId("current-phase")).toHaveText("Canary");
  await expect(stakeholder.getByTestId("traffic")).toHaveText("10% of traffic");

  // Promotion waits for the go/no-go of the 50% phase.
  const promote = c.getByRole("button", { name: "Promote to Half (50%)" });
  await expect(promote).toBeDisabled();
  const halfGate = c.getByRole("region", { name: "Go/no-go: Half" });
  await expect(halfGate.getByTestId("gate-evidence")).toContainText("Metrics of Canary");
  await halfGate.getByRole("button", { name: "Sign GO" }).click();
  await expect(halfGate).toHaveAttribute("data-state", "APPROVED");
  // The canary has not earned a PASS (no metrics here): promoting now takes an override with a reason.
  await expect(c.getByRole("list", { name: "Blockers" })).toContainText('"Canary" verdict is');
  await expect(promote).toBeDisabled();
  await c.getByRole("checkbox", { name: "Override the blockers" }).check();
  await c.getByRole("textbox", { name: "Override reason" }).fill("e2e: promoting early on purpose");
  await promote.click();
  await expect.poll(() => target.state().trafficPercent).toBe(50);
  await expect(engineer.page.getByTestId("rollout-phase")).toHaveText("Half · 50% traffic");
  await expect(stakeholder.getByTestId("current-phase")).toHaveText("Half");
  await expect(stakeholder.getByTestId("traffic")).toHaveText("50% of traffic");
  await expect(stakeholder.getByTestId("updates")).toContainText("Promoted to Half (50% traffic)");

  // Roll back: confirm with a reason, look at the dry run first, then run.
  await c.getByRole("button", { name: "Rollback…" }).click();
  const dialog = c.getByRole("dialog", { name: "Run Rollback" });
  await dialog.getByRole("textbox", { name: "Reason" }).fill("p99 over budget since the promotion");
  await dialog.getByRole("button", { name: "Dry run" }).click();
  await expect(dialog.getByTestId("dry-run")).toContainText("Target reachable");
  await expect(dialog.getByLabel("Request that would be sent")).toContainText("Authorization: ••••");
  expect(target.state().rolledBack).toBe(false);
  await dialog.getByRole("button", { name: "Run Rollback" }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => target.state().rolledBack).toBe(true);
  expect(target.state().trafficPercent).toBe(0);

  // Everyone sees it, without reloading.
  await expect(engineer.page.getByTestId("rollout-status")).toHaveText("Rolled back");
  await expect(engineer.page.locator('[data-kind="ROLLBACK"][data-status="SUCCEEDED"]')).toContainText("p99 over budget since the promotion");
  await expect(stakeholder.getByTestId("updates")).toContainText("Rolled back to the previous version");
  // Statuspage's words: the rollout is rolled back, and the incident is being monitored (no metrics here to recover).
  await expect(stakeholder.getByTestId("incident-state")).toHaveText("Monitoring");
  await expect(stakeholder.getByTestId("status-summary")).toHaveText("Rolled back to the previous version; watching the service recover");
  await expect(stakeholder.getByTestId("current-phase")).toHaveText("Rolled back in Half");
  await expect(stakeholder.getByTestId("next-step")).toHaveText("None: the rollout has ended");
  await expect(c.getByTestId("phase-control-status")).toContainText("Rolled back");

  // One call per step reached the target, each with its idempotency key and the secret header.
  const calls = target.adminCalls().slice(callsBefore);
  expect(calls.map((call) => [call.path, call.status, call.authorized, call.idempotencyKey !== null])).toEqual([
    ["/api/admin/feature-flags", 200, true, true],
    ["/api/admin/feature-flags", 200, true, true],
    ["/api/admin/rollback", 200, true, true],
  ]);
  // The secret never reached any browser.
  for (const page of [c, engineer.page, stakeholder]) expect(await page.content()).not.toContain(TOKEN);
  await stakeholderContext.close();
});

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies(BASE_URL)).map((c) => `${c.name}=${c.value}`).join("; ");
}

test("a viewer and an engineer get 403 for every one of these operations, over HTTP and over the socket", async ({ adminApi, pageAs }) => {
  const rollout = await seedCommanderRollout(adminApi);
  const goLive = rollout.gates.find((g) => g.name === "Go-live authorization")!;
  // A run waiting for a second approver, so approve/reject have something to refuse.
  const commander = await pageAs("commander");
  const requested = await commander.context.request.post(`/api/v1/actions/${rollout.killSwitch.id}/runs`, { data: { reason: "needs two" } });
  expect(requested.status()).toBe(201);
  const runId = ((await requested.json()) as { run: { id: string } }).run.id;
  const callsBefore = target.adminCalls().length;

  const http: [string, string, unknown][] = [
    [`/api/v1/gates/${goLive.id}/signatures`, "sign", { decision: "GO" }],
    [`/api/v1/rollouts/${rollout.id}/start`, "start", {}],
    [`/api/v1/rollouts/${rollout.id}/promote`, "promote", {}],
    [`/api/v1/rollouts/${rollout.id}/pause`, "pause", {}],
    [`/api/v1/rollouts/${rollout.id}/resume`, "resume", {}],
    [`/api/v1/rollouts/${rollout.id}/abort`, "abort", { reason: "no" }],
    [`/api/v1/actions/${rollout.rollback.id}/runs`, "run rollback", { reason: "no" }],
    [`/api/v1/actions/${rollout.traffic.id}/runs`, "set traffic", { reason: "no", params: { percentage: 100 } }],
    [`/api/v1/actions/${rollout.rollback.id}/dry-run`, "dry run", {}],
    [`/api/v1/action-runs/${runId}/approve`, "approve", {}],
    [`/api/v1/action-runs/${runId}/reject`, "reject", {}],
    [`/api/v1/rollouts/${rollout.id}/actions`, "configure", { kind: "ROLLBACK", name: "x", url: "http://127.0.0.1:9/x", allowedRoles: ["COMMANDER"] }],
  ];
  const socketCommands = [
    { type: "gate.sign", gateId: goLive.id, input: { decision: "GO" } },
    { type: "rollout.start", rolloutId: rollout.id, input: {} },
    { type: "rollout.promote", rolloutId: rollout.id, input: {} },
    { type: "rollout.pause", rolloutId: rollout.id, input: {} },
    { type: "rollout.resume", rolloutId: rollout.id, input: {} },
    { type: "rollout.abort", rolloutId: rollout.id, input: { reason: "no" } },
    { type: "action.run", actionId: rollout.rollback.id, input: { reason: "no" } },
    { type: "action.dryRun", actionId: rollout.rollback.id, input: {} },
    { type: "actionRun.approve", runId, input: {} },
    { type: "actionRun.reject", runId, input: {} },
  ];

  for (const role of ["viewer", "engineer"] as const) {
    const { context } = await pageAs(role);
    for (const [path, label, data] of http) {
      const response = await context.request.post(path, { data });
      expect([role, label, response.status()]).toEqual([role, label, 403]);
    }
    const socket = io(BASE_URL, { transports: ["websocket"], extraHeaders: { cookie: await cookieHeader(context) }, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      for (const command of socketCommands) {
        const ack = (await socket.timeout(10_000).emitWithAck("command", command)) as { ok: boolean; error?: { status: number } };
        expect([role, command.type, ack.ok, ack.error?.status]).toEqual([role, command.type, false, 403]);
      }
    } finally {
      socket.disconnect();
    }
  }

  // Nothing happened: no call reached the target, the rollout is still a draft, the run still waits.
  expect(target.adminCalls()).toHaveLength(callsBefore);
  const state = (await (await adminApi.get(`/api/v1/rollouts/${rollout.id}`)).json()) as { rollout: { status: string }; actionRuns: { id: string; status: string }[]; gates: { signatures: unknown[] }[] };
  expect(state.rollout.status).toBe("DRAFT");
  expect(state.actionRuns.find((r) => r.id === runId)?.status).toBe("PENDING_APPROVAL");
  expect(state.gates.every((g) => g.signatures.length === 0)).toBe(true);
});

test("two-person rule: the commander's kill-switch request runs only when an admin approves it", async ({ adminApi, pageAs }) => {
  const rollout = await seedCommanderRollout(adminApi);
  const callsBefore = target.adminCalls().length;
  const commander = await pageAs("commander");
  const admin = await pageAs("admin");
  await commander.page.goto(`/rollouts/${rollout.id}/signoff`);
  await admin.page.goto(`/rollouts/${rollout.id}/signoff`);
  for (const page of [commander.page, admin.page]) await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  await commander.page.getByRole("button", { name: "Kill switch…" }).click();
  const dialog = commander.page.getByRole("dialog", { name: "Run Kill switch" });
  await dialog.getByRole("textbox", { name: "Reason" }).fill("checkout errors spiking");
  await dialog.getByRole("button", { name: "Request Kill switch" }).click();
  await expect(dialog.getByRole("status")).toContainText("It runs when a second commander or admin approves it");
  await dialog.getByRole("button", { name: "Close" }).click();

  // The requester cannot approve their own request; the admin sees it live and can.
  const mine = commander.page.getByRole("group", { name: "Pending approvals" });
  await expect(mine).toContainText("checkout errors spiking");
  await expect(mine.getByRole("button", { name: "Approve and run" })).toHaveCount(0);
  expect(target.adminCalls().slice(callsBefore)).toEqual([]);
  const theirs = admin.page.getByRole("group", { name: "Pending approvals" });
  await theirs.getByRole("button", { name: "Approve and run" }).click();
  await expect.poll(() => target.state().killSwitch).toBe(true);
  expect(target.adminCalls().slice(callsBefore)).toMatchObject([{ path: "/api/admin/feature-flags", status: 200, body: { killSwitch: true } }]);

  // Both pages show the run succeeded, approved by the admin.
  for (const page of [commander.page, admin.page]) {
    const run = page.locator('[data-kind="KILL_SWITCH"]').first();
    await expect(run).toHaveAttribute("data-status", "SUCCEEDED");
    await expect(run).toContainText("approved by Ada Admin");
  }
  await expect(commander.page.getByRole("group", { name: "Pending approvals" })).toHaveCount(0);
});
