import { defineConfig } from "@playwright/test";
import { BASE_URL, DEMO_PASSWORD, E2E_PORT } from "./e2e/fixtures/env";

// Debian's chromium (npx playwright install cannot download browsers here). The flags keep it from dialling
// out, which this network refuses.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  forbidOnly: Boolean(process.env.CI),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "npx tsx e2e/serve.ts",
    url: `${BASE_URL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(E2E_PORT),
      HOST: "127.0.0.1",
      WARROOM_DEMO_PASSWORD: DEMO_PASSWORD,
      NEXTAUTH_URL: BASE_URL,
      // Fast background workers, so e2e/metrics sees polls, evaluations and pending periods in seconds.
      WARROOM_POLL_TICK_MS: "200",
      WARROOM_EVAL_INTERVAL_MS: "500",
      WARROOM_LEADER_RETRY_MS: "1000",
      // A rolled-back rollout's stakeholder page says Resolved after this many healthy seconds.
      WARROOM_STATUS_RECOVERY_SECONDS: "5",
    },
  },
});
