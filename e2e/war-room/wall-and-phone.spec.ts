import type { Locator } from "@playwright/test";
import { expect, seedRollout, test } from "../fixtures/test";

// The wall is read across a room (its status and numbers at least 48 px at 1920×1080, with a way out); a phone
// (390×844) puts who to call and where the actions are above the checklist, with 44 px tap targets.

const fontSize = (locator: Locator) => locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

test("the wall shows its status and numbers at 48 px or more, and a visible way back", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Wall");
  const tile = await adminApi.post(`/api/v1/rollouts/${rollout.id}/tiles`, { data: { key: "queue_depth", label: "Queue depth", sourceKind: "PUSH", unit: "msgs" } });
  expect(tile.status(), await tile.text()).toBe(201);
  const { page } = await pageAs("viewer");
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`/rollouts/${rollout.id}?wall=1`);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  const banner = page.getByRole("region", { name: "Overall status" });
  await expect(banner.getByTestId("wall-status")).toHaveText("Not started");
  expect(await fontSize(banner.getByTestId("wall-status"))).toBeGreaterThanOrEqual(48);
  const value = page.getByTestId("tile-queue_depth").getByTestId("tile-value");
  await expect(value).toBeVisible();
  expect(await fontSize(value)).toBeGreaterThanOrEqual(48);
  // Nobody can tick from the wall, and the checklist is not the headline.
  expect(await fontSize(page.getByRole("checkbox", { name: rollout.items[0]!.text }))).toBeLessThan(48);

  await banner.getByRole("link", { name: "Exit wall mode" }).click();
  await expect(page).toHaveURL(new RegExp(`/rollouts/${rollout.id}$`));
  await expect(page.getByRole("region", { name: "Overall status" })).toHaveCount(0);
});

test("a phone shows who to call and the actions above the checklist, with 44 px tap targets", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Phone");
  const { page } = await pageAs("commander");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/rollouts/${rollout.id}`);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  const strip = page.getByRole("region", { name: "On call and actions" });
  const call = strip.getByRole("link", { name: "Call +1 555 0101" });
  await expect(call).toHaveAttribute("href", "tel:+15550101");
  await expect(strip.getByRole("link", { name: "E-mail" })).toHaveAttribute("href", "mailto:sam@example.com");
  const actions = strip.getByRole("link", { name: "Sign-offs and actions" });
  await expect(actions).toHaveAttribute("href", `/rollouts/${rollout.id}/signoff`);

  const checkbox = page.getByRole("checkbox", { name: rollout.items[0]!.text });
  const [stripBox, checkboxBox] = [await strip.boundingBox(), await checkbox.boundingBox()];
  expect(stripBox!.y).toBeLessThan(checkboxBox!.y);

  for (const target of [call, actions, page.getByRole("link", { name: "Wall mode" }), page.getByTestId("item-tap-target").filter({ has: checkbox })]) {
    const box = (await target.boundingBox())!;
    expect(box.height, await target.evaluate((el) => el.outerHTML.slice(0, 80))).toBeGreaterThanOrEqual(44);
  }
  // The tap target around the checkbox ticks it.
  await page.getByTestId("item-tap-target").filter({ has: checkbox }).click({ position: { x: 4, y: 4 } });
  await expect(checkbox).toBeChecked();
});
