"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { apiFetch } from "@/lib/api/client";
import { metricKeys } from "@/lib/api/keys";
import type { MetricSeries } from "@/lib/domain/metric-samples";
import { subscribeLive } from "@/lib/realtime/live-channels";
import { METRICS_CHANNEL, metricsLivePayloadSchema } from "@/lib/schemas/metrics";
import { applyMetricUpdates } from "./shape";

/**
 * A rollout's metric readings and recent series: loaded once from GET …/metrics, then kept current by the socket's
 * "metrics" live messages (which useRolloutLive receives); refetched after a reconnect, since volatile messages sent
 * meanwhile are lost.
 */
export function useRolloutMetrics(rolloutId: string, windowMs = 30 * 60_000) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: metricKeys.series(rolloutId),
    queryFn: ({ signal }) =>
      apiFetch<MetricSeries>(`/api/v1/rollouts/${rolloutId}/metrics?since=${encodeURIComponent(new Date(Date.now() - windowMs).toISOString())}`, { signal }),
  });

  useEffect(() => {
    const queryKey = metricKeys.series(rolloutId);
    return subscribeLive(rolloutId, {
      channel: METRICS_CHANNEL,
      onMessage: (payload) => {
        const parsed = metricsLivePayloadSchema.safeParse(payload);
        if (!parsed.success) return;
        queryClient.setQueryData<MetricSeries>(queryKey, (series) => (series ? applyMetricUpdates(series, parsed.data.updates) : series));
      },
      onResync: () => void queryClient.invalidateQueries({ queryKey }),
    });
  }, [rolloutId, queryClient]);

  return query;
}
