import { expect, seedRollout, test } from "../fixtures/test";

test("the share link shows the rollout without login, live, and without private fields", async ({ adminApi, pageAs, browser }) => {
  const rollout = await seedRollout(adminApi, "Share");
  const linkResponse = await adminApi.post(`/api/v1/rollouts/${rollout.id}/share-links`, { data: { label: "execs" } });
  expect(linkResponse.status()).toBe(201);
  const { url } = (await linkResponse.json()) as { url: string };

  const stranger = await browser.newContext();
  const page = await stranger.newPage();
  await page.goto(url);
  await expect(page.getByRole("heading", { name: rollout.name })).toBeVisible();
  await expect(page.getByTestId("overall-status")).toHaveText("No live metrics");
  await expect(page.getByTestId("status-progress")).toHaveText("0/3 (0%)");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  const engineer = await pageAs("engineer");
  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await engineer.page.getByRole("checkbox", { name: rollout.items[0]!.text }).check();
  await expect(page.getByTestId("status-progress")).toHaveText("1/3 (33%)");
  await expect(page.getByTestId("updates")).toContainText(`"${rollout.items[0]!.text}" completed`);

  const html = await page.content();
  for (const secret of ["+1 555 0101", "sam@example.com", "Sam Support"]) expect(html).not.toContain(secret);
  // No edit controls anywhere.
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await expect(page.getByRole("button")).toHaveCount(0);
  await stranger.close();
});

test("an unknown share token is a 404", async ({ page }) => {
  const response = await page.goto("/status/wr_share_not-a-real-token");
  expect(response?.status()).toBe(404);
});
