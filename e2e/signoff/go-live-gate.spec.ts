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

test("a go-live signed in the page before a 0.5 % canary authorizes 0.5 % initial traffic", async ({ adminApi, pageAs }) => {
  const name = `Sliver ${Date.now().toString(36)}`;
  const created = await adminApi.post("/api/v1/rollouts", {
    data: { name, service: "checkout", phases: [{ name: "Sliver", trafficPercent: 0.5 }], gates: [{ kind: "GO_LIVE", name: "Go-live authorization", requiredRoles: ["COMMANDER"] }] },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { rollout, gates } = (await created.json()) as { rollout: { id: string }; gates: { id: string; name: string }[] };
  const gate = gates[0]!;
  const { page } = await pageAs("commander");
  await page.goto(`/rollouts/${rollout.id}/signoff`);
  const card = page.getByRole("region", { name: gate.name });
  // Prefilled with the first phase's traffic; the browser must accept a fraction.
  await expect(card.getByLabel(`Initial traffic % for ${gate.name}`)).toHaveValue("0.5");
  await card.getByRole("button", { name: "Sign GO" }).click();
  await expect(card.getByRole("list", { name: "Signatures" })).toContainText("initial traffic 0.5%");
  const state = (await (await adminApi.get(`/api/v1/rollouts/${rollout.id}`)).json()) as { gates: { id: string; signatures: { trafficPercent: number | null }[] }[] };
  expect(state.gates.find((g) => g.id === gate.id)!.signatures.map((s) => s.trafficPercent)).toEqual([0.5]);
});
