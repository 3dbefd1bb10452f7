import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { startReceiver, type Receiver } from "@/test/receivers";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { changeRollout } from "@/lib/domain/events";
import { createChannel } from "@/lib/domain/notification-channels";

// "The app" (its background workers, started as server.ts starts them, in a child process) is killed with
// SIGKILL while a delivery is in flight, then started again: every event reaches the receiver exactly once,
// the interrupted one included, and no event seq is delivered twice.

let receiver: Receiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await receiver.stop();
});

function startApp(log: string[]): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/allow-server-only.mjs", "test/run-workers.ts"], {
    env: {
      ...process.env,
      WARROOM_NOTIFY_INTERVAL_MS: "50",
      WARROOM_LEADER_RETRY_MS: "100",
      WARROOM_EVAL_INTERVAL_MS: "3600000",
      WARROOM_POLL_TICK_MS: "60000",
      NEXTAUTH_URL: "https://warroom.example",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => log.push(c.toString()));
  child.stderr?.on("data", (c: Buffer) => log.push(c.toString()));
  children.push(child);
  return child;
}

const killed = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once("exit", resolve)));

describe("killed mid-delivery", () => {
  it(
    "resends after the restart, and each event seq arrives once",
    async () => {
      const admin = await makeUser("ADMIN");
      const rollout = await makeRollout();
      const { channel } = await createChannel(admin.principal, rollout.id, { kind: "WEBHOOK", name: "hook", url: `${receiver.url}/ce`, signingKey: "s".repeat(32), forRehearsals: false, enabled: true });
      const { events } = await changeRollout(rollout.id, SYSTEM_ACTOR, async (_tx, record) => {
        for (let i = 0; i < 5; i++) {
          await record("criterion.state_changed", { criterion: { id: `c${i}` }, from: i % 2 ? "FIRING" : "PENDING", to: i % 2 ? "NORMAL" : "FIRING" } as never);
        }
      });
      const ids = events.map((e) => `${channel.id}:${rollout.id}:${e.seq}`);

      // The third request is held open: the app is killed while it waits for the answer.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let arrived = 0;
      receiver.answer(async () => {
        arrived++;
        if (arrived === 3) await held;
        return { status: 202 };
      });

      const log: string[] = [];
      const first = startApp(log);
      await vi.waitFor(() => expect(arrived, log.join("")).toBe(3), { timeout: 60_000, interval: 50 });
      first.kill("SIGKILL");
      await killed(first);
      release();
      const afterCrash = await getDb().notificationDelivery.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
      expect(afterCrash.map((d) => d.status)).toEqual(["SENT", "SENT", "PENDING", "PENDING", "PENDING"]);
      expect(receiver.accepted.map((r) => (r.json as { id: string }).id)).toEqual(ids.slice(0, 2));

      const second = startApp(log);
      await vi.waitFor(
        async () => expect((await getDb().notificationDelivery.findMany({ where: { channelId: channel.id } })).every((d) => d.status === "SENT"), log.join("")).toBe(true),
        { timeout: 60_000, interval: 100 },
      );
      second.kill("SIGTERM");
      await killed(second);

      const accepted = receiver.accepted.map((r) => (r.json as { id: string }).id);
      expect(accepted).toEqual(ids);
      // The interrupted request was sent twice and answered once: six requests, five deliveries.
      expect(receiver.all).toHaveLength(6);
      expect(await getDb().notificationDelivery.count({ where: { channelId: channel.id } })).toBe(5);
    },
    150_000,
  );
});
