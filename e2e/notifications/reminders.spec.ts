import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, seedRollout, test } from "../fixtures/test";

// The rollout's reminder cadence on its notifications page, through the notificationSettings operations: an
// admin changes the gate wait, the repeat and turns on the periodic stakeholder update; the stored settings
// (read back over the API) and the page after a reload say the same. A value the schema refuses is named and
// not saved. A commander reads them but cannot change them. Both views pass axe.

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}

test("an admin sets the reminders in the notifications settings; they are stored and shown after a reload", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Reminders");
  const { page } = await pageAs("admin");
  await page.goto(`/rollouts/${rollout.id}/notifications`);
  const form = page.getByRole("form", { name: "Reminder settings" });
  const gateWait = form.getByLabel("Remind approvers when a gate has waited");
  const cadence = form.getByLabel("Repeat reminders every");
  const periodic = form.getByLabel("Send a periodic stakeholder update while the rollout runs");
  // The defaults, before anything is stored.
  await expect(gateWait).toHaveValue("15");
  await expect(cadence).toHaveValue("30");
  await expect(periodic).not.toBeChecked();
  await expect(form.getByLabel("Stakeholder update every")).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  // Refused by the schema (a stakeholder update at most every 5 minutes): named, and nothing stored.
  await gateWait.fill("20");
  await cadence.fill("10");
  await periodic.check();
  const update = form.getByLabel("Stakeholder update every");
  await update.fill("2");
  await form.getByRole("button", { name: "Save reminders" }).click();
  await expect(update).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByRole("status")).toHaveText("Check the highlighted fields");
  expect(await (await adminApi.get(`/api/v1/rollouts/${rollout.id}/notification-settings`)).json()).toEqual({ gateWaitMinutes: 15, reminderCadenceMinutes: 30, stakeholderUpdateMinutes: null });

  await update.fill("45");
  await form.getByRole("button", { name: "Save reminders" }).click();
  await expect(form.getByRole("status")).toHaveText("Reminder settings saved");
  expect(await (await adminApi.get(`/api/v1/rollouts/${rollout.id}/notification-settings`)).json()).toEqual({ gateWaitMinutes: 20, reminderCadenceMinutes: 10, stakeholderUpdateMinutes: 45 });

  await page.reload();
  await expect(gateWait).toHaveValue("20");
  await expect(cadence).toHaveValue("10");
  await expect(periodic).toBeChecked();
  await expect(form.getByLabel("Stakeholder update every")).toHaveValue("45");

  // Turning the periodic update off stores null.
  await periodic.uncheck();
  await form.getByRole("button", { name: "Save reminders" }).click();
  await expect(form.getByRole("status")).toHaveText("Reminder settings saved");
  expect(await (await adminApi.get(`/api/v1/rollouts/${rollout.id}/notification-settings`)).json()).toEqual({ gateWaitMinutes: 20, reminderCadenceMinutes: 10, stakeholderUpdateMinutes: null });
});

test("a commander reads the reminders but cannot change them", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Reminders commander");
  expect((await adminApi.put(`/api/v1/rollouts/${rollout.id}/notification-settings`, { data: { gateWaitMinutes: 25, reminderCadenceMinutes: 5, stakeholderUpdateMinutes: 60 } })).status()).toBe(200);
  const { page } = await pageAs("commander");
  await page.goto(`/rollouts/${rollout.id}/notifications`);
  const form = page.getByRole("form", { name: "Reminder settings" });
  await expect(form.getByLabel("Remind approvers when a gate has waited")).toHaveValue("25");
  await expect(form.getByLabel("Remind approvers when a gate has waited")).toBeDisabled();
  await expect(form.getByLabel("Stakeholder update every")).toHaveValue("60");
  await expect(form.getByRole("button", { name: "Save reminders" })).toHaveCount(0);
  await expect(form.getByText("Only an admin can change the reminders.")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
