import { expect, test } from "../fixtures/test";

// The review step end to end: paste a runbook, read the plan beside the Markdown (clicking an element highlights
// its lines), change one element's kind, edit a trigger, create, and see both in the war room.

const MARKDOWN = [
  "# Payments Canary Review",
  "",
  "## Preparation",
  "- [ ] Freeze deploys",
  "- [ ] Warm caches",
  "- [ ] Page the on-call",
  "- Keep the status page open",
  "",
  "## Phase 1: Canary (10% traffic, 30m)",
  "",
  "**Rollback Triggers:**",
  "",
  "- Error rate > 2% for 5 minutes",
  "- p95 latency > 800ms",
].join("\n");

test("review an import: change a kind, edit a trigger, create, see both in the war room", async ({ pageAs }) => {
  test.setTimeout(120_000); // two reads in a worker thread on a shared machine
  const { page } = await pageAs("admin");
  await page.goto("/rollouts/import");
  const name = `Reviewed payments canary ${Date.now()}`;
  await page.getByLabel("Runbook Markdown").fill(MARKDOWN);
  await page.getByLabel("Rollout name").fill(name);
  await page.getByRole("button", { name: "Review before import" }).click();

  const review = page.getByTestId("import-review");
  await expect(review).toBeVisible();
  // The plan as read: the plain bullet of a checkbox document is a note, the trigger lines are triggers.
  await expect(review.getByTestId("summary-items")).toHaveText("3");
  await expect(review.getByTestId("summary-triggers")).toHaveText("2");
  await expect(review.getByLabel("Rollout name")).toHaveValue(name);

  // Clicking an element highlights its source lines.
  const trigger = review.getByRole("listitem", { name: "trigger: Error rate > 2% for 5 minutes" });
  await expect(trigger).toContainText("under “Rollback Triggers”");
  await trigger.getByRole("button", { name: "Error rate > 2% for 5 minutes" }).click();
  await expect(review.getByTestId("source-line-13")).toHaveAttribute("data-highlighted", "true");
  await expect(review.getByTestId("source-line-14")).not.toHaveAttribute("data-highlighted", "true");

  // Fix what was misread: the note is a task; the trigger's threshold and pending period are edited.
  await review.getByLabel("Kind of “Keep the status page open”").selectOption("item");
  await expect(review.getByTestId("summary-items")).toHaveText("4");
  await review.getByLabel("Threshold of “Error rate > 2% for 5 minutes”").fill("3");
  await review.getByLabel("Pending seconds of “Error rate > 2% for 5 minutes”").fill("120");
  await review.getByLabel("Tile key of “p95 latency > 800ms”").fill("checkout_latency_p95");

  await review.getByRole("button", { name: "Create rollout" }).click();
  const result = page.getByTestId("import-result");
  await expect(result).toContainText(`Imported “${name}”`);
  await expect(result.getByTestId("summary-items")).toHaveText("4");
  await expect(result.getByTestId("summary-triggers")).toHaveText("2");

  await result.getByRole("link", { name: "Open the war room" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Keep the status page open" })).toBeVisible();
  // The war room shows a phase's triggers once it runs: start the rollout (no gate blocks it) and read them.
  const rolloutId = new URL(page.url()).pathname.split("/").at(-1)!;
  const started = await page.request.post(`/api/v1/rollouts/${rolloutId}/start`, { data: {} });
  expect(started.status(), await started.text()).toBe(200);
  const gates = page.getByTestId("gates");
  await expect(gates).toContainText("error_rate > 3 % for 2m");
  await expect(gates).toContainText("checkout_latency_p95 > 800 ms");
});
