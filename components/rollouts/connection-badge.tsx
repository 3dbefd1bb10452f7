import type { ConnectionState } from "@/lib/realtime/use-rollout-live";

const STYLE: Record<ConnectionState, string> = {
  connecting: "bg-slate-200 text-slate-700",
  live: "bg-green-100 text-ok",
  reconnecting: "bg-amber-100 text-warn",
  offline: "bg-red-100 text-breach",
};

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span role="status" data-testid="connection" data-state={state} className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STYLE[state]}`}>
      {state === "live" ? "● live" : state}
    </span>
  );
}
