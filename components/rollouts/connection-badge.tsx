import { CONNECTION_STATE, softBadge } from "@/lib/domain/status";
import type { ConnectionState } from "@/lib/realtime/use-rollout-live";

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span role="status" data-testid="connection" data-state={state} className={`rounded-full px-2 py-0.5 text-xs font-semibold ${softBadge(CONNECTION_STATE[state])}`}>
      {CONNECTION_STATE[state].label}
    </span>
  );
}
