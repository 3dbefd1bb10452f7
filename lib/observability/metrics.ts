import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

// War Room's own Prometheus metrics. One registry per process on globalThis: route handlers (Next's module
// graph) and server.ts (its own graph) must count into the same place.

function createAppMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "warroom" });
  collectDefaultMetrics({ register: registry, prefix: "warroom_process_" });
  return {
    registry,
    connectedSockets: new Gauge({ name: "warroom_connected_sockets", help: "socket.io clients connected to this process", registers: [registry] }),
    eventsPublished: new Counter({ name: "warroom_events_published_total", help: "Rollout events published after commit", labelNames: ["type"], registers: [registry] }),
    fanOutSeconds: new Histogram({
      name: "warroom_fanout_latency_seconds",
      help: "From an event's commit to its emit to the rollout's room",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    actionRuns: new Counter({ name: "warroom_action_runs_total", help: "Admin action runs by kind and outcome", labelNames: ["kind", "outcome"], registers: [registry] }),
    sourceErrors: new Counter({ name: "warroom_metric_source_errors_total", help: "Failed metric source polls", labelNames: ["source"], registers: [registry] }),
    httpErrors: new Counter({ name: "warroom_http_errors_total", help: "API answers with an error status", labelNames: ["status"], registers: [registry] }),
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
type MetricsGlobal = typeof globalThis & { __warroomMetrics?: AppMetrics };

export function appMetrics(): AppMetrics {
  const g = globalThis as MetricsGlobal;
  g.__warroomMetrics ??= createAppMetrics();
  return g.__warroomMetrics;
}
