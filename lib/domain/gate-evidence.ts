import { compare } from "@/lib/metrics/evaluate";
import type { Comparator } from "@/lib/metrics/enums";
import { currentPhaseOf } from "./phase-rules";
import { formatValue, JUDGEMENT, TRIGGER_STATE, type Judgement, type Tone } from "./status";

// Pure: the evidence behind a gate decision. Shown live on the sign-off page and stored with each signature
// (Signature.evidence) so the record says what the signer saw.
//
// Which checklist sections count for a gate is read from the section titles runbooks use ("Pre-deployment",
// "Deployment (T-0)", "Post-Launch Activities"...): a heuristic, so the evidence names the sections it counted,
// and falls back to the whole checklist when no title matches.

type SectionLike = { id: string; parentId: string | null; title: string; position: number };
type ItemLike = { sectionId: string; state: string };
type CriterionLike = {
  id: string;
  kind: string;
  description: string;
  state: string;
  comparator?: Comparator;
  threshold?: number;
  lastValue: number | null;
  unit: string | null;
  lastEvaluatedAt: string | Date | null;
};
type PhaseLike = { id: string; name: string; position: number; status: string; verdict: string | null; criteria: CriterionLike[] };
type GateLike = { kind: string; phaseId: string | null };

export type GateEvidence = {
  checklist: { scope: "sections" | "whole"; done: number; total: number; sections: { id: string; title: string; done: number; total: number }[] };
  /** The phase whose metrics the decision rests on, with its criteria as last evaluated. */
  phase: { id: string; name: string; verdict: string | null } | null;
  criteria: {
    id: string;
    kind: string;
    description: string;
    state: string;
    lastValue: number | null;
    unit: string | null;
    lastEvaluatedAt: string | null;
    /** "Met", "Not met", "No data" for a success criterion; the trigger's state for a trigger. */
    label?: string;
    tone?: Tone;
    /** "4.45 %": the last fresh in-phase value with its unit. */
    value?: string;
  }[];
};

/** A criterion's line as the status model words it (the success criterion on its last fresh in-phase value). */
export function criterionVerdictOf(c: CriterionLike): { label: string; tone: Tone } {
  if (c.kind === "ROLLBACK_TRIGGER") return TRIGGER_STATE[c.state as keyof typeof TRIGGER_STATE] ?? { label: c.state, tone: "neutral" };
  const judgement: Judgement =
    c.lastValue === null || c.comparator === undefined || c.threshold === undefined ? "NO_DATA" : compare(c.lastValue, c.comparator, c.threshold) ? "MET" : "NOT_MET";
  return JUDGEMENT[judgement];
}

const PRE = /pre[-\s]?(deploy|launch)|prepar|readiness/i;
const POST = /post[-\s]?(deploy|launch)|verification/i;
const GO_LIVE = /deploy|go[-\s]?live|launch/i;

function matchesKind(kind: string, title: string): boolean {
  switch (kind) {
    case "PRE_DEPLOYMENT":
      return PRE.test(title);
    case "GO_LIVE":
      return PRE.test(title) || (GO_LIVE.test(title) && !POST.test(title));
    case "POST_DEPLOYMENT":
      return POST.test(title);
    default:
      return false;
  }
}

const isDone = (state: string) => state === "DONE" || state === "SKIPPED";

export function gateEvidence(gate: GateLike, state: { sections: SectionLike[]; items: ItemLike[]; phases: PhaseLike[] }): GateEvidence {
  const childrenOf = new Map<string | null, SectionLike[]>();
  for (const section of state.sections) childrenOf.set(section.parentId, [...(childrenOf.get(section.parentId) ?? []), section]);
  const subtree = (root: SectionLike): Set<string> => {
    const ids = new Set<string>([root.id]);
    for (const child of childrenOf.get(root.id) ?? []) for (const id of subtree(child)) ids.add(id);
    return ids;
  };
  const count = (ids: Set<string> | null) => {
    const items = state.items.filter((i) => ids === null || ids.has(i.sectionId));
    return { done: items.filter((i) => isDone(i.state)).length, total: items.length };
  };

  const roots = [...(childrenOf.get(null) ?? [])].sort((a, b) => a.position - b.position);
  const matched = roots.filter((s) => matchesKind(gate.kind, s.title));
  const sections = matched.map((s) => ({ id: s.id, title: s.title, ...count(subtree(s)) }));
  const checklist =
    matched.length > 0
      ? { scope: "sections" as const, done: sum(sections, "done"), total: sum(sections, "total"), sections }
      : { scope: "whole" as const, ...count(null), sections: [] };

  const phase = evidencePhase(gate, state.phases);
  return {
    checklist,
    phase: phase ? { id: phase.id, name: phase.name, verdict: phase.verdict } : null,
    criteria: (phase?.criteria ?? []).map((c) => ({
      id: c.id,
      kind: c.kind,
      description: c.description,
      state: c.state,
      lastValue: c.lastValue,
      unit: c.unit,
      lastEvaluatedAt: c.lastEvaluatedAt === null ? null : new Date(c.lastEvaluatedAt).toISOString(),
      ...criterionVerdictOf(c),
      value: formatValue(c.lastValue, c.unit),
    })),
  };
}

/** A go/no-go into a phase is judged on the phase before it; other gates on whatever phase is running. */
function evidencePhase(gate: GateLike, phases: PhaseLike[]): PhaseLike | undefined {
  const ordered = [...phases].sort((a, b) => a.position - b.position);
  if (gate.phaseId) {
    const index = ordered.findIndex((p) => p.id === gate.phaseId);
    if (index > 0) return ordered[index - 1];
    if (index === 0) return undefined;
  }
  return currentPhaseOf(ordered);
}

function sum<T extends Record<K, number>, K extends string>(rows: T[], key: K): number {
  return rows.reduce((total, row) => total + row[key], 0);
}
