import type { GateView } from "@/lib/domain/selects";
import { gateStatus } from "@/lib/domain/gate-status";
import { GATE_STATE, ROLE_LABEL, TONE_CLASSES } from "@/lib/domain/status";

export function GateSummary({ gates }: { gates: GateView[] }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Sign-offs">
      <h2 className="mb-2 font-semibold">Sign-offs</h2>
      <ul className="space-y-1 text-sm">
        {gates.map((gate) => {
          const status = gateStatus(gate, gate.signatures);
          const last = gate.signatures.at(-1);
          return (
            <li key={gate.id} data-testid={`gate-${gate.id}`} data-state={status.state}>
              <span className="font-medium">{gate.name}</span>{" "}
              <span className={`font-semibold ${TONE_CLASSES[GATE_STATE[status.state].tone].text}`}>{GATE_STATE[status.state].label}</span>
              {last ? <div className="text-xs text-slate-500">by {last.signer.name} ({ROLE_LABEL[last.signerRole]})</div> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
