import { expect, seedRollout, test } from "../fixtures/test";

test("a commander signs the go-live gate; the engineer's war room shows it; the engineer cannot sign", async ({ adminApi, pageAs }) => {
  const rollout = await seedRollout(adminApi, "Gate");
  const gate = rollout.gates[0]!;
  const commander = await pageAs("commander");
  const engineer = await pageAs("engineer");
  await engineer.page.goto(`/rollouts/${rollout.id}`);
  await expect(engineer.page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(engineer.page.getByTestId(`gate-${gate.id}`)).toHaveAttribute("data-state", "PENDING");

  await commander.page.goto(`/rollouts/${rollout.id}/signoff`);
  const card = commander.page.getByRole("region", { name: gate.name });
  await card.getByRole("textbox", { name: `Comment for ${gate.name}` }).fill("Dashboards green, on-call ready");
  await card.getByRole("button", { name: "Sign GO" }).click();
  await expect(card.getByRole("list", { name: "Signatures" })).toContainText("GO by Cole Commander (Incident commander)");

  await expect(engineer.page.getByTestId(`gate-${gate.id}`)).toHaveAttribute("data-state", "APPROVED");
  await expect(engineer.page.getByTestId(`gate-${gate.id}`)).toContainText("Cole Commander");

  // The engineer's sign-off page has no sign buttons, and the API says 403.
  await engineer.page.goto(`/rollouts/${rollout.id}/signoff`);
  await expect(engineer.page.getByRole("button", { name: "Sign GO" })).toHaveCount(0);
  const response = await engineer.context.request.post(`/api/v1/gates/${gate.id}/signatures`, { data: { decision: "GO" } });
  expect(response.status()).toBe(403);
});
