import pg from "pg";
import { e2eDatabaseUrl } from "../fixtures/processes";
import { expect, seedRollout, test } from "../fixtures/test";

// The stakeholder view as a stakeholder gets it: a link a commander made in the share panel, opened in a
// browser with no session. It follows the room live (ticks, sign-offs, promotion) and never shows a private
// field; a revoked link stops at once, an expired one is a 404.

const PRIVATE = ["+1 555 0101", "sam@example.com", "Sam Support", "Erin Engineer", "Cole Commander", "engineer@warroom.local", "commander@warroom.local"];

test("the stakeholder page follows ticks and sign-offs live, shows nothing private, and stops when revoked", async ({ adminApi, pageAs, browser }) => {
  const rollout = await seedRollout(adminApi, "Stakeholder");
  const [backups, flag] = rollout.items;
  const commander = await pageAs("commander");
  const engineer = await pageAs("engineer");
  const note = `NOTE-private-${rollout.id}`;
  const noted = await engineer.context.request.patch(`/api/v1/items/${flag!.id}`, { data: { note } });
  expect(noted.status()).toBe(200);

  // The commander makes a link in the share panel on the sign-off page.
  await commander.page.goto(`/rollouts/${rollout.id}/signoff`);
  const panel = commander.page.getByRole("region", { name: "Stakeholder links" });
  await panel.getByLabel("Label").fill("Exec team");
  await panel.getByLabel("Expires after").selectOption({ label: "7 days" });
  await panel.getByRole("button", { name: "Create link" }).click();
  const url = await panel.getByRole("textbox", { name: "New stakeholder link" }).inputValue();
  expect(url).toMatch(/\/status\/wr_share_/);
  await expect(panel.getByRole("row", { name: /Exec team/ })).toContainText("Active");

  const stranger = await browser.newContext();
  const page = await stranger.newPage();
  await page.goto(url);
  await expect(page.getByRole("heading", { name: rollout.name })).toBeVisible();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("overall-status")).toHaveText("No live metrics");
  await expect(page.getByTestId("current-phase")).toHaveText("Not started");
  await expect(page.getByTestId("next-step")).toHaveText("Go live: Canary (10% traffic)");
  await expect(page.getByTestId("status-progress")).toHaveText("0/3 (0%)");

  // A tick in the war room.
  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await engineer.page.getByRole("checkbox", { name: backups!.text }).check();
  await expect(page.getByTestId("status-progress")).toHaveText("1/3 (33%)");
  await expect(page.getByTestId("updates")).toContainText(`Checklist: "${backups!.text}" completed`);

  // A sign-off on the commander's page.
  const gate = commander.page.getByRole("region", { name: "Go-live authorization" });
  await gate.getByRole("textbox", { name: "Comment for Go-live authorization" }).fill(`COMMENT-private-${rollout.id}`);
  await gate.getByRole("button", { name: "Sign GO" }).click();
  await expect(page.getByTestId("updates")).toContainText("Go-live authorization: GO (Incident commander)");

  // Nothing private anywhere in the page, and nothing to press.
  const html = await page.content();
  for (const value of [...PRIVATE, note, `COMMENT-private-${rollout.id}`]) expect(html).not.toContain(value);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await expect(page.getByRole("button")).toHaveCount(0);
  const api = await stranger.request.get(`/api/v1/status/${url.split("/status/")[1]}`);
  const json = await api.text();
  for (const value of [...PRIVATE, note]) expect(json).not.toContain(value);

  // Revoked in the panel: the open page is disconnected and says so; the URL is a 404 from now on.
  await panel.getByRole("button", { name: "Revoke Exec team" }).click();
  await expect(panel.getByRole("row", { name: /Exec team/ })).toContainText("Revoked");
  await expect(page.getByTestId("link-invalid")).toBeVisible();
  await expect(page.getByTestId("overall-status")).toHaveCount(0);
  const reloaded = await page.goto(url);
  expect(reloaded?.status()).toBe(404);
  expect((await stranger.request.get(`/api/v1/status/${url.split("/status/")[1]}`)).status()).toBe(404);
  await stranger.close();
});

test("an expired link is a 404 on the page and the API", async ({ adminApi, page }) => {
  const rollout = await seedRollout(adminApi, "Expiry");
  const created = await adminApi.post(`/api/v1/rollouts/${rollout.id}/share-links`, { data: { label: "short", expiresInHours: 1 } });
  expect(created.status()).toBe(201);
  const { id, url, token } = (await created.json()) as { id: string; url: string; token: string };
  expect((await page.goto(url))?.status()).toBe(200);
  // An hour is long for a test: move the expiry into the past in the database, as time would.
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`UPDATE "ShareToken" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [id]);
  } finally {
    await client.end();
  }
  expect((await page.goto(url))?.status()).toBe(404);
  expect((await page.request.get(`/api/v1/status/${token}`)).status()).toBe(404);
  const links = (await (await adminApi.get(`/api/v1/rollouts/${rollout.id}/share-links`)).json()) as { links: Array<{ id: string; state: string }> };
  expect(links.links.find((l) => l.id === id)?.state).toBe("expired");
});

test("the stakeholder page follows the commander's promotion", async ({ adminApi, pageAs, browser }) => {
  const rollout = await seedRollout(adminApi, "Promotion");
  const commander = await pageAs("commander");
  const api = commander.context.request;
  // Phase control (start/promote) is built in another branch; until it is merged this route is a 404.
  const probe = await api.post(`/api/v1/rollouts/missing-rollout-id/promote`, { data: {} });
  // A route that exists answers an unknown rollout with our JSON 404; a missing route with Next's HTML 404 page.
  const routeMissing = probe.status() === 404 && !(probe.headers()["content-type"] ?? "").includes("application/json");
  test.skip(routeMissing, "POST /api/v1/rollouts/:id/promote does not exist yet (phase control, issue 5)");

  const link = (await (await api.post(`/api/v1/rollouts/${rollout.id}/share-links`, { data: { label: "promotion" } })).json()) as { url: string; token: string };
  const stranger = await browser.newContext();
  const page = await stranger.newPage();
  await page.goto(link.url);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("current-phase")).toHaveText("Not started");

  // Go-live authorization first, as a commander would.
  const signed = await api.post(`/api/v1/gates/${rollout.gates[0]!.id}/signatures`, { data: { decision: "GO" } });
  expect(signed.status()).toBe(201);
  const start = await api.post(`/api/v1/rollouts/${rollout.id}/start`, { data: {} });
  if (start.status() !== 404) expect(start.ok(), await start.text()).toBeTruthy();
  // Minutes into the canary, with no verdict yet: promoting takes an override.
  const promote = await api.post(`/api/v1/rollouts/${rollout.id}/promote`, { data: { override: { reason: "e2e: promoting early on purpose" } } });
  expect(promote.ok(), await promote.text()).toBeTruthy();

  // Whatever phase the server now reports as current, the open page shows it with its traffic, without a reload.
  const view = (await (await stranger.request.get(`/api/v1/status/${link.token}`)).json()) as { currentPhase: { name: string; trafficPercent: number } | null };
  expect(view.currentPhase).not.toBeNull();
  await expect(page.getByTestId("current-phase")).toHaveText(view.currentPhase!.name);
  await expect(page.getByTestId("traffic")).toContainText(`${view.currentPhase!.trafficPercent}% of traffic`);
  await expect(page.getByTestId("updates")).toContainText(view.currentPhase!.name);
  const html = await page.content();
  for (const value of PRIVATE) expect(html).not.toContain(value);
  await stranger.close();
});
