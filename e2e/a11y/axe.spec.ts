import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, seedRollout, test } from "../fixtures/test";

// Accessibility: axe finds no serious or critical violation on the war room, the sign-off page, the stakeholder
// status page and the login page, on a wall (1920×1080) and a phone (390×844). Screenshots of each are kept.

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}

const VIEWPORTS = [
  { name: "wall", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;

for (const viewport of VIEWPORTS) {
  test(`no serious or critical axe violation on the war room, sign-off, status and login pages (${viewport.name} ${viewport.width}×${viewport.height})`, async ({ adminApi, pageAs, browser }) => {
    // Five pages, each analysed in full, on a shared 2-core machine: more than the default minute.
    test.setTimeout(180_000);
    const rollout = await seedRollout(adminApi, `A11y ${viewport.name}`);
    const share = await adminApi.post(`/api/v1/rollouts/${rollout.id}/share-links`, { data: { label: "a11y" } });
    const { url: statusUrl } = (await share.json()) as { url: string };
    const { page } = await pageAs("commander");
    await page.setViewportSize(viewport);

    const pages: [string, string][] = [
      ["war-room", `/rollouts/${rollout.id}`],
      ["wall", `/rollouts/${rollout.id}?wall=1`],
      ["signoff", `/rollouts/${rollout.id}/signoff`],
    ];
    for (const [name, path] of pages) {
      await page.goto(path);
      await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
      expect(await seriousViolations(page), `${name} at ${viewport.name}`).toEqual([]);
      await page.screenshot({ path: `test-results/${name}-${viewport.width}x${viewport.height}.png`, fullPage: true });
    }

    const anonymous = await browser.newContext({ viewport });
    const stranger = await anonymous.newPage();
    await stranger.goto(statusUrl);
    await expect(stranger.getByTestId("connection")).toHaveAttribute("data-state", "live");
    expect(await seriousViolations(stranger), `status at ${viewport.name}`).toEqual([]);
    await stranger.screenshot({ path: `test-results/status-${viewport.width}x${viewport.height}.png`, fullPage: true });
    await stranger.goto("/login");
    await expect(stranger.getByRole("button", { name: /sign in/i })).toBeVisible();
    expect(await seriousViolations(stranger), `login at ${viewport.name}`).toEqual([]);
    await anonymous.close();
  });
}
