import type { Page } from "@playwright/test";
import { E2E_PORT } from "../fixtures/env";
import { startTestOidcProvider, type TestOidcProvider } from "../fixtures/oidc-provider";
import { startAppProcess, type AppProcess } from "../fixtures/processes";
import { expect, test } from "../fixtures/test";

// OpenID Connect against a real provider (oidc-provider) started here, and a War Room process configured for it
// (WARROOM_AUTH=both, a group → role map, auto-provisioning). The provider's groups decide the role; a person
// whose group was taken away is refused at the next sign-in and their open session ends.

const PORT = E2E_PORT + 2;
let provider: TestOidcProvider;
let app: AppProcess;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  provider = await startTestOidcProvider({ redirectUris: [`http://127.0.0.1:${PORT}/api/auth/callback/oidc`] });
  app = await startAppProcess(PORT, {
    WARROOM_AUTH: "both",
    WARROOM_OIDC_ISSUER: provider.issuer,
    WARROOM_OIDC_CLIENT_ID: provider.clientId,
    WARROOM_OIDC_CLIENT_SECRET: provider.clientSecret,
    WARROOM_OIDC_NAME: "Test SSO",
    WARROOM_OIDC_SCOPES: "openid email profile groups",
    WARROOM_OIDC_GROUPS_CLAIM: "groups",
    WARROOM_OIDC_ROLE_MAP: "wr-commanders=COMMANDER,wr-engineers=ENGINEER",
    WARROOM_OIDC_PROVISIONING: "auto",
  });
});
test.afterAll(async () => {
  await app?.stop();
  await provider?.close();
});

/** From War Room's login page through the provider's own login and consent pages, and back. */
async function signInWithSso(page: Page, login: string) {
  await page.goto(`${app.url}/login`);
  await page.getByRole("button", { name: "Sign in with Test SSO" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password: dev interactions");
  await page.locator('button[type="submit"]').click();
  // The consent page (first time for this person and client).
  const consent = page.locator('button[type="submit"]');
  if (await page.url().startsWith(provider.issuer)) await consent.click();
}

test("an OIDC sign-in gets the role its group maps to; with the group taken away it is refused and the session ends", async ({ browser }) => {
  const login = `olivia-${Math.random().toString(36).slice(2, 8)}`;
  provider.accounts.set(login, { email: `${login}@corp.example`, name: "Olivia Oidc", groups: ["staff", "wr-commanders"] });

  const first = await browser.newContext();
  const page = await first.newPage();
  await signInWithSso(page, login);
  await expect(page.getByRole("heading", { name: "Rollouts" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("Olivia Oidc");
  await expect(page.getByTestId("current-user")).toContainText("Incident commander");
  expect((await first.request.get(`${app.url}/api/v1/rollouts`)).status()).toBe(200);

  // The identity provider moves her to engineers: the next sign-in carries the new role.
  provider.accounts.set(login, { ...provider.accounts.get(login)!, groups: ["wr-engineers"] });
  const second = await browser.newContext();
  const again = await second.newPage();
  await signInWithSso(again, login);
  await expect(again.getByTestId("current-user")).toContainText("Engineer");
  // The role is the user's, not the session's: her first session sees it too.
  await page.reload();
  await expect(page.getByTestId("current-user")).toContainText("Engineer");

  // Her group is taken away: refused, and her open sessions end.
  provider.accounts.set(login, { ...provider.accounts.get(login)!, groups: ["staff"] });
  const third = await browser.newContext();
  const refused = await third.newPage();
  await signInWithSso(refused, login);
  await expect(refused).toHaveURL(/\/login\?error=no_group/);
  await expect(refused.getByRole("alert").filter({ hasText: "in no group that War Room knows" })).toBeVisible();
  expect((await first.request.get(`${app.url}/api/v1/rollouts`)).status()).toBe(401);
  expect((await second.request.get(`${app.url}/api/v1/rollouts`)).status()).toBe(401);
  await Promise.all([first.close(), second.close(), third.close()]);
});
