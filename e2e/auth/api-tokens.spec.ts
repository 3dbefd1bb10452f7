import AxeBuilder from "@axe-core/playwright";
import { BASE_URL } from "../fixtures/env";
import { expect, seedRollout, test } from "../fixtures/test";

// Scoped API tokens from the profile page: an engineer makes a push-only token for one rollout; the list shows its
// scope and rollout; the token pushes to that rollout and gets 403 on another and on a tick. The page passes axe.

test("an engineer creates a push-only token limited to one rollout on the profile page", async ({ adminApi, pageAs, playwright }) => {
  const [mine, other] = [await seedRollout(adminApi, "Token scope A"), await seedRollout(adminApi, "Token scope B")];
  for (const rollout of [mine, other]) {
    const tile = await adminApi.post(`/api/v1/rollouts/${rollout.id}/tiles`, { data: { key: "queue_depth", label: "Queue depth", sourceKind: "PUSH" } });
    expect(tile.status(), await tile.text()).toBe(201);
  }
  const { page } = await pageAs("engineer");
  await page.goto("/profile");
  const panel = page.getByRole("region", { name: "API tokens" });
  const name = `ci-push-${Math.random().toString(36).slice(2, 8)}`;
  await panel.getByLabel("Token name").fill(name);
  await panel.getByLabel("Scope").selectOption("METRICS_PUSH");
  await panel.getByLabel("Only the rollouts chosen below").check();
  await panel.getByRole("list", { name: "Rollouts this token may touch" }).getByLabel(mine.name, { exact: true }).check();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await panel.getByRole("button", { name: "Create token" }).click();

  const token = await panel.getByLabel("New API token").inputValue();
  expect(token).toMatch(/^wr_pat_/);
  const row = panel.getByTestId(`token-${name}`);
  await expect(row.getByTestId("token-scope")).toHaveText("Push metrics only");
  await expect(row.getByTestId("token-rollouts")).toHaveText(mine.name);
  await expect(row).toHaveAttribute("data-state", "active");
  await page.screenshot({ path: "test-results/profile-api-tokens.png", fullPage: true });

  const automation = await playwright.request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const pushTo = (rolloutId: string) => automation.post(`/api/v1/metrics`, { data: { rolloutId, samples: [{ key: "queue_depth", value: 4 }] } });
  expect((await pushTo(mine.id)).status()).toBe(202);
  const refused = await pushTo(other.id);
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(other.id);
  const tick = await automation.patch(`/api/v1/items/${mine.items[0]!.id}`, { data: { state: "DONE" } });
  expect(tick.status()).toBe(403);
  await automation.dispose();

  // Revoked from the list: 401 from then on.
  await panel.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(row).toHaveAttribute("data-state", "revoked");
  const after = await playwright.request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await after.post(`/api/v1/metrics`, { data: { rolloutId: mine.id, samples: [{ key: "queue_depth", value: 4 }] } })).status()).toBe(401);
  await after.dispose();
});
