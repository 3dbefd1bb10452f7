import { randomUUID } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "../fixtures/test";

// Reordering checklist items in the checklist's edit mode (the war room's "Edit checklist"; the plan page
// links there for the checklist): by drag and drop, and by the move handle's arrow keys. Each move goes through
// item.move; the stored order (the API's positions) and the page after a reload say the same.

type Item = { id: string; text: string; sectionId: string; parentId: string | null; position: number };

async function seedThreeItems(api: APIRequestContext) {
  const tag = randomUUID().slice(0, 8);
  const [a, b, c] = [`Alpha ${tag}`, `Bravo ${tag}`, `Charlie ${tag}`];
  const response = await api.post("/api/v1/rollouts", {
    data: { name: `Reorder ${tag}`, service: "checkout", sections: [{ title: "Steps", items: [{ text: a }, { text: b }, { text: c }] }], phases: [{ name: "Canary", trafficPercent: 10 }] },
  });
  expect(response.status(), await response.text()).toBe(201);
  const state = (await response.json()) as { rollout: { id: string } };
  return { rolloutId: state.rollout.id, a, b, c };
}

/** The stored order: top-level items of the section by position, then each item's children. */
async function storedOrder(api: APIRequestContext, rolloutId: string) {
  const { items } = (await (await api.get(`/api/v1/rollouts/${rolloutId}`)).json()) as { items: Item[] };
  const byPosition = (list: Item[]) => [...list].sort((x, y) => x.position - y.position);
  return byPosition(items.filter((i) => i.parentId === null)).map((i) => ({ text: i.text, children: byPosition(items.filter((c) => c.parentId === i.id)).map((c) => c.text) }));
}

/** The order the page shows: the item checkboxes, top to bottom. */
const shownOrder = (page: Page, texts: string[]) =>
  page
    .getByRole("checkbox")
    .evaluateAll((boxes, wanted) => boxes.map((b) => b.getAttribute("aria-label") ?? "").filter((label) => wanted.includes(label)), texts);

async function openEditMode(page: Page, rolloutId: string) {
  await page.goto(`/rollouts/${rolloutId}`);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await page.getByRole("button", { name: "Edit checklist" }).click();
}

test("an item dragged to a new place keeps it after a reload", async ({ adminApi, pageAs }) => {
  const { rolloutId, a, b, c } = await seedThreeItems(adminApi);
  const { page } = await pageAs("admin");
  await openEditMode(page, rolloutId);
  expect(await shownOrder(page, [a, b, c])).toEqual([a, b, c]);

  // Drop Charlie on Alpha's row: it goes before Alpha.
  const alphaRow = page.getByRole("listitem").filter({ has: page.getByRole("checkbox", { name: a, exact: true }) }).locator("> div").first();
  await page.getByRole("button", { name: `Move ${c}`, exact: true }).dragTo(alphaRow);
  await expect.poll(() => shownOrder(page, [a, b, c])).toEqual([c, a, b]);
  await expect.poll(() => storedOrder(adminApi, rolloutId)).toEqual([c, a, b].map((text) => ({ text, children: [] })));

  // Moving down among the same siblings: drop Charlie (now first) on Bravo's row: before Bravo.
  const bravoRow = page.getByRole("listitem").filter({ has: page.getByRole("checkbox", { name: b, exact: true }) }).locator("> div").first();
  await page.getByRole("button", { name: `Move ${c}`, exact: true }).dragTo(bravoRow);
  await expect.poll(() => storedOrder(adminApi, rolloutId)).toEqual([a, c, b].map((text) => ({ text, children: [] })));

  await page.reload();
  await expect(page.getByRole("checkbox", { name: a, exact: true })).toBeVisible();
  expect(await shownOrder(page, [a, b, c])).toEqual([a, c, b]);
});

test("the move handle's arrow keys reorder and nest, and the order is stored", async ({ adminApi, pageAs }) => {
  const { rolloutId, a, b, c } = await seedThreeItems(adminApi);
  const { page } = await pageAs("admin");
  await openEditMode(page, rolloutId);

  await page.getByRole("button", { name: `Move ${c}`, exact: true }).focus();
  await page.keyboard.press("ArrowUp"); // Alpha, Charlie, Bravo
  await expect.poll(() => storedOrder(adminApi, rolloutId)).toEqual([a, c, b].map((text) => ({ text, children: [] })));
  await page.getByRole("button", { name: `Move ${b}`, exact: true }).focus();
  await page.keyboard.press("ArrowRight"); // Bravo nested under Charlie
  await expect.poll(() => storedOrder(adminApi, rolloutId)).toEqual([
    { text: a, children: [] },
    { text: c, children: [b] },
  ]);
  await page.getByRole("button", { name: `Move ${b}`, exact: true }).focus();
  await page.keyboard.press("ArrowLeft"); // out again, after Charlie
  await expect.poll(() => storedOrder(adminApi, rolloutId)).toEqual([a, c, b].map((text) => ({ text, children: [] })));

  await page.reload();
  await expect(page.getByRole("checkbox", { name: a, exact: true })).toBeVisible();
  expect(await shownOrder(page, [a, b, c])).toEqual([a, c, b]);
});
