import "server-only";
import { z } from "zod";
import { applyAlerts, bindTriggerToAlert, createAlertToken, rolloutOfAlertToken, type AlertSource } from "@/lib/domain/alerts";
import { badRequest } from "@/lib/domain/errors";
import { createChannel, deleteChannel, listChannels, listDeliveries, sendTestMessage, updateChannel } from "@/lib/domain/notification-channels";
import { getNotificationSettings, setNotificationSettings } from "@/lib/domain/reminders";
import { idSchema } from "@/lib/schemas/common";
import { alertBindingSchema, alertmanagerPayloadSchema, createAlertTokenSchema, createChannelSchema, notificationSettingsSchema, updateChannelSchema } from "@/lib/schemas/notifications";
import { defineOperation as op } from "./operation";

// Rows of the table of operations (table.ts spreads them in) for notifications out and alerts in.

const byId = z.object({ id: idSchema });
const publicBase = (url: string | null) => process.env.NEXTAUTH_URL ?? url ?? "http://127.0.0.1:3000";

/**
 * Alertmanager and Grafana are not users: their credential is the rollout's alert token, checked before the
 * payload is looked at (a caller without it gets 401 whatever it sends, once the body is JSON).
 */
function receiveAlerts(source: AlertSource, path: string, summary: string) {
  return op({
    method: "POST",
    path,
    summary,
    access: { public: true },
    body: z.unknown(),
    maxBodyBytes: 2 * 1024 * 1024,
    run: async ({ headers, body }) => {
      const rolloutId = await rolloutOfAlertToken(headers.get("authorization"));
      const parsed = alertmanagerPayloadSchema.safeParse(body);
      if (!parsed.success) {
        const fields: Record<string, string[]> = {};
        for (const issue of parsed.error.issues) (fields[issue.path.join(".") || "body"] ??= []).push(issue.message);
        throw badRequest("The alert payload is not Alertmanager's webhook format (version 4)", fields);
      }
      return applyAlerts(rolloutId, parsed.data, source);
    },
  });
}

export const notificationOperations = {
  "notificationChannels.listForRollout": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/notification-channels",
    summary: "The rollout's notification channels and the default ones that apply to it; never their URLs or keys. COMMANDER, ADMIN.",
    access: { permission: "notifications.read" },
    touches: { id: "rollout" },
    params: byId,
    run: async ({ params }) => ({ channels: await listChannels(params.id) }),
  }),
  "notificationChannels.createForRollout": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/notification-channels",
    summary:
      "A channel for this rollout: `{ kind: SLACK, webhookUrl }`, `{ kind: WEBHOOK, url, signingKey? }` or `{ kind: PAGERDUTY, routingKey, apiUrl? }`, with `name`, `rules?` (topic → severity), `forRehearsals?`, `enabled?`. A generated signing key is in this answer only. ADMIN.",
    access: { permission: "notifications.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: createChannelSchema,
    status: 201,
    run: ({ caller, params, body }) => createChannel(caller, params.id, body),
  }),
  "notificationChannels.listDefaults": op({
    method: "GET",
    path: "/api/v1/notification-channels",
    summary: "Default channels: every rollout notifies them. COMMANDER, ADMIN.",
    access: { permission: "notifications.read" },
    run: async () => ({ channels: await listChannels(null) }),
  }),
  "notificationChannels.createDefault": op({
    method: "POST",
    path: "/api/v1/notification-channels",
    summary: "A default channel for every rollout (same body as a rollout's channel). ADMIN.",
    access: { permission: "notifications.configure" },
    body: createChannelSchema,
    status: 201,
    run: ({ caller, body }) => createChannel(caller, null, body),
  }),
  "notificationChannels.update": op({
    method: "PATCH",
    path: "/api/v1/notification-channels/{id}",
    summary: "`{ name?, rules?, forRehearsals?, enabled? }`; `rules: null` goes back to the defaults. Secrets cannot be read or changed: add a new channel. ADMIN.",
    access: { permission: "notifications.configure" },
    touches: { id: "notificationChannel" },
    params: byId,
    body: updateChannelSchema,
    run: async ({ caller, params, body }) => ({ channel: await updateChannel(caller, params.id, body) }),
  }),
  "notificationChannels.delete": op({
    method: "DELETE",
    path: "/api/v1/notification-channels/{id}",
    summary: "Removes the channel; its delivery log stays, pending deliveries fail. ADMIN.",
    access: { permission: "notifications.configure" },
    touches: { id: "notificationChannel" },
    params: byId,
    run: async ({ caller, params }) => {
      await deleteChannel(caller, params.id);
      return { deleted: true };
    },
  }),
  "notificationChannels.deliveries": op({
    method: "GET",
    path: "/api/v1/notification-channels/{id}/deliveries",
    summary: "The channel's delivery log, newest first: sent; failed and why; retrying and when next. `rolloutId` narrows a default channel's log. COMMANDER, ADMIN.",
    access: { permission: "notifications.read" },
    touches: { id: "notificationChannel" },
    params: byId,
    query: z.object({ rolloutId: idSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    run: async ({ params, query }) => ({ deliveries: await listDeliveries(params.id, { rolloutId: query.rolloutId, limit: query.limit }) }),
  }),
  "notificationChannels.test": op({
    method: "POST",
    path: "/api/v1/notification-channels/{id}/test",
    summary: "`{ rolloutId }`: sends a test message about that rollout now and answers what the channel said (`outcome.kind` sent, retry or failed). ADMIN.",
    access: { permission: "notifications.configure" },
    touches: { id: "notificationChannel", bodyRolloutId: true },
    params: byId,
    body: z.strictObject({ rolloutId: idSchema }),
    run: async ({ params, body, url }) => ({ outcome: await sendTestMessage(params.id, body.rolloutId, { publicUrl: publicBase(url) }) }),
  }),
  "notificationSettings.get": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/notification-settings",
    summary: "The rollout's reminder cadence: `gateWaitMinutes`, `reminderCadenceMinutes`, `stakeholderUpdateMinutes` (null: no periodic update). COMMANDER, ADMIN.",
    access: { permission: "notifications.read" },
    touches: { id: "rollout" },
    params: byId,
    run: ({ params }) => getNotificationSettings(params.id),
  }),
  "notificationSettings.set": op({
    method: "PUT",
    path: "/api/v1/rollouts/{id}/notification-settings",
    summary: "Sets the reminder cadence (all three fields). ADMIN.",
    access: { permission: "notifications.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: notificationSettingsSchema,
    run: ({ caller, params, body }) => setNotificationSettings(caller, params.id, body),
  }),
  "alertTokens.create": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/alert-tokens",
    summary: "`{ label? }`: a bearer token for Alertmanager's or Grafana's webhook to this rollout, in this answer only, with the URLs to post to. ADMIN.",
    access: { permission: "notifications.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: createAlertTokenSchema,
    status: 201,
    run: async ({ caller, params, body, url }) => {
      const created = await createAlertToken(caller, params.id, body.label);
      const base = publicBase(url);
      return { ...created, alertmanagerUrl: new URL("/api/v1/alerts/alertmanager", base).toString(), grafanaUrl: new URL("/api/v1/alerts/grafana", base).toString() };
    },
  }),
  "criteria.bindAlert": op({
    method: "PUT",
    path: "/api/v1/criteria/{id}/alert",
    summary: "`{ alertName, labels? }`: the rollback trigger follows that alert (firing → FIRING, resolved → back). COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "criterion" },
    params: byId,
    body: alertBindingSchema.unwrap(),
    run: async ({ caller, params, body }) => ({ criterion: await bindTriggerToAlert(caller, params.id, body) }),
  }),
  "criteria.unbindAlert": op({
    method: "DELETE",
    path: "/api/v1/criteria/{id}/alert",
    summary: "The rollback trigger no longer follows an alert. COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "criterion" },
    params: byId,
    run: async ({ caller, params }) => ({ criterion: await bindTriggerToAlert(caller, params.id, null) }),
  }),
  "alerts.alertmanager": receiveAlerts(
    "alertmanager",
    "/api/v1/alerts/alertmanager",
    "Alertmanager's webhook_config payload (version 4), `Authorization: Bearer <alert token>`: firing alerts fire the bound rollback triggers, resolved ones clear them; repeats of a fingerprint are ignored.",
  ),
  "alerts.grafana": receiveAlerts("grafana", "/api/v1/alerts/grafana", "Grafana's webhook contact point (Alertmanager's payload plus Grafana's fields), with the rollout's alert token."),
};
