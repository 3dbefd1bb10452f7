import "server-only";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR, actorOf, type UserPrincipal } from "@/lib/auth/principal";
import type { NotificationSettingsInput } from "@/lib/schemas/notifications";
import { changeRollout } from "./events";
import { gateStatus } from "./gate-status";

// Reminders, on a cadence: an overdue checklist item reminds its owner, a gate that has waited more than
// gateWaitMinutes reminds its approvers, and (when asked for) a stakeholder update goes out every N minutes
// while the rollout runs. Each is an event (reminder.item_overdue, reminder.gate_waiting, stakeholder.update),
// so the outbox delivers it like any other notification and the log shows who was reminded; the last time
// per subject (NotificationReminder) keeps them to one per cadence. Runs under the workers lock.

export const DEFAULT_SETTINGS = { gateWaitMinutes: 15, reminderCadenceMinutes: 30, stakeholderUpdateMinutes: null as number | null };
const MINUTE = 60_000;
/** Drafts whose go-live was more than this long ago are not nagged about any more. */
const STALE_DRAFT_MS = 7 * 24 * 3600 * 1000;

export async function getNotificationSettings(rolloutId: string) {
  const row = await getDb().notificationSettings.findUnique({ where: { rolloutId } });
  return row ? { gateWaitMinutes: row.gateWaitMinutes, reminderCadenceMinutes: row.reminderCadenceMinutes, stakeholderUpdateMinutes: row.stakeholderUpdateMinutes } : DEFAULT_SETTINGS;
}

export async function setNotificationSettings(principal: UserPrincipal, rolloutId: string, input: NotificationSettingsInput) {
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const row = await tx.notificationSettings.upsert({ where: { rolloutId }, create: { rolloutId, ...input }, update: input });
    const settings = { gateWaitMinutes: row.gateWaitMinutes, reminderCadenceMinutes: row.reminderCadenceMinutes, stakeholderUpdateMinutes: row.stakeholderUpdateMinutes };
    // Audited like every other change of the rollout (and on its timeline).
    await record("notification.settings_updated", settings);
    return settings;
  });
  return result;
}

/** One pass over the rollouts that are running (or about to): records the reminders that are due. */
export async function sendDueReminders(now: Date = new Date()): Promise<number> {
  const rollouts = await getDb().rollout.findMany({
    where: { OR: [{ status: { in: ["ACTIVE", "PAUSED"] } }, { status: "DRAFT", plannedStartAt: { gte: new Date(now.getTime() - STALE_DRAFT_MS) } }] },
    select: { id: true },
  });
  let recorded = 0;
  for (const { id } of rollouts) {
    try {
      recorded += await remindRollout(id, now);
    } catch (error) {
      console.error(`[warroom] reminders for rollout ${id} failed:`, error instanceof Error ? error.message : error);
    }
  }
  return recorded;
}

async function remindRollout(rolloutId: string, now: Date): Promise<number> {
  const settings = await getNotificationSettings(rolloutId);
  const { result } = await changeRollout(rolloutId, SYSTEM_ACTOR, async (tx, record) => {
    const rollout = await tx.rollout.findUniqueOrThrow({
      where: { id: rolloutId },
      select: {
        status: true,
        plannedStartAt: true,
        startedAt: true,
        items: { select: { id: true, text: true, state: true, dueOffsetMinutes: true, ownerName: true, owner: { select: { name: true } } } },
        phases: { select: { id: true, name: true, position: true, status: true, trafficPercent: true, startedAt: true, minDurationMinutes: true }, orderBy: { position: "asc" } },
        gates: { select: { id: true, name: true, phaseId: true, requiredRoles: true, approverTitles: true, signatures: { select: { decision: true, signerRole: true, createdAt: true, signer: { select: { name: true } } } } } },
      },
    });
    const sent = new Map((await tx.notificationReminder.findMany({ where: { rolloutId } })).map((r) => [r.subject, r.lastSentAt.getTime()]));
    const cadence = settings.reminderCadenceMinutes * MINUTE;
    const due = (subject: string) => {
      const last = sent.get(subject);
      return last === undefined || now.getTime() - last >= cadence;
    };
    const mark = (subject: string) =>
      tx.notificationReminder.upsert({ where: { rolloutId_subject: { rolloutId, subject } }, create: { rolloutId, subject, lastSentAt: now }, update: { lastSentAt: now } });
    let count = 0;

    // Overdue items (T0 + offset passed, still open).
    const t0 = rollout.plannedStartAt?.getTime() ?? null;
    for (const item of rollout.items) {
      if (t0 === null || item.dueOffsetMinutes === null || item.state !== "OPEN") continue;
      const dueAt = t0 + item.dueOffsetMinutes * MINUTE;
      const subject = `item:${item.id}`;
      if (dueAt > now.getTime() || !due(subject)) continue;
      const owner = item.owner?.name ?? item.ownerName ?? null;
      await record("reminder.item_overdue", {
        itemId: item.id,
        text: item.text,
        owner,
        dueAt: new Date(dueAt),
        publicSummary: `Overdue: "${item.text}"${owner ? ` (owner: ${owner})` : ""}, due ${new Date(dueAt).toISOString()}`,
      });
      await mark(subject);
      count++;
    }

    // Gates that wait: the next phase's once the current one may be promoted; the rollout's own from T0 while it
    // has not started; any gate from its first signature while others are still missing.
    const current = rollout.phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED");
    const next = current ? rollout.phases.find((p) => p.position > current.position && p.status === "PENDING") : undefined;
    for (const gate of rollout.gates) {
      const status = gateStatus(gate, gate.signatures);
      if (status.state !== "PENDING") continue;
      const starts: number[] = [];
      if (gate.phaseId && next && gate.phaseId === next.id && current?.startedAt) starts.push(current.startedAt.getTime() + current.minDurationMinutes * MINUTE);
      if (!gate.phaseId && rollout.status === "DRAFT" && t0 !== null) starts.push(t0);
      const first = gate.signatures.map((s) => s.createdAt.getTime()).sort((a, b) => a - b)[0];
      if (first !== undefined) starts.push(first);
      if (starts.length === 0) continue;
      const waitingSince = Math.min(...starts);
      const subject = `gate:${gate.id}`;
      if (now.getTime() - waitingSince < settings.gateWaitMinutes * MINUTE || !due(subject)) continue;
      const minutes = Math.floor((now.getTime() - waitingSince) / MINUTE);
      await record("reminder.gate_waiting", {
        gateId: gate.id,
        gateName: gate.name,
        missingRoles: status.missingRoles,
        approvers: gate.approverTitles,
        waitingSince: new Date(waitingSince),
        publicSummary: `${gate.name} has waited ${minutes} min for ${[...status.missingRoles, ...gate.approverTitles].join(", ") || "its approvers"}`,
      });
      await mark(subject);
      count++;
    }

    // The stakeholder update, while the rollout runs.
    if (settings.stakeholderUpdateMinutes && (rollout.status === "ACTIVE" || rollout.status === "PAUSED") && rollout.startedAt) {
      const last = sent.get("stakeholder") ?? rollout.startedAt.getTime();
      if (now.getTime() - last >= settings.stakeholderUpdateMinutes * MINUTE) {
        const done = rollout.items.filter((i) => i.state === "DONE" || i.state === "SKIPPED").length;
        const phase = current ?? null;
        await record("stakeholder.update", {
          status: rollout.status,
          phase: phase?.name ?? null,
          trafficPercent: phase?.trafficPercent ?? null,
          progress: { done, total: rollout.items.length },
          publicSummary: `Status: ${rollout.status === "PAUSED" ? "paused" : "in progress"}${phase ? `, ${phase.name} at ${phase.trafficPercent}% traffic` : ""}; checklist ${done}/${rollout.items.length}`,
        });
        await mark("stakeholder");
        count++;
      }
    }
    return count;
  });
  return result;
}
