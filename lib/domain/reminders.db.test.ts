import { describe, expect, it } from "vitest";
import { makeRollout, makeUser } from "@/test/factories";
import { startReceiver } from "@/test/receivers";
import { getDb } from "@/lib/db/client";
import { createChannel } from "./notification-channels";
import { deliverDueNotifications } from "./notification-delivery";
import { sendDueReminders, setNotificationSettings } from "./reminders";

// Reminders on a cadence, delivered through the outbox: the small runbook's T0 is 2026-12-01 12:00 UTC, its item
// "Commander named" (owner EM) is due at T-24h, and its two rollout-level gates are unsigned.

const T0 = Date.parse("2026-12-01T12:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

async function remindersOf(rolloutId: string, afterSeq = 0) {
  const events = await getDb().rolloutEvent.findMany({ where: { rolloutId, seq: { gt: afterSeq }, type: { in: ["reminder.item_overdue", "reminder.gate_waiting", "stakeholder.update"] } }, orderBy: { seq: "asc" } });
  return events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, seq: e.seq }));
}

describe("reminders", () => {
  it("an overdue item reminds its owner and waiting gates their approvers, once per cadence, and the channel gets them", async () => {
    const admin = await makeUser("ADMIN");
    const rollout = await makeRollout();
    const receiver = await startReceiver();
    try {
      await createChannel(admin.principal, rollout.id, { kind: "SLACK", name: "room", webhookUrl: `${receiver.url}/s`, forRehearsals: false, enabled: true });
      // 10 minutes after T0 the gates have not waited 15 minutes yet; the item is a day late.
      await sendDueReminders(at(10));
      let found = await remindersOf(rollout.id);
      expect(found.map((r) => r.type)).toEqual(["reminder.item_overdue"]);
      expect(found[0]!.data).toMatchObject({ text: "Commander named", owner: "EM" });

      await sendDueReminders(at(20));
      found = await remindersOf(rollout.id, found.at(-1)!.seq);
      expect(found.map((r) => [r.type, r.data.gateName])).toEqual([
        ["reminder.gate_waiting", "Go-live authorization"],
        ["reminder.gate_waiting", "Two-person confirmation"],
      ]);
      expect(found[0]!.data).toMatchObject({ missingRoles: ["COMMANDER"] });

      // Within the 30-minute cadence: nothing new. After it: each again.
      const last = found.at(-1)!.seq;
      await sendDueReminders(at(39));
      expect(await remindersOf(rollout.id, last)).toEqual([]);
      await sendDueReminders(at(50));
      expect((await remindersOf(rollout.id, last)).map((r) => r.type)).toEqual(["reminder.item_overdue", "reminder.gate_waiting", "reminder.gate_waiting"]);

      await deliverDueNotifications();
      const text = receiver.accepted.map((r) => r.body).join("\n");
      expect(text).toContain("Overdue");
      expect(text).toContain("Go-live authorization has waited 20 min for COMMANDER");
    } finally {
      await receiver.stop();
    }
  });

  it("a periodic stakeholder update every N minutes while the rollout is active, only when asked for", async () => {
    const admin = await makeUser("ADMIN");
    const rollout = await makeRollout();
    await getDb().rollout.update({ where: { id: rollout.id }, data: { status: "ACTIVE", startedAt: at(0) } });
    await getDb().phase.updateMany({ where: { rolloutId: rollout.id }, data: { status: "ACTIVE", startedAt: at(0) } });
    await sendDueReminders(at(20));
    expect((await remindersOf(rollout.id)).filter((r) => r.type === "stakeholder.update")).toEqual([]);
    await setNotificationSettings(admin.principal, rollout.id, { gateWaitMinutes: 15, reminderCadenceMinutes: 30, stakeholderUpdateMinutes: 10 });
    await sendDueReminders(at(21));
    await sendDueReminders(at(25));
    await sendDueReminders(at(31));
    const updates = (await remindersOf(rollout.id)).filter((r) => r.type === "stakeholder.update");
    expect(updates).toHaveLength(2);
    expect(updates[0]!.data).toMatchObject({ status: "ACTIVE", phase: "Canary", trafficPercent: 10, progress: { done: 1, total: 4 } });
  });

  it("a change of the reminder settings is an event of the rollout, with who changed it", async () => {
    const admin = await makeUser("ADMIN");
    const rollout = await makeRollout();
    await setNotificationSettings(admin.principal, rollout.id, { gateWaitMinutes: 20, reminderCadenceMinutes: 10, stakeholderUpdateMinutes: null });
    const events = await getDb().rolloutEvent.findMany({ where: { rolloutId: rollout.id, type: "notification.settings_updated" } });
    expect(events.map((e) => e.data)).toEqual([{ gateWaitMinutes: 20, reminderCadenceMinutes: 10, stakeholderUpdateMinutes: null }]);
    expect(events[0]!.actorId).toBe(admin.id);
  });
});
