import type { RolloutState } from "@/lib/domain/rollouts";
import type { ActionRunView, ActionSummary, CriterionView, ItemView, PhaseView, RolloutSummary, SignatureView, TileView } from "@/lib/domain/selects";
import type { EventEnvelope } from "@/lib/schemas/events";

// Pure: how the war room's cached state changes for each event. Returns null when the event is one this
// client cannot apply locally; the caller then refetches the full state (correct, just slower).

const NO_STATE_CHANGE = new Set(["rollout.created", "share.created", "share.revoked", "trigger.auto_rollback"]);

/** Events that carry the rollout summary and the phases they changed. */
const PHASE_EVENTS = new Set(["rollout.started", "phase.promoted", "rollout.completed", "phase.paused", "phase.resumed", "rollout.aborted"]);
const RUN_EVENTS = new Set(["action.run.requested", "action.run.started", "action.run.approved", "action.run.finished", "action.run.rejected", "action.run.expired", "action.run.interrupted"]);

/** How many runs the cached state keeps, newest first (as getRolloutState's RECENT_ACTION_RUNS). */
const KEPT_RUNS = 20;

export function applyRolloutEvent(state: RolloutState, envelope: EventEnvelope): RolloutState | null {
  if (envelope.seq <= state.lastSeq) return state;
  const next = { ...state, lastSeq: envelope.seq, rollout: { ...state.rollout, lastSeq: envelope.seq } };
  if (NO_STATE_CHANGE.has(envelope.type)) return next;
  if (PHASE_EVENTS.has(envelope.type)) return applyRolloutChange(next, envelope);
  if (RUN_EVENTS.has(envelope.type)) {
    const run = envelope.data.run as ActionRunView | undefined;
    if (!run) return null;
    const withRun = { ...next, actionRuns: upsertRun(state.actionRuns, run) };
    // A successful rollback also ended the rollout.
    return envelope.data.rollout ? applyRolloutChange(withRun, envelope) : withRun;
  }
  switch (envelope.type) {
    case "item.updated": {
      const item = envelope.data.item as ItemView | undefined;
      if (!item) return null;
      return { ...next, items: replaceItem(state.items, item) };
    }
    case "signoff.recorded": {
      const signature = envelope.data.signature as SignatureView | undefined;
      if (!signature) return null;
      return {
        ...next,
        gates: state.gates.map((gate) =>
          gate.id !== signature.gateId || gate.signatures.some((s) => s.id === signature.id)
            ? gate
            : { ...gate, signatures: [...gate.signatures, signature] },
        ),
      };
    }
    case "action.created":
    case "action.updated": {
      const action = envelope.data.action as ActionSummary | undefined;
      if (!action) return null;
      const exists = state.actions.some((a) => a.id === action.id);
      return { ...next, actions: exists ? state.actions.map((a) => (a.id === action.id ? action : a)) : [...state.actions, action] };
    }
    case "action.deleted":
      return { ...next, actions: state.actions.filter((a) => a.id !== envelope.data.actionId) };
    case "tile.created":
    case "tile.updated": {
      const tile = envelope.data.tile as TileView | undefined;
      if (!tile) return null;
      const others = state.tiles.filter((t) => t.id !== tile.id);
      return { ...next, tiles: [...others, tile].sort((a, b) => a.position - b.position) };
    }
    case "tile.deleted":
      return { ...next, tiles: state.tiles.filter((t) => t.id !== envelope.data.tileId) };
    case "criterion.state_changed":
    case "criterion.updated": {
      const criterion = envelope.data.criterion as CriterionView | undefined;
      if (!criterion) return null;
      return {
        ...next,
        phases: state.phases.map((phase) =>
          phase.id !== criterion.phaseId ? phase : { ...phase, criteria: phase.criteria.map((c) => (c.id === criterion.id ? criterion : c)) },
        ),
      };
    }
    case "phase.verdict": {
      const { phaseId, verdict, verdictAt } = envelope.data as { phaseId?: string; verdict?: RolloutState["phases"][number]["verdict"]; verdictAt?: string };
      if (!phaseId || verdict === undefined || !verdictAt) return null;
      return { ...next, phases: state.phases.map((phase) => (phase.id === phaseId ? { ...phase, verdict, verdictAt } : phase)) };
    }
    default:
      return null;
  }
}

function applyRolloutChange(state: RolloutState, envelope: EventEnvelope): RolloutState | null {
  const rollout = envelope.data.rollout as RolloutSummary | undefined;
  const phases = envelope.data.phases as PhaseView[] | undefined;
  if (!rollout || !phases) return null;
  const changed = new Map(phases.map((p) => [p.id, p]));
  return {
    ...state,
    rollout: { ...rollout, lastSeq: state.lastSeq },
    phases: state.phases.map((p) => changed.get(p.id) ?? p),
  };
}

/** Puts the run in place (or first, when new), newest first. */
export function upsertRun(runs: ActionRunView[], run: ActionRunView): ActionRunView[] {
  if (runs.some((r) => r.id === run.id)) return runs.map((r) => (r.id === run.id ? run : r));
  return [run, ...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, KEPT_RUNS);
}

/** Replaces the item unless the cached one is newer (an optimistic write already past this event). */
export function replaceItem(items: ItemView[], item: ItemView): ItemView[] {
  return items.map((existing) => (existing.id === item.id && existing.version <= item.version ? item : existing));
}
