import { readEnv, type Env } from "@/lib/config";
import type { RollbackRunner } from "@/lib/domain/auto-rollback";
import { reapActionRuns } from "@/lib/domain/action-reaper";
import { evaluateActivePhases } from "@/lib/domain/evaluation";
import { pruneLoginThrottle } from "@/lib/domain/login-throttle";
import { compactSamples } from "@/lib/domain/metric-samples";
import { deliverDueNotifications } from "@/lib/domain/notification-delivery";
import { sendDueReminders } from "@/lib/domain/reminders";
import { runWhileLeader } from "./leader";
import { createMetricPoller } from "./metric-poller";
import { repeatEvery } from "./repeat";

// The server's background work: metric pollers, the gate evaluator, the action run reaper, sample compaction,
// reminders, notification delivery and pruning of the login throttle table. Started once by server.ts;
// runs only while this process holds the workers lock (lib/workers/leader.ts), so several app processes on one
// database poll and evaluate once, not once each. Intervals come from the environment (README: "Configuration").

export type BackgroundWorkers = { isLeader: () => boolean; stop: () => Promise<void> };

export function startBackgroundWorkers(
  opts: { env?: Env; databaseUrl?: string; rollbackRunner?: RollbackRunner | null; log?: (line: string) => void } = {},
): BackgroundWorkers {
  const env = opts.env ?? readEnv();
  const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (env.WARROOM_WORKERS === "off" || !databaseUrl) return { isLeader: () => false, stop: async () => undefined };
  return runWhileLeader({
    databaseUrl,
    retryMs: env.WARROOM_LEADER_RETRY_MS,
    log: opts.log,
    onLead: () => {
      const poller = createMetricPoller({ timeoutMs: env.WARROOM_SOURCE_TIMEOUT_MS });
      const loops = [
        repeatEvery("metric poller", env.WARROOM_POLL_TICK_MS, () => poller.pollDue(Date.now())),
        repeatEvery("gate evaluator", env.WARROOM_EVAL_INTERVAL_MS, () => evaluateActivePhases({ rollbackRunner: opts.rollbackRunner })),
        repeatEvery("action run reaper", env.WARROOM_REAP_INTERVAL_MS, () => reapActionRuns()),
        repeatEvery("sample compaction", env.WARROOM_COMPACT_INTERVAL_MS, () => compactSamples()),
        repeatEvery("reminders", env.WARROOM_REMINDER_INTERVAL_MS, () => sendDueReminders()),
        repeatEvery("notification delivery", env.WARROOM_NOTIFY_INTERVAL_MS, () => deliverDueNotifications({ backoffMs: env.WARROOM_NOTIFY_BACKOFF_MS })),
        repeatEvery("login throttle pruning", env.WARROOM_THROTTLE_PRUNE_INTERVAL_MS, () => pruneLoginThrottle()),
      ];
      return { stop: async () => void (await Promise.all(loops.map((loop) => loop.stop()))) };
    },
  });
}
