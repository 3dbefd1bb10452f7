import "server-only";
import { getDb } from "@/lib/db/client";
import { generateToken, hashToken } from "@/lib/auth/secrets";
import { actorOf, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { automaticRollbackRunner, recordAutoRollbackDecision, runAutoRollbacks, type AutoRollbackDecision } from "./auto-rollback";
import { changeRollout } from "./events";
import { badRequest, notFound, unauthorized } from "./errors";
import { jsonify } from "./json";
import { criterionSelect, type CriterionView } from "./selects";
import { judgeCriterion, readInPhase, tileKeepsTriggerFiring } from "./status";
import type { AlertBindingInput, AlertmanagerPayload } from "@/lib/schemas/notifications";

// Alerts in: Alertmanager's webhook_config (payload version 4) and Grafana's webhook contact point post here
// with a per-rollout bearer token. A rollback trigger bound to an alert (alertname + labels) goes FIRING when
// the alert fires — the alert's own `for` was its pending period — and back when it resolves. Alertmanager
// repeats a firing alert every repeat_interval and may deliver a group twice: an alert already applied in the
// same state since the same start (AlertReceipt) is ignored. A trigger bound to a tile as well has two sources: it
// stays FIRING while any bound alert fires (Criterion.firingAlerts) or its tile still breaches, and resolves only
// when all of them are clear (lib/domain/status.ts, tileKeepsTriggerFiring and holdWhileAlertFires).

const ALERT_TOKEN_PREFIX = "wr_alert_";
/** A resolved alert leaves its trigger RESOLVED: it fired in this phase (lib/domain/status.ts). */
const RESOLVED_STATE = "RESOLVED" as const;

export async function createAlertToken(principal: UserPrincipal, rolloutId: string, label?: string): Promise<{ id: string; token: string; prefix: string }> {
  const token = ALERT_TOKEN_PREFIX + generateToken("api").slice("wr_pat_".length);
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const row = await tx.alertToken.create({ data: { rolloutId, tokenHash: hashToken(token), prefix: token.slice(0, 13), label: label || null }, select: { id: true, prefix: true } });
    await record("alert_token.created", { alertTokenId: row.id, label: label || null });
    return row;
  });
  return { ...result, token };
}

/** The rollout a bearer alert token belongs to; 401 for anything else. */
export async function rolloutOfAlertToken(authorization: string | null): Promise<string> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!token || !token.startsWith(ALERT_TOKEN_PREFIX) || token.length > 200) throw unauthorized("Send the rollout's alert token as a bearer token");
  const row = await getDb().alertToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { rolloutId: true, revokedAt: true } });
  if (!row || row.revokedAt) throw unauthorized("Unknown or revoked alert token");
  return row.rolloutId;
}

/** Binds a rollback trigger to an alert (or unbinds it with null). Commanders and admins. */
export async function bindTriggerToAlert(principal: UserPrincipal, criterionId: string, binding: AlertBindingInput): Promise<CriterionView & { alertName: string | null; alertLabels: unknown }> {
  const found = await getDb().criterion.findUnique({ where: { id: criterionId }, select: { kind: true, phase: { select: { rolloutId: true } } } });
  if (!found) throw notFound("Criterion");
  if (found.kind !== "ROLLBACK_TRIGGER") throw badRequest("Only a rollback trigger can be bound to an alert", { alert: ["applies to rollback triggers only"] });
  const { result } = await changeRollout(found.phase.rolloutId, actorOf(principal), async (tx, record) => {
    const updated = await tx.criterion.update({
      where: { id: criterionId },
      // A new binding starts with no alert firing: the old binding's alerts no longer speak for this trigger.
      data: { alertName: binding?.alertName ?? null, alertLabels: binding ? binding.labels : undefined, firingAlerts: [] },
      select: { ...criterionSelect, alertName: true, alertLabels: true },
    });
    const view = jsonify(updated);
    await record("criterion.updated", {
      phaseId: updated.phaseId,
      criterion: view,
      publicSummary: binding ? `Rollback trigger "${updated.description}" bound to alert ${binding.alertName}` : `Rollback trigger "${updated.description}" no longer bound to an alert`,
    });
    return view;
  });
  return result;
}

export type AlertSource = "alertmanager" | "grafana";
export type AppliedAlerts = { received: number; ignored: number; transitions: { criterionId: string; from: string; to: string }[] };

const SOURCE_ACTOR: Record<AlertSource, Actor> = { alertmanager: { id: null, name: "Alertmanager" }, grafana: { id: null, name: "Grafana" } };

function matches(binding: { alertName: string | null; alertLabels: unknown }, labels: Record<string, string>): boolean {
  if (!binding.alertName || labels.alertname !== binding.alertName) return false;
  const wanted = (binding.alertLabels && typeof binding.alertLabels === "object" ? binding.alertLabels : {}) as Record<string, unknown>;
  return Object.entries(wanted).every(([name, value]) => labels[name] === value);
}

/** Applies one webhook delivery to the rollout's bound triggers, in one transaction with its events. */
export async function applyAlerts(rolloutId: string, payload: AlertmanagerPayload, source: AlertSource, now: Date = new Date()): Promise<AppliedAlerts> {
  const { result } = await changeRollout(rolloutId, SOURCE_ACTOR[source], async (tx, record) => {
    const applied: AppliedAlerts = { received: payload.alerts.length, ignored: 0, transitions: [] };
    // A trigger with autoRollback that an alert fires rolls back as one the evaluator fires does: one recorded
    // decision in this transaction, the rollout's rollback action run after commit.
    const decisions: AutoRollbackDecision[] = [];
    const criteria = await tx.criterion.findMany({
      where: { kind: "ROLLBACK_TRIGGER", alertName: { not: null }, phase: { rolloutId, status: { in: ["ACTIVE", "PAUSED"] } } },
      select: { ...criterionSelect, clearSince: true, firingAlerts: true, alertName: true, alertLabels: true, phase: { select: { name: true, startedAt: true } } },
      orderBy: { id: "asc" },
    });
    const tiles = await tx.metricTile.findMany({
      where: { rolloutId, key: { in: [...new Set(criteria.map((c) => c.metricKey))] } },
      select: { key: true, lastValue: true, lastSampleAt: true, lastErrorAt: true, pollIntervalSeconds: true },
    });
    /** Whether the criterion's tile still says it fires, now (see tileKeepsTriggerFiring). */
    const tileKeepsFiring = (criterion: (typeof criteria)[number]) => {
      const tile = tiles.find((t) => t.key === criterion.metricKey);
      const reading = readInPhase(
        tile && { ...tile, lastSampleAt: tile.lastSampleAt?.getTime() ?? null, lastErrorAt: tile.lastErrorAt?.getTime() ?? null },
        criterion.phase.startedAt?.getTime() ?? null,
        now.getTime(),
      );
      const status = { state: criterion.state, since: criterion.stateSince?.getTime() ?? null, clearSince: criterion.clearSince?.getTime() ?? null };
      return tileKeepsTriggerFiring(status, reading, judgeCriterion(criterion, reading), criterion.pendingSeconds);
    };
    for (const alert of payload.alerts) {
      const startsAt = new Date(alert.startsAt);
      // A repeat of an alert already applied in this state, or a late "firing" for an episode already resolved.
      const inserted = await tx.$executeRaw`
        INSERT INTO "AlertReceipt" ("rolloutId", fingerprint, status, "startsAt")
        SELECT ${rolloutId}, ${alert.fingerprint}, ${alert.status}, ${startsAt}
        WHERE NOT EXISTS (
          SELECT 1 FROM "AlertReceipt" WHERE "rolloutId" = ${rolloutId} AND fingerprint = ${alert.fingerprint} AND "startsAt" = ${startsAt}
            AND (status = ${alert.status} OR status = 'resolved'))
        ON CONFLICT DO NOTHING`;
      if (inserted === 0) {
        applied.ignored++;
        continue;
      }
      for (const criterion of criteria.filter((c) => matches(c, alert.labels))) {
        const to = alert.status === "firing" ? "FIRING" : RESOLVED_STATE;
        const firingAlerts = to === "FIRING" ? [...new Set([...criterion.firingAlerts, alert.fingerprint])] : criterion.firingAlerts.filter((f) => f !== alert.fingerprint);
        // Only a firing trigger resolves, and only once no source says it fires: no other bound alert, and not its
        // tile. One already firing (from its tile, or an earlier alert) stays as it is.
        const moves =
          to === "FIRING" ? criterion.state !== "FIRING" : criterion.state === "FIRING" && firingAlerts.length === 0 && !tileKeepsFiring(criterion);
        if (!moves) {
          if (firingAlerts.length !== criterion.firingAlerts.length) {
            await tx.criterion.update({ where: { id: criterion.id }, data: { firingAlerts } });
            criterion.firingAlerts = firingAlerts;
          }
          continue;
        }
        const from = criterion.state;
        const updated = await tx.criterion.update({
          where: { id: criterion.id },
          data: { state: to, clearSince: null, firingAlerts, stateSince: to === "FIRING" ? startsAt : alert.endsAt && !Number.isNaN(Date.parse(alert.endsAt)) ? new Date(alert.endsAt) : now },
          select: criterionSelect,
        });
        criterion.state = updated.state;
        criterion.stateSince = updated.stateSince;
        criterion.clearSince = null;
        criterion.firingAlerts = firingAlerts;
        const summary = alert.annotations.summary ?? alert.annotations.description ?? alert.labels.alertname;
        await record("criterion.state_changed", {
          phaseId: updated.phaseId,
          criterion: jsonify(updated),
          from,
          to,
          value: null,
          alert: { source, fingerprint: alert.fingerprint, labels: alert.labels, startsAt: alert.startsAt, summary: summary ?? null },
          publicSummary: `Rollback trigger "${updated.description}" ${to === "FIRING" ? "is FIRING" : "is resolved"}: alert ${alert.labels.alertname ?? "?"} ${alert.status}`,
        });
        applied.transitions.push({ criterionId: criterion.id, from, to });
        if (to === "FIRING" && updated.autoRollback) {
          // The reason names the alert's episode: the rollback's idempotency key comes from it, so a repeat of
          // this episode never rolls back twice, and a later episode may.
          const decision: AutoRollbackDecision = {
            rolloutId,
            phaseId: updated.phaseId,
            phaseName: criterion.phase.name,
            criterionId: criterion.id,
            description: updated.description,
            value: null,
            reason: `Rollback trigger "${updated.description}" fired: alert ${alert.labels.alertname ?? "?"} (${source}, fingerprint ${alert.fingerprint}, since ${alert.startsAt})`,
          };
          const rollbackConfigured = (await tx.action.count({ where: { rolloutId, kind: "ROLLBACK", deletedAt: null } })) > 0;
          await recordAutoRollbackDecision(record, decision, rollbackConfigured);
          decisions.push(decision);
        }
      }
    }
    return { applied, decisions };
  });
  await runAutoRollbacks(automaticRollbackRunner, result.decisions);
  return result.applied;
}
