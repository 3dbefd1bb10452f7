import { DEMO_PASSWORD } from "../fixtures/env";
import { expect, test } from "../fixtures/test";

test("each demo user can sign in through the login page", async ({ browser }) => {
  // The header shows the role in the status vocabulary's words (lib/domain/status.ts, ROLE_LABEL).
  const shown = { admin: "Admin", commander: "Incident commander", engineer: "Engineer", viewer: "Viewer" } as const;
  for (const role of ["admin", "commander", "engineer", "viewer"] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/rollouts");
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("E-mail").fill(`${role}@warroom.local`);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Rollouts" })).toBeVisible();
    await expect(page.getByTestId("current-user")).toContainText(shown[role]);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name.endsWith("next-auth.session-token"));
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    await context.close();
  }
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill("admin@warroom.local");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "E-mail" })).toHaveText("E-mail or password is not right.");
  await expect(page).toHaveURL(/\/login/);
});

test("sign-in is rate-limited per e-mail after repeated failures", async ({ page }) => {
  const email = `nobody-${Date.now()}@warroom.local`;
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  const alert = page.getByRole("alert").filter({ hasText: /password|attempts/ });
  for (let n = 0; n < 5; n++) {
    await page.getByLabel("Password").fill(`guess-${n}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(alert).toHaveText("E-mail or password is not right.");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  await page.getByLabel("Password").fill("guess-5");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alert).toHaveText("Too many failed attempts. Wait a minute and try again.");
});

test("pages and API answers carry the security headers", async ({ request }) => {
  for (const path of ["/login", "/api/health"]) {
    const response = await request.get(path);
    const headers = response.headers();
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).toContain("object-src 'none'");
    expect(headers["referrer-policy"], path).toBe("no-referrer");
  }
});
