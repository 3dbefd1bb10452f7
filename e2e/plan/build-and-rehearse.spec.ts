import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { BASE_URL } from "../fixtures/env";
import { expect, test } from "../fixtures/test";

// Planning in the UI, end to end: an admin builds a rollout from nothing (sections, items assigned to users, two
// phases with criteria, a PUSH tile, a gate), the commander starts it, an engineer adds an item mid-run and a
// viewer's browser shows it arrive; then the commander runs it as a rehearsal, which every surface (the stakeholder
// view included) marks REHEARSAL, and reads the rehearsal report.

async function addPhase(page: Page, name: string, traffic: number) {
  const form = page.getByRole("form", { name: "Add phase" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Traffic %", { exact: true }).fill(String(traffic));
  await form.getByLabel("Minimum minutes", { exact: true }).fill("0");
  await form.getByRole("button", { name: "Add phase" }).click();
  await expect(page.getByRole("form", { name: `Phase ${name}` })).toBeVisible();
}

async function addCriterion(page: Page, phase: string, c: { kind: string; metric: string; comparator: string; threshold: string; unit: string }) {
  const form = page.getByRole("form", { name: `Add criterion to ${phase}` });
  await form.getByLabel("Kind").selectOption({ label: c.kind });
  await form.getByLabel("Metric", { exact: true }).fill(c.metric);
  await form.getByLabel("Comparator").selectOption({ label: c.comparator });
  await form.getByLabel("Threshold", { exact: true }).fill(c.threshold);
  await form.getByLabel("Unit", { exact: true }).fill(c.unit);
  await form.getByRole("button", { name: "Add criterion" }).click();
}

async function addItem(page: Page, section: string, text: string, user: string, due: string) {
  const form = page.getByRole("form", { name: `New item in ${section}` });
  if (!(await form.isVisible())) await page.getByRole("button", { name: `+ Add item to ${section}` }).click();
  await form.getByLabel(`New item in ${section}: text`).fill(text);
  await form.getByLabel(`New item in ${section}: user`).selectOption({ label: user });
  await form.getByLabel(`New item in ${section}: due`).fill(due);
  await form.getByRole("button", { name: "Add item" }).click();
  await expect(page.getByRole("checkbox", { name: text })).toBeVisible();
}

async function signGoAndStart(page: Page, rolloutId: string) {
  await page.goto(`/rollouts/${rolloutId}/signoff`);
  const gate = page.getByRole("region", { name: "Go-live authorization" });
  await gate.getByRole("button", { name: "Sign GO" }).click();
  await expect(gate.getByRole("list", { name: "Signatures" })).toContainText("GO by Cole Commander");
  await page.getByRole("button", { name: /Start rollout \(Canary, 10%\)/ }).click();
  await expect(page.getByRole("button", { name: /Start rollout/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Promote/ }).first()).toBeVisible();
}

test("build a rollout from nothing, start it, add an item mid-run seen live, rehearse it and read the report", async ({ pageAs }) => {
  test.setTimeout(240_000);
  const name = `Planned ${randomUUID().slice(0, 8)}`;
  const admin = await pageAs("admin");

  // From scratch: name and service, then the plan page.
  await admin.page.goto("/rollouts/new");
  const scratch = admin.page.getByRole("form", { name: "From scratch" });
  await scratch.getByLabel("Name", { exact: true }).fill(name);
  await scratch.getByLabel("Service", { exact: true }).fill("payments-api");
  await scratch.getByRole("button", { name: "Create and plan" }).click();
  await expect(admin.page).toHaveURL(/\/rollouts\/[^/]+\/plan$/);
  const rolloutId = admin.page.url().split("/").at(-2)!;

  // Two phases with criteria, a gate, a PUSH tile.
  await addPhase(admin.page, "Canary", 10);
  await addPhase(admin.page, "Full", 100);
  await addCriterion(admin.page, "Canary", { kind: "Rollback trigger", metric: "error_rate", comparator: ">", threshold: "2", unit: "%" });
  await expect(admin.page.getByRole("form", { name: "Criterion error_rate > 2%" })).toBeVisible();
  await addCriterion(admin.page, "Full", { kind: "Success criterion", metric: "error_rate", comparator: "<", threshold: "1", unit: "%" });
  await expect(admin.page.getByRole("form", { name: "Criterion error_rate < 1%" })).toBeVisible();

  const gateForm = admin.page.getByRole("form", { name: "Add gate" });
  await gateForm.getByLabel("Kind").selectOption({ label: "Go-live" });
  await gateForm.getByLabel("Name", { exact: true }).fill("Go-live authorization");
  await gateForm.getByLabel("Named approvers (comma-separated)").fill("Business Owner");
  await gateForm.getByRole("button", { name: "Add gate" }).click();
  await expect(admin.page.getByRole("form", { name: "Gate Go-live authorization" })).toBeVisible();

  const tileForm = admin.page.getByRole("form", { name: "Add tile" });
  await tileForm.getByLabel("Key", { exact: true }).fill("error_rate");
  await tileForm.getByLabel("Label", { exact: true }).fill("Error rate");
  await tileForm.getByLabel("Unit", { exact: true }).fill("%");
  await tileForm.getByRole("button", { name: "Add tile" }).click();
  const tile = admin.page.getByRole("form", { name: "Tile Error rate" });
  await expect(tile).toBeVisible();
  // "Test source" reads it once: a PUSH tile nobody has pushed to says so.
  await tile.getByRole("button", { name: "Test source" }).click();
  await expect(tile.getByTestId("tile-test-result")).toContainText("no sample pushed");

  // Sections and items assigned to users, in the war room's edit mode.
  await admin.page.getByRole("link", { name: "War room (checklist)" }).click();
  await admin.page.getByRole("button", { name: "Edit checklist" }).click();
  await admin.page.getByRole("textbox", { name: "New section title" }).fill("Pre-flight");
  await admin.page.getByRole("button", { name: "Add section" }).click();
  await expect(admin.page.getByRole("region", { name: "Pre-flight" })).toBeVisible();
  await addItem(admin.page, "Pre-flight", `Backups verified ${name}`, "Erin Engineer (Engineer)", "T-30m");
  await addItem(admin.page, "Pre-flight", `On-call paged in ${name}`, "Cole Commander (Incident commander)", "T-0");
  const planned = (await (await admin.context.request.get(`${BASE_URL}/api/v1/rollouts/${rolloutId}`)).json()) as { items: { text: string; ownerId: string | null }[] };
  expect(planned.items.find((i) => i.text === `Backups verified ${name}`)?.ownerId).toBeTruthy();

  // The commander signs and starts it.
  const commander = await pageAs("commander");
  await signGoAndStart(commander.page, rolloutId);

  // Mid-run, an engineer adds an item; a viewer's open war room shows it arrive.
  const engineer = await pageAs("engineer");
  const viewer = await pageAs("viewer");
  await viewer.page.goto(`/rollouts/${rolloutId}`);
  await expect(viewer.page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(viewer.page.getByTestId("current-phase")).toContainText("Canary");
  await engineer.page.goto(`/rollouts/${rolloutId}`);
  await engineer.page.getByRole("button", { name: "Edit checklist" }).click();
  const added = `Purge the CDN ${name}`;
  await addItem(engineer.page, "Pre-flight", added, "Erin Engineer (Engineer)", "T+15m");
  await expect(viewer.page.getByRole("checkbox", { name: added })).toBeVisible();
  await expect(viewer.page.getByTestId("timeline")).toContainText(`Checklist: "${added}" added to Pre-flight`);

  // A rehearsal of it, from the plan page.
  await commander.page.goto(`/rollouts/${rolloutId}/plan`);
  await commander.page.getByRole("button", { name: "Run as rehearsal" }).click();
  await expect(commander.page).not.toHaveURL(new RegExp(`/rollouts/${rolloutId}`));
  await expect(commander.page.getByTestId("rehearsal-badge")).toHaveText("REHEARSAL");
  const rehearsalId = new URL(commander.page.url()).pathname.split("/").at(-1)!;
  await expect(commander.page.getByRole("checkbox", { name: added })).not.toBeChecked();

  // Run it: tick an item, sign, start; the sign-off page says REHEARSAL too.
  await signGoAndStart(commander.page, rehearsalId);
  await expect(commander.page.getByTestId("rehearsal-badge")).toBeVisible();
  await commander.page.goto(`/rollouts/${rehearsalId}`);
  await commander.page.getByRole("checkbox", { name: `Backups verified ${name}` }).check();
  await expect(commander.page.getByTestId("progress")).toHaveText("1/3 items done");

  // The stakeholder view of the rehearsal says so.
  const link = await commander.context.request.post(`${BASE_URL}/api/v1/rollouts/${rehearsalId}/share-links`, { data: { label: "rehearsal" } });
  expect(link.status()).toBe(201);
  const stakeholder = await pageAs("viewer");
  await stakeholder.page.goto(((await link.json()) as { url: string }).url);
  await expect(stakeholder.page.getByTestId("rehearsal-badge")).toHaveText("REHEARSAL");

  // The report: planned against actual, the ticked item measured (late: due T-30m, ticked after start); re-baseline.
  await commander.page.getByRole("link", { name: "Rehearsal report" }).click();
  await expect(commander.page.getByRole("heading", { name: /Rehearsal report/ })).toBeVisible();
  const items = commander.page.getByRole("region", { name: "Items" });
  const measured = items.getByRole("row").filter({ hasText: `Backups verified ${name}` });
  await expect(measured).toHaveAttribute("data-late", "true");
  await expect(measured).toContainText("T-30m");
  await expect(commander.page.getByTestId("report-summary")).toContainText("1 of 1 measured items ran late");
  await expect(commander.page.getByRole("region", { name: "Gates" })).toContainText("Go-live authorization");
  await expect(commander.page.getByRole("region", { name: "Phases" })).toContainText("Canary");
  await commander.page.getByRole("button", { name: "Re-baseline the plan" }).click();
  await expect(commander.page.getByRole("status").filter({ hasText: "re-baselined" })).toContainText("1 item times");

  // The plan now expects that item when the rehearsal did it: its due time moved from T-30m.
  await viewer.page.reload();
  const original = viewer.page.getByRole("listitem").filter({ has: viewer.page.getByRole("checkbox", { name: `Backups verified ${name}` }) }).first();
  await expect(original).not.toContainText("T-30m");
});
