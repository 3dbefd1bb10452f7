import { BASE_URL } from "../fixtures/env";
import { expect, seedRollout, test } from "../fixtures/test";

test("an engineer's tick shows live on a viewer's page; the viewer cannot tick", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Live ticks");
  const item = rollout.items.find((i) => i.text.startsWith("Feature flag created"))!;

  const engineer = await pageAs("engineer");
  const viewer = await pageAs("viewer");
  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await viewer.page.goto(`/rollouts/${rollout.id}`);
  await expect(engineer.page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(viewer.page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  const viewerBox = viewer.page.getByRole("checkbox", { name: item.text });
  await expect(viewerBox).not.toBeChecked();
  await expect(viewerBox).toBeDisabled();

  await engineer.page.getByRole("checkbox", { name: item.text }).check();

  // No reload: the event reaches the viewer's socket and updates its cache.
  await expect(viewerBox).toBeChecked();
  await expect(viewer.page.getByTestId(`item-${item.id}`).getByTestId("checked-by")).toContainText("Erin Engineer");
  await expect(viewer.page.getByTestId("progress")).toHaveText("1/3 items done");

  // The API refuses the viewer as well, whatever the page shows.
  const response = await viewer.context.request.patch(`${BASE_URL}/api/v1/items/${item.id}`, { data: { state: "OPEN" } });
  expect(response.status()).toBe(403);
  expect((await response.json()).error.code).toBe("forbidden");

  // And the engineer's own tick survived a reload (it was stored, not only shown).
  await engineer.page.reload();
  await expect(engineer.page.getByRole("checkbox", { name: item.text })).toBeChecked();
});

test("a note written in one browser appears in another", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Notes");
  const item = rollout.items[0]!;
  const engineer = await pageAs("engineer");
  const commander = await pageAs("commander");
  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await commander.page.goto(`/rollouts/${rollout.id}`);
  await expect(commander.page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  const row = engineer.page.getByTestId(`item-${item.id}`);
  await row.getByRole("button", { name: "Add note" }).first().click();
  await engineer.page.getByRole("textbox", { name: `Note for ${item.text}` }).fill("Snapshot <b>id</b> snap-0042");
  await engineer.page.getByRole("button", { name: "Save" }).click();

  // Shown as text, not markup.
  await expect(commander.page.getByTestId(`item-${item.id}`).getByTestId("item-note").first()).toHaveText("Snapshot <b>id</b> snap-0042");
});
