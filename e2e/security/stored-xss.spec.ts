import { expect, test } from "../fixtures/test";

// Stored XSS: hostile text in an imported runbook (headings, items, criteria, contacts) and in a note is shown
// as text on every page that renders it, and never runs.

const PAYLOADS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>", '"><svg onload="window.__xss=1">'];

test("hostile text from an imported runbook and a note is rendered as text and never runs", async ({ adminApi, pageAs, browser }) => {
  const markdown = [
    `# Go-live ${Date.now()} ${PAYLOADS[0]}`,
    "",
    `## Pre-deployment ${PAYLOADS[1]}`,
    "",
    `- [ ] Check ${PAYLOADS[0]} (Owner: ${PAYLOADS[2]})`,
    `  - [ ] Nested ${PAYLOADS[1]}`,
    "",
    "## Phase 1: Canary (10% traffic, 1h)",
    "",
    "**Rollback triggers:**",
    `- Error rate > 1% for 5 minutes ${PAYLOADS[2]}`,
    "",
    "## Contacts",
    "",
    "| Role | Name | Phone |",
    "|---|---|---|",
    `| On-call | Mallory ${PAYLOADS[0]} | +1 555 0100 |`,
    "",
  ].join("\n");
  const imported = await adminApi.post("/api/v1/rollouts/import", { data: { markdown } });
  expect(imported.status(), await imported.text()).toBe(201);
  const { rollout } = (await imported.json()) as { rollout: { id: string } };
  const link = await adminApi.post(`/api/v1/rollouts/${rollout.id}/share-links`, { data: {} });
  const { url } = (await link.json()) as { url: string };

  const engineer = await pageAs("engineer");
  const page = engineer.page;
  await page.goto(`/rollouts/${rollout.id}`);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const first = page.getByRole("checkbox").first();
  await expect(first).toBeVisible();
  // The payloads are on the page as text.
  await expect(page.getByText(PAYLOADS[0]!, { exact: false }).first()).toBeVisible();
  // And a note with markup.
  await page.getByRole("button", { name: "Add note" }).first().click();
  await page.getByRole("textbox", { name: /^Note for / }).fill(PAYLOADS.join(" "));
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("item-note").first()).toContainText(PAYLOADS[1]!);

  const pages = [page];
  const commander = await pageAs("commander");
  await commander.page.goto(`/rollouts/${rollout.id}/signoff`);
  pages.push(commander.page);
  const stakeholderContext = await browser.newContext();
  const stakeholder = await stakeholderContext.newPage();
  await stakeholder.goto(url);
  pages.push(stakeholder);
  await page.goto(`/rollouts/${rollout.id}?wall=1`);

  for (const p of pages) {
    await expect(p.locator("body")).toBeVisible();
    expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // No element that the payloads would have created.
    expect(await p.locator("img[src='x'], svg[onload]").count()).toBe(0);
  }
  await stakeholderContext.close();
});
