import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "../fixtures/test";

// An admin imports a real go-live document through the page, opens the war room it made, exports the go-live
// report, and imports the export again to the same structure.

const FIXTURE = path.join(process.cwd(), "lib/runbook/fixtures/search-reindex.md");
const SHARED = "/work/shared/runbooks/ai-bargaining-go-live.md";

test("import a Markdown runbook, open its war room, export the report and import it again", async ({ pageAs }) => {
  const { page } = await pageAs("admin");
  await page.goto("/rollouts");
  await page.getByRole("link", { name: "Import a runbook" }).click();
  await expect(page.getByRole("heading", { name: "Import a runbook" })).toBeVisible();
  await page.getByLabel("Markdown file").setInputFiles(FIXTURE);
  await expect(page.getByLabel("Runbook Markdown")).toHaveValue(readFileSync(FIXTURE, "utf8"));
  test.setTimeout(120_000); // several imports, each parsed in a worker thread
  const name = `Search reindex ${Date.now()}`;
  await page.getByLabel("Rollout name").fill(name);
  await page.getByRole("button", { name: "Import runbook" }).click();

  const result = page.getByTestId("import-result");
  await expect(result).toContainText(`Imported “${name}”`);
  const counts = { sections: 9, items: 7, checkedItems: 2, gates: 2, signoffs: 2, contacts: 3, phases: 3, criteria: 3, triggers: 4 };
  for (const [key, value] of Object.entries(counts)) await expect(page.getByTestId(`summary-${key}`)).toHaveText(String(value));

  await page.getByRole("link", { name: "Open the war room" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Shards balanced across three zones" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Snapshot repository registered" })).not.toBeChecked();

  // The button is a download link; fetch what it points at with the page's session (the browser's own download
  // event proved flaky in headless chromium under load).
  const exportLink = page.getByRole("link", { name: "Export report" });
  await expect(exportLink).toHaveAttribute("download", "");
  const response = await page.request.get((await exportLink.getAttribute("href"))!);
  expect(response.status()).toBe(200);
  expect(decodeURIComponent(response.headers()["content-disposition"] ?? "")).toContain(`${name} go-live report.md`);
  const exported = await response.text();
  expect(exported).toMatch(/^<!-- war-room:export v1/);
  expect(exported).toContain("- [x] New index cluster provisioned *(due T-24h · owner: Mei)*");

  // The export, pasted back in, is the same runbook: same counts.
  await page.goto("/rollouts/import");
  await page.getByLabel("Runbook Markdown").fill(exported);
  await page.getByRole("button", { name: "Import runbook" }).click();
  await expect(page.getByTestId("import-result")).toContainText(`Imported “${name}”`);
  for (const [key, value] of Object.entries(counts)) await expect(page.getByTestId(`summary-${key}`)).toHaveText(String(value));
});

test("a shared go-live runbook imports with the agreed counts", async ({ pageAs }) => {
  test.skip(!existsSync(SHARED), "../shared/runbooks is not on this machine");
  const { page } = await pageAs("admin");
  await page.goto("/rollouts/import");
  await page.getByLabel("Markdown file").setInputFiles(SHARED);
  await page.getByRole("button", { name: "Import runbook" }).click();
  const counts = { sections: 36, items: 85, checkedItems: 0, gates: 2, signoffs: 5, contacts: 11, phases: 4, criteria: 10, triggers: 8 };
  for (const [key, value] of Object.entries(counts)) await expect(page.getByTestId(`summary-${key}`)).toHaveText(String(value));
  await expect(page.getByTestId("import-result")).toContainText("AI Bargaining Platform - Go-Live Deployment Checklist");
});

test("bad files get a clear message and store nothing; only admins can import", async ({ pageAs }) => {
  const { page } = await pageAs("admin");
  await page.goto("/rollouts/import");
  const rollouts = async () => ((await (await page.request.get("/api/v1/rollouts")).json()) as { rollouts: unknown[] }).rollouts.length;
  const before = await rollouts();
  // Next's route announcer is an alert too; ours is in the page's main content.
  const alert = page.getByRole("main").getByRole("alert");
  await page.getByLabel("Markdown file").setInputFiles({ name: "rollout.json", mimeType: "application/json", buffer: Buffer.from('{"rollout": "checkout", "items": []}') });
  await page.getByRole("button", { name: "Import runbook" }).click();
  await expect(alert).toHaveText("The file is JSON, not a Markdown runbook.");
  await page.getByLabel("Markdown file").setInputFiles({ name: "huge.md", mimeType: "text/markdown", buffer: Buffer.alloc(1024 * 1024 + 1, "a") });
  await expect(alert).toHaveText("huge.md is 1.0 MB; a runbook can be at most 1 MB.");
  await page.getByLabel("Runbook Markdown").fill("   ");
  await page.getByRole("button", { name: "Import runbook" }).click();
  await expect(alert).toHaveText("The runbook is empty.");
  await expect(page.getByTestId("import-result")).toHaveCount(0);
  expect(await rollouts()).toBe(before);

  const engineer = await pageAs("engineer");
  await engineer.page.goto("/rollouts");
  await expect(engineer.page.getByRole("link", { name: "Import a runbook" })).toHaveCount(0);
  await engineer.page.goto("/rollouts/import");
  await expect(engineer.page.getByText("Only an admin can import a runbook.")).toBeVisible();
  const response = await engineer.context.request.post("/api/v1/rollouts/import", { data: { markdown: "- [ ] a" } });
  expect(response.status()).toBe(403);
});
