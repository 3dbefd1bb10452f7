import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { startReceiver, type Receiver } from "@/test/receivers";
import { serveRoutes } from "@/test/route-server";
import { POST as alertmanagerRoute } from "@/app/api/v1/alerts/alertmanager/route";
import { getDb } from "@/lib/db/client";
import { startDemoTarget, type DemoTarget } from "@/lib/demo-target/server";
import { getRolloutState } from "@/lib/domain/rollouts";
import { bindTriggerToAlert, createAlertToken } from "./alerts";
import { createChannel } from "./notification-channels";
import { deliverDueNotifications } from "./notification-delivery";

// The whole loop with real parts: the demo target serves traffic, a real Prometheus scrapes it and evaluates an
// alerting rule on its error rate, a real Alertmanager (Debian's prometheus-alertmanager; .ci/run installs it)
// posts to War Room's webhook route (served over HTTP), the bound rollback trigger goes FIRING, a Slack-shaped
// receiver is told, and when the bad build gets no traffic the alert resolves and so does the trigger.

const prometheusBin = process.env.PROMETHEUS_PATH ?? "prometheus";
const alertmanagerBin = process.env.ALERTMANAGER_PATH ?? "prometheus-alertmanager";
const runs = (bin: string) => spawnSync(bin, ["--version"], { stdio: "ignore" }).status === 0;
const available = runs(prometheusBin) && runs(alertmanagerBin);
if (!available) console.warn(`[alertmanager.db.test] SKIPPED: needs '${prometheusBin}' and '${alertmanagerBin}' (Debian's prometheus and prometheus-alertmanager; .ci/run installs them).`);

const TOKEN = "alertmanager-test-demo-token";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(bin: string, args: string[], log: string[]): ChildProcess {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (c: Buffer) => log.push(c.toString()));
  child.stderr?.on("data", (c: Buffer) => log.push(c.toString()));
  return child;
}

async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describe.skipIf(!available)("a Prometheus alert through a real Alertmanager drives a rollback trigger", () => {
  let target: DemoTarget;
  let app: Awaited<ReturnType<typeof serveRoutes>>;
  let slack: Receiver;
  let prometheus: ChildProcess | undefined;
  let alertmanager: ChildProcess | undefined;
  let dataDir: string;
  const logs: string[] = [];
  let rolloutId: string;
  let criterionId: string;

  const setTraffic = async (percentage: number) => {
    const res = await fetch(`${target.url}/api/admin/feature-flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ percentage }),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    const admin = await makeUser("ADMIN");
    const rollout = await makeRollout();
    rolloutId = rollout.id;
    const state = await getRolloutState(rolloutId);
    const phase = state.phases[0]!;
    criterionId = phase.criteria[0]!.id;
    // The phase is running (how it got there is not what this test is about).
    await getDb().phase.update({ where: { id: phase.id }, data: { status: "ACTIVE", startedAt: new Date() } });
    await getDb().rollout.update({ where: { id: rolloutId }, data: { status: "ACTIVE", startedAt: new Date() } });
    await bindTriggerToAlert(admin.principal, criterionId, { alertName: "PaymentsHighErrorRate", labels: { service: "payments" } });
    const { token } = await createAlertToken(admin.principal, rolloutId, "test alertmanager");
    slack = await startReceiver();
    await createChannel(admin.principal, rolloutId, { kind: "SLACK", name: "room", webhookUrl: `${slack.url}/services/x`, forRehearsals: false, enabled: true });

    app = await serveRoutes({ "/api/v1/alerts/alertmanager": alertmanagerRoute });
    target = await startDemoTarget({ token: TOKEN, requestsPerSecond: 1000, seed: 7 });
    await setTraffic(50);

    dataDir = await mkdtemp(path.join(os.tmpdir(), "warroom-alertmanager-"));
    const [promPort, amPort] = [await freePort(), await freePort()];
    await writeFile(
      path.join(dataDir, "alertmanager.yml"),
      [
        "route:",
        "  receiver: warroom",
        "  group_by: [alertname]",
        "  group_wait: 1s",
        "  group_interval: 1s",
        "  repeat_interval: 1h",
        "receivers:",
        "  - name: warroom",
        "    webhook_configs:",
        `      - url: ${app.url}/api/v1/alerts/alertmanager`,
        "        send_resolved: true",
        "        http_config:",
        "          authorization:",
        "            type: Bearer",
        `            credentials: ${token}`,
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(dataDir, "rules.yml"),
      [
        "groups:",
        "  - name: payments",
        "    interval: 1s",
        "    rules:",
        "      - alert: PaymentsHighErrorRate",
        '        expr: sum(rate(http_requests_total{status="5xx"}[5s])) / sum(rate(http_requests_total[5s])) * 100 > 1',
        "        for: 2s",
        "        labels: { service: payments, severity: page }",
        '        annotations: { summary: "Payments error rate above 1%" }',
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(dataDir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "rule_files: [rules.yml]",
        "alerting:",
        "  alertmanagers:",
        `    - static_configs: [{ targets: ["127.0.0.1:${amPort}"] }]`,
        "scrape_configs:",
        "  - job_name: demo",
        `    static_configs: [{ targets: ["127.0.0.1:${target.port}"] }]`,
        "",
      ].join("\n"),
    );
    alertmanager = run(
      alertmanagerBin,
      [
        `--config.file=${path.join(dataDir, "alertmanager.yml")}`,
        `--storage.path=${path.join(dataDir, "am")}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        // No gossip: an empty cluster address turns clustering off (no fixed port 9094).
        "--cluster.listen-address=",
        "--log.level=warn",
      ],
      logs,
    );
    prometheus = run(
      prometheusBin,
      [`--config.file=${path.join(dataDir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dataDir, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`, "--log.level=warn"],
      logs,
    );
    await vi.waitFor(
      async () => {
        expect(alertmanager?.exitCode, logs.join("")).toBeNull();
        expect(prometheus?.exitCode, logs.join("")).toBeNull();
        expect((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).status).toBe(200);
      },
      { timeout: 30_000, interval: 250 },
    );
  }, 60_000);

  afterAll(async () => {
    await stop(prometheus);
    await stop(alertmanager);
    await target?.close();
    await app?.close();
    await slack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    "fires the trigger when the alert fires, tells the channel, and resolves it when the alert resolves",
    async () => {
      const criterion = () => getDb().criterion.findUniqueOrThrow({ where: { id: criterionId } });
      await vi.waitFor(async () => expect((await criterion()).state, logs.join("")).toBe("FIRING"), { timeout: 60_000, interval: 250 });

      const fired = await getDb().rolloutEvent.findFirstOrThrow({ where: { rolloutId, type: "criterion.state_changed" }, orderBy: { seq: "desc" } });
      expect(fired.actorName).toBe("Alertmanager");
      expect(fired.data).toMatchObject({ to: "FIRING", alert: { source: "alertmanager", labels: { alertname: "PaymentsHighErrorRate", service: "payments" }, summary: "Payments error rate above 1%" } });

      await vi.waitFor(
        async () => {
          await deliverDueNotifications();
          expect(slack.accepted.map((r) => r.body).join("\n")).toContain("is FIRING");
        },
        { timeout: 20_000, interval: 250 },
      );

      // No traffic to the bad build: the error rate falls back under 1%, the alert resolves.
      await setTraffic(0);
      await vi.waitFor(async () => expect((await criterion()).state, logs.join("")).toBe("RESOLVED"), { timeout: 90_000, interval: 500 });
      const changes = await getDb().rolloutEvent.findMany({ where: { rolloutId, type: "criterion.state_changed" }, orderBy: { seq: "asc" } });
      // Exactly one firing and one resolution, whatever Alertmanager repeated.
      expect(changes.map((e) => `${(e.data as { from: string }).from}→${(e.data as { to: string }).to}`)).toEqual(["NORMAL→FIRING", "FIRING→RESOLVED"]);
    },
    180_000,
  );
});
