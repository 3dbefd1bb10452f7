import type { RolloutState } from "@/lib/domain/rollouts";
import type { ItemView, SignatureView } from "@/lib/domain/selects";
import type { EventEnvelope } from "@/lib/schemas/events";

// Pure: how the war room's cached state changes for each event. Returns null when the event is one this
// client cannot apply locally; the caller then refetches the full state (correct, just slower).

const NO_STATE_CHANGE = new Set(["rollout.created", "share.created", "share.revoked"]);

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
    default:
      return null;
  }
}

/** Replaces the item unless the cached one is newer (an optimistic write already past this event). */
export function replaceItem(items: ItemView[], item: ItemView): ItemView[] {
  return items.map((existing) => (existing.id === item.id && existing.version <= item.version ? item : existing));
}
