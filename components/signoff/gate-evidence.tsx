import { formatAgo } from "@/components/rollouts/format";
import { gateEvidence, type GateEvidence } from "@/lib/domain/gate-evidence";
import type { RolloutState } from "@/lib/domain/rollouts";
import type { GateView } from "@/lib/domain/selects";
import { TONE_CLASSES } from "@/lib/domain/status";

// The evidence for a decision: checklist completion of the gate's sections and the criteria of the phase the
// decision rests on, with how fresh each verdict is. Live while deciding; stored with each signature.


export function GateEvidencePanel({ gate, state, now }: { gate: GateView; state: RolloutState; now: number }) {
  const evidence = gateEvidence(gate, state);
  const { checklist } = evidence;
  return (
    <div className="mt-2 rounded border border-slate-200 bg-white/70 p-2 text-sm" aria-label={`Evidence for ${gate.name}`} data-testid="gate-evidence">
      <div>
        <span className="font-medium">Checklist:</span>{" "}
        <span data-testid="evidence-checklist">
          {checklist.done}/{checklist.total} done
        </span>{" "}
        <span className="text-slate-600">{checklist.scope === "whole" ? "(whole checklist)" : `in ${checklist.sections.map((s) => `${s.title} ${s.done}/${s.total}`).join(", ")}`}</span>
      </div>
      {evidence.phase ? (
        <div className="mt-1">
          <span className="font-medium">Metrics of {evidence.phase.name}:</span> verdict {evidence.phase.verdict ?? "not yet"}
          {evidence.criteria.length ? (
            <ul className="ml-4 list-disc">
              {evidence.criteria.map((c) => (
                <li key={c.id}>
                  <span className={`font-semibold ${TONE_CLASSES[c.tone ?? "neutral"].text}`}>{c.label}</span> · {c.description}
                  {c.lastValue !== null ? ` · last ${c.value}` : ""}
                  <span className="text-xs text-slate-500" suppressHydrationWarning> · {c.lastEvaluatedAt ? `evaluated ${formatAgo(c.lastEvaluatedAt, now)}` : "not evaluated yet"}</span>
                </li>
              ))}
            </ul>
          ) : (
            <span className="text-slate-600"> (no criteria)</span>
          )}
        </div>
      ) : null}
    </div>
  );
}

/** What the signer saw when signing (stored with the signature), in one line. */
export function SignedEvidence({ evidence }: { evidence: unknown }) {
  const e = evidence as GateEvidence | null;
  if (!e?.checklist) return null;
  const firing = e.criteria.filter((c) => c.state === "FIRING").length;
  return (
    <span className="block text-xs text-slate-500">
      at signing: checklist {e.checklist.done}/{e.checklist.total}
      {e.phase ? ` · ${e.phase.name} verdict ${e.phase.verdict ?? "not yet"}` : ""}
      {e.criteria.length ? ` · ${firing} of ${e.criteria.length} criteria firing` : ""}
    </span>
  );
}
