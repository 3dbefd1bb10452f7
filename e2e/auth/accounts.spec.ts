import { request as playwrightRequest, type APIRequestContext, type Browser } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import { createMigratedDatabase } from "../../test/database";
import type { CommandAck } from "../../lib/schemas/commands";
import type { ClientToServerEvents, ServerToClientEvents } from "../../lib/realtime/contract";
import { BASE_URL, E2E_PORT } from "../fixtures/env";
import { e2eDatabaseUrl, startAppProcess, type AppProcess } from "../fixtures/processes";
import { expect, seedRollout, test } from "../fixtures/test";

// Accounts end to end: a fresh install's first-run link makes an admin, who invites an engineer, who sets a
// password and ticks an item; a demoted commander's open war room loses its controls and its socket commands get
// 403 without a reload; after sign-out the old cookie is a 401.

const unique = () => Math.random().toString(36).slice(2, 8);

async function signInWithPassword(request: APIRequestContext, baseUrl: string, email: string, password: string) {
  const csrf = (await (await request.get(`${baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
  const response = await request.post(`${baseUrl}/api/auth/callback/credentials`, { form: { csrfToken: csrf.csrfToken, email, password, json: "true" } });
  expect(response.ok(), `sign in as ${email}`).toBeTruthy();
}

/** A person the admin creates through the API, signed in in a browser context of their own. */
async function newPersonPage(browser: Browser, adminApi: APIRequestContext, role: string) {
  const email = `${role.toLowerCase()}-${unique()}@example.com`;
  const created = await adminApi.post("/api/v1/users", { data: { email, name: `Casey ${role.toLowerCase()} ${unique()}`, role, password: "casey-password" } });
  expect(created.status(), await created.text()).toBe(201);
  const { user } = (await created.json()) as { user: { id: string; name: string } };
  const context = await browser.newContext({ baseURL: BASE_URL });
  await signInWithPassword(context.request, BASE_URL, email, "casey-password");
  return { user, context, page: await context.newPage() };
}

const cookieHeader = async (context: { cookies: () => Promise<{ name: string; value: string }[]> }) => (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

test.describe("first run", () => {
  let app: AppProcess | undefined;
  test.afterAll(async () => app?.stop());

  test("the setup link creates an admin, who invites an engineer, who sets a password and ticks an item", async ({ browser }) => {
    test.setTimeout(180_000);
    const admin = new URL(e2eDatabaseUrl());
    admin.pathname = "/postgres";
    const database = await createMigratedDatabase(admin.toString(), "wr_e2e_first_run");
    app = await startAppProcess(E2E_PORT + 1, { DATABASE_URL: database.url, WARROOM_DEMO: "off" });
    const setupUrl = /setup: (\S+)/.exec(app.output())?.[1];
    expect(setupUrl, app.output()).toMatch(new RegExp(`^${app.url}/invite/wr_invite_`));

    const adminContext = await browser.newContext({ baseURL: app.url });
    const adminPage = await adminContext.newPage();
    await adminPage.goto(setupUrl!);
    await expect(adminPage.getByRole("heading", { name: "Set up War Room" })).toBeVisible();
    await adminPage.getByLabel("E-mail").fill("first.admin@example.com");
    await adminPage.getByLabel("Your name").fill("Frida First");
    await adminPage.getByLabel("New password").fill("frida-password");
    await adminPage.getByLabel("Repeat the password").fill("frida-password");
    await adminPage.getByRole("button", { name: "Create the admin account" }).click();
    await expect(adminPage.getByRole("heading", { name: "People", level: 1 })).toBeVisible();
    await expect(adminPage.getByTestId("current-user")).toContainText("Admin");

    // The link was single-use.
    const reused = await (await browser.newContext()).newPage();
    await reused.goto(setupUrl!);
    await expect(reused.getByRole("alert").filter({ hasText: "This link has been used" })).toBeVisible();

    const invite = adminPage.getByRole("region", { name: "Invite someone" });
    await invite.getByLabel("E-mail").fill("erin.new@example.com");
    await invite.getByLabel("Role").selectOption("ENGINEER");
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const inviteUrl = await adminPage.getByLabel("Invitation link").inputValue();
    expect(inviteUrl).toContain(`${app.url}/invite/wr_invite_`);

    const rollout = await adminContext.request.post(`${app.url}/api/v1/rollouts`, {
      data: { name: `First run ${unique()}`, service: "checkout", sections: [{ title: "Pre-deployment", items: [{ text: "Backups verified" }] }] },
    });
    expect(rollout.status()).toBe(201);
    const { rollout: created } = (await rollout.json()) as { rollout: { id: string } };

    const engineerContext = await browser.newContext({ baseURL: app.url });
    const engineerPage = await engineerContext.newPage();
    await engineerPage.goto(inviteUrl);
    await expect(engineerPage.getByText("You are joining as Engineer with erin.new@example.com.")).toBeVisible();
    await engineerPage.getByLabel("Your name").fill("Erin New");
    await engineerPage.getByLabel("New password").fill("erin-password");
    await engineerPage.getByLabel("Repeat the password").fill("erin-password");
    await engineerPage.getByRole("button", { name: "Set password and sign in" }).click();
    await expect(engineerPage.getByRole("heading", { name: "Rollouts" })).toBeVisible();
    await engineerPage.goto(`/rollouts/${created.id}`);
    await expect(engineerPage.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await engineerPage.getByRole("checkbox", { name: "Backups verified" }).check();
    await expect(engineerPage.getByTestId("checked-by")).toContainText("Erin New");
    await engineerPage.reload();
    await expect(engineerPage.getByRole("checkbox", { name: "Backups verified" })).toBeChecked();

    await adminPage.reload();
    await expect(adminPage.getByTestId("user-erin.new@example.com").locator("select")).toHaveValue("ENGINEER");
    await Promise.all([adminContext.close(), engineerContext.close()]);
  });
});

test("a demoted commander's open war room loses its controls, and its socket commands get 403, without a reload", async ({ browser, adminApi }) => {
  const rollout = await seedRollout(adminApi, "Demotion");
  const commander = await newPersonPage(browser, adminApi, "COMMANDER");
  await commander.page.goto(`/rollouts/${rollout.id}`);
  await expect(commander.page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const box = commander.page.getByRole("checkbox", { name: rollout.items[0]!.text });
  await expect(box).toBeEnabled();

  // The same person's socket, as a script in their browser would open it (their cookie).
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(BASE_URL, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie: await cookieHeader(commander.context) } });
  try {
    await new Promise<void>((resolve, reject) => (socket.once("connect", () => resolve()), socket.once("connect_error", reject)));
    const pause = () => socket.timeout(10_000).emitWithAck("command", { type: "rollout.pause", rolloutId: rollout.id, input: { reason: "demotion e2e" } }) as Promise<CommandAck>;
    const before = await pause();
    expect(before.ok ? 200 : before.error.status).toBe(409); // allowed, but nothing is running yet

    const demoted = await adminApi.patch(`/api/v1/users/${commander.user.id}`, { data: { role: "VIEWER" } });
    expect(demoted.status()).toBe(200);

    await expect(box).toBeDisabled();
    await expect(commander.page.getByText("Read-only: your role can watch but not tick items.")).toBeVisible();
    const after = await pause();
    expect(after.ok ? 200 : after.error.status).toBe(403);
    expect(socket.connected).toBe(true);
  } finally {
    socket.disconnect();
    await commander.context.close();
  }
});

test("an admin demoted to viewer loses the open war room's checklist editing without a reload", async ({ browser, adminApi }) => {
  const rollout = await seedRollout(adminApi, "Admin demotion");
  // Engineers may edit the checklist too (plan.checklist): a viewer may not.
  const admin = await newPersonPage(browser, adminApi, "ADMIN");
  try {
    await admin.page.goto(`/rollouts/${rollout.id}`);
    await expect(admin.page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await expect(admin.page.getByRole("button", { name: "Edit checklist" })).toBeVisible();
    expect((await adminApi.patch(`/api/v1/users/${admin.user.id}`, { data: { role: "VIEWER" } })).status()).toBe(200);
    await expect(admin.page.getByText("Your role is now Viewer.")).toBeVisible();
    await expect(admin.page.getByRole("button", { name: "Edit checklist" })).toHaveCount(0);
  } finally {
    await admin.context.close();
  }
});

test("a demoted commander's open sign-off page loses its sign and phase controls without a reload; deactivated, it says the session ended", async ({ browser, adminApi }) => {
  const rollout = await seedRollout(adminApi, "Sign-off demotion");
  const commander = await newPersonPage(browser, adminApi, "COMMANDER");
  const page = commander.page;
  try {
    await page.goto(`/rollouts/${rollout.id}/signoff`);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    const goLive = page.getByRole("region", { name: "Go-live authorization" });
    await expect(goLive.getByRole("button", { name: "Sign GO" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Start rollout/ })).toBeVisible();
    await expect(page.getByText("Only an incident commander or an admin can sign")).toHaveCount(0);

    expect((await adminApi.patch(`/api/v1/users/${commander.user.id}`, { data: { role: "ENGINEER" } })).status()).toBe(200);
    await expect(goLive.getByRole("button", { name: "Sign GO" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Start rollout/ })).toHaveCount(0);
    await expect(page.getByText("Only an incident commander or an admin can sign")).toBeVisible();

    // Promoted again, the controls come back; deactivated, the page says its session ended and offers none.
    expect((await adminApi.patch(`/api/v1/users/${commander.user.id}`, { data: { role: "COMMANDER" } })).status()).toBe(200);
    await expect(goLive.getByRole("button", { name: "Sign GO" })).toBeVisible();
    expect((await adminApi.patch(`/api/v1/users/${commander.user.id}`, { data: { active: false } })).status()).toBe(200);
    await expect(page.getByText("Your session has ended")).toBeVisible();
    await expect(goLive.getByRole("button", { name: "Sign GO" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Start rollout/ })).toHaveCount(0);
  } finally {
    await commander.context.close();
  }
});

test("after sign-out the old session cookie gets 401, and no session from next-auth's endpoint", async ({ browser, adminApi }) => {
  const engineer = await newPersonPage(browser, adminApi, "ENGINEER");
  const oldCookie = await cookieHeader(engineer.context);
  await engineer.page.goto("/rollouts");
  await expect(engineer.page.getByRole("heading", { name: "Rollouts" })).toBeVisible();
  const before = await engineer.context.request.get("/api/auth/session");
  expect(((await before.json()) as { user?: { id?: string } }).user?.id).toBe(engineer.user.id);
  await engineer.page.getByRole("button", { name: "Sign out" }).click();
  await expect(engineer.page).toHaveURL(/\/login/);

  const replay = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { cookie: oldCookie } });
  try {
    const response = await replay.get("/api/v1/rollouts");
    expect(response.status()).toBe(401);
    // next-auth's own session endpoint agrees: no session for the old cookie.
    const session = await replay.get("/api/auth/session");
    expect(await session.json()).toEqual({});
    // And the page sends the old cookie to sign-in.
    const page = await replay.get("/rollouts", { maxRedirects: 0 });
    expect(page.status()).toBeGreaterThanOrEqual(300);
    expect(page.headers()["location"]).toContain("/login");
  } finally {
    await replay.dispose();
    await engineer.context.close();
  }
});

test("the login page never redirects off-site", async ({ page }) => {
  for (const target of ["/\\evil.example", "/%09/evil.example", "//evil.example", "https://evil.example/"]) {
    await page.goto(`/login?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel("E-mail").fill("engineer@warroom.local");
    await page.getByLabel("Password").fill(process.env.WARROOM_DEMO_PASSWORD ?? "e2e-demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Rollouts" })).toBeVisible();
    expect(new URL(page.url()).origin, target).toBe(BASE_URL);
    await page.context().clearCookies();
  }
});
