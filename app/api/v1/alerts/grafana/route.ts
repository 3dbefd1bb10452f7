import { receiveAlerts } from "@/lib/notifications/alert-route";

/** Grafana's webhook contact point (its payload extends Alertmanager's), with the rollout's alert token. */
export const POST = receiveAlerts("grafana");
