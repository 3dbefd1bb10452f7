import { receiveAlerts } from "@/lib/notifications/alert-route";

/** Alertmanager's webhook_config (payload version 4), with the rollout's alert token as bearer token. */
export const POST = receiveAlerts("alertmanager");
