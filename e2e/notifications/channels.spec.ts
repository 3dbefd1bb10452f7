import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, seedRollout, test } from "../fixtures/test";

// The notifications page against the real server and a Slack-shaped receiver started here: an admin adds a
// channel (the URL never comes back), sends a test, and sees a tick delivered in the channel's log.

type Received = { body: { text?: string; blocks?: { type: string }[] } };

async function startSlack(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      received.push({ body: JSON.parse(raw) as Received["body"] });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/services/T000/B000/secretpart`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test("an admin adds a Slack channel, sends a test, and watches a delivery arrive in its log", async ({ adminApi, pageAs }) => {
  const slack = await startSlack();
  try {
    const rollout = await seedRollout(adminApi, "Notify");
    const { page } = await pageAs("admin");
    await page.goto(`/rollouts/${rollout.id}/notifications`);
    await expect(page.getByText("No channels yet")).toBeVisible();
    await page.getByRole("button", { name: "Add channel" }).click();
    const form = page.getByRole("form", { name: "New channel" });
    await form.getByLabel("Kind").selectOption("SLACK");
    await form.getByLabel("Name").fill("#release");
    await form.getByLabel("Incoming webhook URL").fill(slack.url);
    await form.getByRole("button", { name: "Save channel" }).click();

    const card = page.getByRole("article", { name: "Channel #release" });
    await expect(card).toBeVisible();
    await expect(card).toContainText("127.0.0.1");
    expect(await page.content()).not.toContain("secretpart");

    await card.getByRole("button", { name: "Send test" }).click();
    await expect(card.getByRole("status")).toHaveText("Test sent (HTTP 200)");
    expect(slack.received[0]!.body.blocks?.map((b) => b.type)).toEqual(["header", "section", "context", "actions"]);

    // Ticks are not notified by default: ask for them, then tick.
    const { channels } = (await (await adminApi.get(`/api/v1/rollouts/${rollout.id}/notification-channels`)).json()) as { channels: { id: string; name: string }[] };
    const channel = channels.find((c) => c.name === "#release")!;
    expect((await adminApi.patch(`/api/v1/notification-channels/${channel.id}`, { data: { rules: { "item.updated": "info" } } })).status()).toBe(200);
    const item = rollout.items[0]!;
    expect((await adminApi.patch(`/api/v1/items/${item.id}`, { data: { state: "DONE", expectedVersion: item.version } })).status()).toBe(200);

    const log = card.getByRole("table", { name: "Delivery log of #release" });
    await expect(log).toContainText("item.updated", { timeout: 20_000 });
    await expect(log.getByText("sent")).toBeVisible({ timeout: 20_000 });
    expect(slack.received.map((r) => r.body.text ?? "").join("\n")).toContain(item.text);
  } finally {
    await slack.close();
  }
});

test("a viewer cannot see where notifications go", async ({ pageAs, adminApi }) => {
  const rollout = await seedRollout(adminApi, "Notify viewer");
  const { page } = await pageAs("viewer");
  await page.goto(`/rollouts/${rollout.id}/notifications`);
  await expect(page.getByText("Only a commander or an admin can see where notifications go.")).toBeVisible();
  expect((await page.request.get(`/api/v1/rollouts/${rollout.id}/notification-channels`)).status()).toBe(403);
});
