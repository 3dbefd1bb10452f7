import type { RolloutState } from "@/lib/domain/rollouts";
import type { ActionRunView, ItemView, PhaseView, RolloutSummary } from "@/lib/domain/selects";
import { assertNever, EVALUATION_CHANNEL, parseEvent, type EvaluationPayload, type EventEnvelope } from "@/lib/schemas/events";
import { isPlanEventType, type PlanEventType } from "@/lib/schemas/plan-events";

// Pure: how the war room's cached state changes for each event of the catalogue (lib/schemas/events.ts), by an
// exhaustive switch. Returns null when the event is one this client cannot apply locally (a type this build does
// not know, or a payload that does not fit); the caller then refetches the full state (correct, just slower).

/** How many runs the cached state keeps, newest first (as getRolloutState's RECENT_ACTION_RUNS). */
const KEPT_RUNS = 20;

export function applyRolloutEvent(state: RolloutState, envelope: EventEnvelope): RolloutState | null {
  if (envelope.seq <= state.lastSeq) return state;
  const event = parseEvent(envelope);
  if (!event) return null;
  const next = { ...state, lastSeq: envelope.seq, rollout: { ...state.rollout, lastSeq: envelope.seq } };
  if (isPlanEvent(event)) return applyPlanEvent(state, next, event);
  switch (event.type) {
    case "rollout.created":
    case "share.created":
    case "share.revoked":
    case "trigger.auto_rollback":
      return next;
    case "rollout.started":
    case "phase.promoted":
    case "rollout.completed":
    case "phase.paused":
    case "phase.resumed":
    case "rollout.aborted":
      return applyRolloutChange(next, event.data);
    case "action.run.requested":
    case "action.run.started":
    case "action.run.approved":
    case "action.run.finished":
    case "action.run.rejected":
    case "action.run.expired":
    case "action.run.interrupted": {
      const withRun = { ...next, actionRuns: upsertRun(state.actionRuns, event.data.run) };
      // A successful rollback also ended the rollout.
      const { rollout, phases } = event.data;
      return rollout && phases ? applyRolloutChange(withRun, { rollout, phases }) : withRun;
    }
    case "item.updated":
    case "item.assigned":
      return { ...next, items: replaceItem(state.items, event.data.item) };
    case "signoff.recorded": {
      const signature = event.data.signature;
      return {
        ...next,
        gates: state.gates.map((gate) =>
          gate.id !== signature.gateId || gate.signatures.some((s) => s.id === signature.id) ? gate : { ...gate, signatures: [...gate.signatures, signature] },
        ),
      };
    }
    case "action.created":
    case "action.updated": {
      const action = event.data.action;
      const exists = state.actions.some((a) => a.id === action.id);
      return { ...next, actions: exists ? state.actions.map((a) => (a.id === action.id ? action : a)) : [...state.actions, action] };
    }
    case "action.deleted":
      return { ...next, actions: state.actions.filter((a) => a.id !== event.data.actionId) };
    case "tile.created":
    case "tile.updated": {
      const tile = event.data.tile;
      const others = state.tiles.filter((t) => t.id !== tile.id);
      return { ...next, tiles: [...others, tile].sort((a, b) => a.position - b.position) };
    }
    case "tile.deleted":
      return { ...next, tiles: state.tiles.filter((t) => t.id !== event.data.tileId) };
    case "criterion.state_changed":
    case "criterion.updated": {
      const criterion = event.data.criterion;
      return {
        ...next,
        phases: state.phases.map((phase) =>
          phase.id !== criterion.phaseId ? phase : { ...phase, criteria: phase.criteria.map((c) => (c.id === criterion.id ? criterion : c)) },
        ),
      };
    }
    case "phase.verdict": {
      const { phaseId, verdict, verdictAt } = event.data;
      return { ...next, phases: state.phases.map((phase) => (phase.id === phaseId ? { ...phase, verdict, verdictAt } : phase)) };
    }
    // Notification configuration and reminders are not part of the war room's state.
    case "notification.channel_created":
    case "notification.channel_updated":
    case "notification.channel_deleted":
    case "alert_token.created":
    case "notification.settings_updated":
    case "reminder.item_overdue":
    case "reminder.gate_waiting":
    case "stakeholder.update":
      return next;
    default:
      return assertNever(event);
  }
}

const isPlanEvent = <E extends { type: string }>(event: E): event is Extract<E, { type: PlanEventType }> => isPlanEventType(event.type);

/**
 * Plan edits: the common ones mid-run (an item added, edited or moved; a section added; a rollout's settings) apply
 * in place; the rest (removals, restores, phase and gate structure) refetch the state, which is rare and correct.
 */
function applyPlanEvent(state: RolloutState, next: RolloutState, event: Extract<NonNullable<ReturnType<typeof parseEvent<EventEnvelope>>>, { type: PlanEventType }>): RolloutState | null {
  switch (event.type) {
    case "item.added":
      return state.items.some((i) => i.id === event.data.item.id) ? next : { ...next, items: [...state.items, event.data.item] };
    case "item.edited":
      return { ...next, items: replaceItem(state.items, event.data.item) };
    case "item.moved": {
      const moved = new Map(event.data.items.map((i) => [i.id, i]));
      return { ...next, items: state.items.map((i) => moved.get(i.id) ?? i) };
    }
    case "section.added":
      return state.sections.some((s) => s.id === event.data.section.id) ? next : { ...next, sections: [...state.sections, event.data.section] };
    case "section.edited":
      return { ...next, sections: state.sections.map((s) => (s.id === event.data.section.id ? event.data.section : s)) };
    case "rollout.edited":
    case "rollout.archived":
    case "rollout.unarchived":
      return { ...next, rollout: { ...event.data.rollout, lastSeq: next.lastSeq } };
    case "rehearsal.created":
      return next;
    default:
      return null;
  }
}

/** What a live message changes in the cached state: the evaluator's measurements; nothing else. */
export function applyLiveMessage(state: RolloutState, message: { channel: string; payload: unknown }): RolloutState {
  return message.channel === EVALUATION_CHANNEL ? applyEvaluation(state, message.payload as EvaluationPayload) : state;
}

/** The live "evaluation" message (lib/domain/evaluation.ts): each criterion's last value and evaluation time. */
export function applyEvaluation(state: RolloutState, payload: EvaluationPayload): RolloutState {
  const byId = new Map(payload.criteria.map((c) => [c.id, c]));
  let changed = false;
  const phases = state.phases.map((phase) => {
    if (phase.id !== payload.phaseId) return phase;
    changed = true;
    return {
      ...phase,
      criteria: phase.criteria.map((c) => {
        const live = byId.get(c.id);
        return live ? { ...c, lastValue: live.lastValue, lastEvaluatedAt: live.lastEvaluatedAt } : c;
      }),
    };
  });
  return changed ? { ...state, phases } : state;
}

function applyRolloutChange(state: RolloutState, { rollout, phases }: { rollout: RolloutSummary; phases: PhaseView[] }): RolloutState {
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
