import AxeBuilder from "@axe-core/playwright";
import { expect, seedRollout, test } from "../fixtures/test";

// The action configuration form: an admin marks a new action's target as idempotent (so a run that may have
// reached the target is retried), which the API then reports; editing it shows the box ticked, and unticking
// it stores false again.

type ActionView = { id: string; name: string; targetIdempotent: boolean };

test("an admin marks an action's target as idempotent in the action form, and unmarks it", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Idempotent action");
  const actionsOf = async () => ((await (await adminApi.get(`/api/v1/rollouts/${rollout.id}/actions`)).json()) as { actions: ActionView[] }).actions;
  const { page } = await pageAs("admin");
  await page.goto(`/rollouts/${rollout.id}/actions`);
  await page.getByRole("button", { name: "New action" }).click();
  const form = page.getByRole("form", { name: "New action" });
  await form.getByLabel("URL").fill("http://127.0.0.1:9/api/admin/rollback");
  await form.getByRole("button", { name: "Remove" }).click(); // the empty Authorization header
  const idempotent = form.getByRole("checkbox", { name: "The target is idempotent" });
  await expect(idempotent).not.toBeChecked();
  await expect(idempotent).toHaveAccessibleDescription(/repeated Idempotency-Key once/);
  const axe = await new AxeBuilder({ page }).include("form").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await idempotent.check();
  await form.getByRole("button", { name: "Save action" }).click();
  await expect(page.getByText("idempotent target (retried after a lost answer)")).toBeVisible();
  const [created] = await actionsOf();
  expect(created).toMatchObject({ name: "Rollback", targetIdempotent: true });

  await page.getByTestId(`action-config-${created!.id}`).getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit Rollback" });
  await expect(edit.getByRole("checkbox", { name: "The target is idempotent" })).toBeChecked();
  await edit.getByRole("checkbox", { name: "The target is idempotent" }).uncheck();
  await edit.getByRole("button", { name: "Save action" }).click();
  await expect(page.getByText("idempotent target (retried after a lost answer)")).toHaveCount(0);
  expect((await actionsOf()).find((a) => a.id === created!.id)).toMatchObject({ targetIdempotent: false });
});
