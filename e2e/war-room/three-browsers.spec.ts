import { controlNetwork } from "../fixtures/network";
import { expect, seedRollout, test } from "../fixtures/test";

// Three people on one rollout: ticks, notes and a 409 conflict show the same in all three browsers, and a
// browser whose network is cut and restored converges without a reload.

test("ticks, notes and a conflict show correctly in three browsers", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Three browsers");
  const [first, second] = rollout.items;
  const engineer = await pageAs("engineer");
  const commander = await pageAs("commander");
  const viewer = await pageAs("viewer");
  const network = await controlNetwork(commander.context);
  const pages = [engineer.page, commander.page, viewer.page];
  for (const page of pages) {
    await page.goto(`/rollouts/${rollout.id}`);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  }
  // Everyone is listed as present.
  await expect(viewer.page.getByTestId("presence")).toContainText("Erin Engineer");
  await expect(viewer.page.getByTestId("presence")).toContainText("Cole Commander");

  // A tick and a note by the engineer reach everyone.
  await engineer.page.getByRole("checkbox", { name: first!.text }).check();
  await engineer.page.getByTestId(`item-${second!.id}`).getByRole("button", { name: "Add note" }).click();
  await engineer.page.getByRole("textbox", { name: `Note for ${second!.text}` }).fill("Flag exists in eu-west only");
  await engineer.page.getByRole("button", { name: "Save" }).click();
  for (const page of pages) {
    await expect(page.getByRole("checkbox", { name: first!.text })).toBeChecked();
    await expect(page.getByTestId(`item-${second!.id}`).getByTestId("item-note")).toHaveText("Flag exists in eu-west only");
  }

  // The commander's browser stops hearing the server, so it still shows the second item open at version 2.
  network.holdServerMessages(true);
  await engineer.page.getByRole("checkbox", { name: second!.text }).check();
  await expect(viewer.page.getByRole("checkbox", { name: second!.text })).toBeChecked();
  await expect(commander.page.getByRole("checkbox", { name: second!.text })).not.toBeChecked();

  // Its stale tick gets 409: the optimistic change is replaced by the engineer's version, with a notice.
  await commander.page.getByRole("checkbox", { name: second!.text }).check();
  await expect(commander.page.getByRole("alert").filter({ hasText: "changed" })).toContainText("Erin Engineer changed");
  const secondRow = commander.page.getByTestId(`item-${second!.id}`);
  await expect(secondRow).toHaveAttribute("data-state", "DONE");
  await expect(secondRow.getByTestId("checked-by").first()).toContainText("Erin Engineer");
  network.holdServerMessages(false);

  // All three agree, and the checklist counts match.
  for (const page of pages) {
    await expect(page.getByTestId("progress")).toHaveText("2/3 items done");
    await expect(page.getByTestId(`item-${second!.id}`).getByTestId("checked-by").first()).toContainText("Erin Engineer");
  }
});

test("a browser whose network is cut and restored converges without reload", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Network cut");
  const engineer = await pageAs("engineer");
  const viewer = await pageAs("viewer");
  const network = await controlNetwork(viewer.context);
  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await viewer.page.goto(`/rollouts/${rollout.id}`);
  await expect(viewer.page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(engineer.page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  await network.cut();
  await expect(viewer.page.getByTestId("connection")).not.toHaveAttribute("data-state", "live");
  for (const item of rollout.items) await engineer.page.getByRole("checkbox", { name: item.text }).check();
  await expect(engineer.page.getByTestId("progress")).toHaveText("3/3 items done");
  await expect(viewer.page.getByTestId("progress")).toHaveText("0/3 items done");

  await network.restore();
  await expect(viewer.page.getByTestId("connection")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(viewer.page.getByTestId("progress")).toHaveText("3/3 items done");
  for (const item of rollout.items) await expect(viewer.page.getByRole("checkbox", { name: item.text })).toBeChecked();
});

test("keyboard: / filters, j/k move, x ticks; the filter keeps parents of matches", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Keyboard");
  const engineer = await pageAs("engineer");
  const page = engineer.page;
  await page.goto(`/rollouts/${rollout.id}`);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Filter items" })).toBeFocused();
  await page.keyboard.type("Restore rehearsed");
  const child = rollout.items.find((i) => i.text.startsWith("Restore rehearsed"))!;
  const parent = rollout.items.find((i) => i.text.startsWith("Backups verified"))!;
  await expect(page.getByRole("checkbox")).toHaveCount(2); // the match and its parent
  await page.keyboard.press("Escape");
  await expect(page.getByRole("checkbox")).toHaveCount(3);

  await page.keyboard.press("j"); // first item: the parent
  await page.keyboard.press("j"); // its child
  await expect(page.getByTestId(`item-${child.id}`)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("x");
  await expect(page.getByRole("checkbox", { name: child.text })).toBeChecked();
  await page.keyboard.press("k");
  await expect(page.getByTestId(`item-${parent.id}`)).toHaveAttribute("aria-current", "true");

  await page.getByRole("button", { name: "Open" }).click();
  await expect(page.getByRole("checkbox", { name: child.text })).toHaveCount(0);
  await expect(page.getByRole("checkbox", { name: parent.text })).toBeVisible();
});

test("wall mode is large, dark and has no controls", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Wall");
  const { page } = await pageAs("engineer");
  await page.goto(`/rollouts/${rollout.id}?wall=1`);
  await expect(page.getByRole("heading", { name: rollout.name })).toBeVisible();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  for (const box of await page.getByRole("checkbox").all()) await expect(box).toBeDisabled();
  await expect(page.getByRole("button", { name: "Add note" })).toHaveCount(0);
  await expect(page.getByRole("toolbar", { name: "Checklist filter" })).toHaveCount(0);
});
