import type { RolloutState } from "@/lib/domain/rollouts";
import type { CriterionView, ItemView, SignatureView, TileView } from "@/lib/domain/selects";
import type { EventEnvelope } from "@/lib/schemas/events";

// Pure: how the war room's cached state changes for each event. Returns null when the event is one this
// client cannot apply locally; the caller then refetches the full state (correct, just slower).

const NO_STATE_CHANGE = new Set(["rollout.created", "share.created", "share.revoked", "trigger.auto_rollback"]);

export function applyRolloutEvent(state: RolloutState, envelope: EventEnvelope): RolloutState | null {
  if (envelope.seq <= state.lastSeq) return state;
  const next = { ...state, lastSeq: envelope.seq, rollout: { ...state.rollout, lastSeq: envelope.seq } };
  if (NO_STATE_CHANGE.has(envelope.type)) return next;
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

/** Replaces the item unless the cached one is newer (an optimistic write already past this event). */
export function replaceItem(items: ItemView[], item: ItemView): ItemView[] {
  return items.map((existing) => (existing.id === item.id && existing.version <= item.version ? item : existing));
}
