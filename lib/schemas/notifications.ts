import { z } from "zod";
import { SEVERITIES, TOPIC_NAMES } from "@/lib/notifications/topics";

// Notification channels, their rules, and the alerts War Room takes in (Alertmanager and Grafana webhooks).

const secretUrlSchema = z
  .string()
  .trim()
  .max(2000, "is too long")
  .pipe(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" }));

export const severitySchema = z.enum(SEVERITIES);
export const topicSchema = z.enum(TOPIC_NAMES as [string, ...string[]]);
/** Topic → severity. Absent (or null) means the defaults (lib/notifications/topics.ts). */
export const channelRulesSchema = z.partialRecord(topicSchema, severitySchema);

const common = {
  name: z.string().trim().min(1, "is required").max(120, "is too long"),
  rules: channelRulesSchema.nullable().optional(),
  forRehearsals: z.boolean().default(false),
  enabled: z.boolean().default(true),
};

export const createChannelSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("SLACK"), ...common, webhookUrl: secretUrlSchema }),
  z.strictObject({
    kind: z.literal("WEBHOOK"),
    ...common,
    url: secretUrlSchema,
    // Omitted: War Room generates one and shows it once.
    signingKey: z.string().min(16, "must be at least 16 characters").max(512, "is too long").optional(),
  }),
  z.strictObject({
    kind: z.literal("PAGERDUTY"),
    ...common,
    routingKey: z.string().trim().min(1, "is required").max(128, "is too long"),
    // PagerDuty's Events API; another base URL for a proxy or a test receiver.
    apiUrl: secretUrlSchema.default("https://events.pagerduty.com"),
  }),
]);
export type CreateChannelInput = z.infer<typeof createChannelSchema>;

export const updateChannelSchema = z.strictObject({
  name: common.name.optional(),
  rules: channelRulesSchema.nullable().optional(),
  forRehearsals: z.boolean().optional(),
  enabled: z.boolean().optional(),
});
export type UpdateChannelInput = z.infer<typeof updateChannelSchema>;

/** The secret part of a channel, as stored (encrypted) in NotificationChannel.secretConfig. */
export const channelSecretsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("SLACK"), webhookUrl: z.string() }),
  z.object({ kind: z.literal("WEBHOOK"), url: z.string(), signingKey: z.string() }),
  z.object({ kind: z.literal("PAGERDUTY"), routingKey: z.string(), apiUrl: z.string() }),
]);
export type ChannelSecrets = z.infer<typeof channelSecretsSchema>;

/** Bind a rollback trigger to an alert: its alertname and labels it must carry. null unbinds. */
export const alertBindingSchema = z
  .strictObject({
    alertName: z.string().trim().min(1, "is required").max(200, "is too long"),
    labels: z.record(z.string().min(1).max(100), z.string().max(500)).default({}),
  })
  .nullable();
export type AlertBindingInput = z.infer<typeof alertBindingSchema>;

const labelsSchema = z.record(z.string(), z.string());
const alertTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be an RFC 3339 time");

/** Alertmanager's webhook_config payload, version 4 (and Grafana's webhook contact point, which extends it). */
export const alertmanagerPayloadSchema = z.object({
  version: z.string().optional(),
  status: z.enum(["firing", "resolved"]),
  groupKey: z.string().optional(),
  receiver: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: labelsSchema,
        annotations: labelsSchema.default({}),
        startsAt: alertTime,
        endsAt: z.string().optional(),
        fingerprint: z.string().min(1).max(200),
        generatorURL: z.string().optional(),
      }),
    )
    .max(1000, "at most 1000 alerts per delivery"),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

export const createAlertTokenSchema = z.strictObject({ label: z.string().trim().max(120, "is too long").optional() });

export const notificationSettingsSchema = z.strictObject({
  gateWaitMinutes: z.number().int().min(1).max(24 * 60),
  reminderCadenceMinutes: z.number().int().min(1).max(24 * 60),
  stakeholderUpdateMinutes: z.number().int().min(5).max(24 * 60).nullable(),
});
export type NotificationSettingsInput = z.infer<typeof notificationSettingsSchema>;
