import { randomBytes, randomUUID } from "node:crypto";
import { startDemoTarget, type DemoTarget } from "../../lib/demo-target/server";
import { BASE_URL } from "../fixtures/env";
import { expect, test } from "../fixtures/test";

// The demo's bad canary, end to end on the real server (fast workers and a 5-second recovery period:
// playwright.config.ts): the canary passes the bad-build point, its trigger goes Pending, then Firing, the
// verdict FAIL; the war room says "Do this now" with Roll back; the commander rolls back; the stakeholder page
// says Rolled back / Monitoring, then Resolved once the metrics have recovered.

test("bad canary: Pending → Firing → FAIL, the banner's Roll back runs, the stakeholder page goes Monitoring then Resolved", async ({ adminApi, pageAs, browser }) => {
  const token = randomBytes(16).toString("hex");
  const target: DemoTarget = await startDemoTarget({ token, requestsPerSecond: 2000 });
  try {
    const created = await adminApi.post(`${BASE_URL}/api/v1/rollouts`, {
      data: {
        name: `Bad canary ${randomUUID().slice(0, 8)}`,
        service: "payments",
        sections: [{ title: "Go-live", items: [{ text: "Watch the canary" }] }],
        phases: [
          {
            name: "Canary",
            trafficPercent: 50,
            criteria: [
              { kind: "SUCCESS", metricKey: "error_rate", comparator: "LT", threshold: 1, unit: "%", description: "Error rate < 1%" },
              { kind: "ROLLBACK_TRIGGER", metricKey: "error_rate", comparator: "GT", threshold: 2, unit: "%", pendingSeconds: 3, description: "Error rate > 2% for 3 s" },
            ],
          },
          { name: "Full", trafficPercent: 100 },
        ],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const rolloutId = ((await created.json()) as { rollout: { id: string } }).rollout.id;
    const tile = await adminApi.post(`/api/v1/rollouts/${rolloutId}/tiles`, {
      data: {
        key: "error_rate",
        label: "Error rate",
        unit: "%",
        sourceKind: "SCRAPE",
        sourceUrl: `${target.url}/metrics`,
        query: { kind: "ratio", numerator: 'http_requests_total{status="5xx"}', denominator: "http_requests_total" },
        pollIntervalSeconds: 1,
        warnThreshold: 1,
        breachThreshold: 2,
      },
    });
    expect(tile.status(), await tile.text()).toBe(201);
    const action = await adminApi.post(`/api/v1/rollouts/${rolloutId}/actions`, {
      data: {
        kind: "ROLLBACK",
        name: "Roll back the canary",
        url: `${target.url}/api/admin/rollback`,
        headers: [{ name: "Authorization", value: `Bearer ${token}`, secret: true }],
        bodyTemplate: '{"reason": "{{reason}}"}',
        allowedRoles: ["COMMANDER", "ADMIN"],
      },
    });
    expect(action.status(), await action.text()).toBe(201);
    const started = await adminApi.post(`/api/v1/rollouts/${rolloutId}/start`, { data: { override: { reason: "e2e: gates are not under test here" } } });
    expect(started.status(), await started.text()).toBe(200);
    const share = await adminApi.post(`/api/v1/rollouts/${rolloutId}/share-links`, { data: { label: "execs" } });
    const { url: statusUrl } = (await share.json()) as { url: string };

    const { page } = await pageAs("commander");
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`/rollouts/${rolloutId}`);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    const stakeholder = await (await browser.newContext()).newPage();
    await stakeholder.goto(statusUrl);

    // Healthy first: PASS, no banner.
    await expect(page.getByTestId("verdict")).toHaveText("PASS", { timeout: 20_000 });
    await expect(page.getByTestId("do-this-now")).toHaveCount(0);

    // The canary passes the bad-build point.
    const flag = await fetch(`${target.url}/api/admin/feature-flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ percentage: 50 }),
    });
    expect(flag.status).toBe(200);

    const banner = page.getByRole("alert", { name: "Do this now" });
    await expect(banner.locator('[data-state="PENDING"]')).toContainText("Error rate > 2% for 3 s", { timeout: 20_000 });
    await expect(banner.locator('[data-state="FIRING"]')).toContainText(/Firing since .*: Error rate > 2% for 3 s · [\d.]+ % against > 2 %/, { timeout: 20_000 });
    await expect(page.getByTestId("verdict")).toHaveText("FAIL");
    await expect(stakeholder.getByTestId("overall-status")).toHaveText("Major Outage", { timeout: 20_000 });
    await expect(stakeholder.getByTestId("incident-state")).toHaveText("Identified");
    await expect(stakeholder.getByTestId("next-step")).toHaveText("The team decides: hold or roll back");
    await page.screenshot({ path: "test-results/war-room-wall-1920x1080.png" });

    // Roll back from the banner.
    await banner.getByRole("button", { name: "Roll back…" }).click();
    const dialog = page.getByRole("dialog", { name: "Run Roll back the canary" });
    await dialog.getByRole("textbox", { name: "Reason" }).fill("error rate over 2% on the canary");
    await dialog.getByRole("button", { name: "Run Roll back the canary" }).click();
    await expect.poll(() => target.state().rolledBack).toBe(true);
    await expect(page.getByTestId("header-rollout-status")).toHaveText("Rolled back");
    await expect(page.getByTestId("current-phase")).toHaveText("Rolled back in Canary (50% traffic)");
    await expect(page.getByTestId("do-this-now")).toHaveCount(0);

    // The stakeholder page: rolled back and monitoring, then Resolved once the metrics have been healthy.
    await expect(stakeholder.getByTestId("status-summary")).toContainText("Rolled back to the previous version", { timeout: 20_000 });
    await expect(stakeholder.getByTestId("incident-state")).toHaveText(/Monitoring|Resolved/);
    await expect(stakeholder.getByTestId("incident-state")).toHaveText("Resolved", { timeout: 60_000 });
    await expect(stakeholder.getByTestId("overall-status")).toHaveText("Operational");
    await expect(stakeholder.getByTestId("current-phase")).toHaveText("Rolled back in Canary");
    await stakeholder.setViewportSize({ width: 390, height: 844 });
    await stakeholder.screenshot({ path: "test-results/status-phone-390x844.png", fullPage: true });
  } finally {
    await target.close();
  }
});
