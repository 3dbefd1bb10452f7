"use client";

import { phaseEditBlocker } from "@/lib/domain/edit-rules";
import type { CriterionView, PhaseView } from "@/lib/domain/selects";
import type { PlanEditInput } from "@/lib/schemas/plan";
import { ConfirmButton } from "./confirm-button";
import { formNumber, formText, SelectField, SubmitButton, TextField } from "./form-fields";
import { PHASE_STATUS, TRIGGER_STATE } from "@/lib/domain/status";

type Edit = (edit: PlanEditInput, label?: string) => void;

const COMPARATORS = [
  { value: "GT", label: ">" },
  { value: "GTE", label: "≥" },
  { value: "LT", label: "<" },
  { value: "LTE", label: "≤" },
  { value: "EQ", label: "=" },
];
const KINDS = [
  { value: "ROLLBACK_TRIGGER", label: "Rollback trigger" },
  { value: "SUCCESS", label: "Success criterion" },
];

function criterionFields(data: FormData) {
  return {
    kind: String(data.get("kind")) as "SUCCESS" | "ROLLBACK_TRIGGER",
    metricKey: formText(data, "metricKey") ?? "",
    comparator: String(data.get("comparator")) as "GT",
    threshold: formNumber(data, "threshold") ?? Number.NaN,
    unit: formText(data, "unit"),
    pendingSeconds: formNumber(data, "pendingSeconds") ?? 0,
    autoRollback: data.get("autoRollback") === "on",
  };
}

const describeCriterion = (c: ReturnType<typeof criterionFields>) =>
  `${c.metricKey} ${COMPARATORS.find((x) => x.value === c.comparator)?.label ?? c.comparator} ${c.threshold}${c.unit ?? ""}${c.pendingSeconds ? ` for ${c.pendingSeconds}s` : ""}`;

function CriterionForm({ criterion, phase, rollout, onEdit }: { criterion?: CriterionView; phase: PhaseView; rollout: { status: string }; onEdit: Edit }) {
  const blocked = phaseEditBlocker(rollout, phase, "criteria");
  return (
    <form
      aria-label={criterion ? `Criterion ${criterion.description}` : `Add criterion to ${phase.name}`}
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const fields = criterionFields(new FormData(e.currentTarget));
        const description = describeCriterion(fields);
        onEdit(criterion ? { op: "criterion.edit", criterionId: criterion.id, ...fields, description } : { op: "criterion.add", phaseId: phase.id, ...fields, description });
        if (!criterion) e.currentTarget.reset();
      }}
    >
      <fieldset disabled={blocked !== null} className="contents">
        <SelectField label="Kind" name="kind" defaultValue={criterion?.kind} options={KINDS} />
        <TextField label="Metric" name="metricKey" defaultValue={criterion?.metricKey} required className="w-32" placeholder="error_rate" />
        <SelectField label="Comparator" name="comparator" defaultValue={criterion?.comparator} options={COMPARATORS} />
        <TextField label="Threshold" name="threshold" type="number" defaultValue={criterion?.threshold} required className="w-20" />
        <TextField label="Unit" name="unit" defaultValue={criterion?.unit} className="w-16" />
        <TextField label="Pending (s)" name="pendingSeconds" type="number" defaultValue={criterion?.pendingSeconds ?? 0} className="w-20" />
        <label className="flex items-center gap-1 self-end text-xs">
          <input type="checkbox" name="autoRollback" defaultChecked={criterion?.autoRollback ?? false} /> Auto-rollback
        </label>
        <SubmitButton>{criterion ? "Save" : "Add criterion"}</SubmitButton>
        {criterion ? <ConfirmButton label="Remove" question="Remove this criterion?" onConfirm={() => onEdit({ op: "criterion.remove", criterionId: criterion.id }, `Removed criterion ${criterion.description}`)} className="self-end text-xs" /> : null}
      </fieldset>
      {criterion ? <span className="w-full text-xs text-slate-500">{criterion.description} · {TRIGGER_STATE[criterion.state].label}</span> : null}
    </form>
  );
}

export function PhasesEditor({ phases, rollout, onEdit }: { phases: PhaseView[]; rollout: { status: string }; onEdit: Edit }) {
  const sorted = [...phases].sort((a, b) => a.position - b.position);
  return (
    <section aria-label="Phases" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Phases, criteria and triggers</h2>
      {sorted.map((phase, index) => {
        const why = (change: Parameters<typeof phaseEditBlocker>[2]) => phaseEditBlocker(rollout, phase, change);
        return (
          // Keyed by the values too: a change from anyone re-mounts the form with the new values.
          <div key={`${phase.id}-${phase.name}-${phase.trafficPercent}-${phase.minDurationMinutes}-${phase.status}`} className="rounded border border-slate-200 p-3" data-testid={`phase-editor-${phase.id}`}>
            <form
              aria-label={`Phase ${phase.name}`}
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                const data = new FormData(e.currentTarget);
                const change: Record<string, unknown> = {};
                const name = formText(data, "name");
                const traffic = formNumber(data, "trafficPercent");
                const minutes = formNumber(data, "minDurationMinutes");
                if (name && name !== phase.name) change.name = name;
                if (traffic !== undefined && traffic !== phase.trafficPercent) change.trafficPercent = traffic;
                if (minutes !== undefined && minutes !== phase.minDurationMinutes) change.minDurationMinutes = minutes;
                if (Object.keys(change).length) onEdit({ op: "phase.edit", phaseId: phase.id, ...change });
              }}
            >
              <span className="self-center text-xs font-semibold text-slate-500">{index + 1}.</span>
              <TextField label="Name" name="name" defaultValue={phase.name} required />
              <TextField label="Traffic %" name="trafficPercent" type="number" defaultValue={phase.trafficPercent} className="w-20" />
              <TextField label="Minimum minutes" name="minDurationMinutes" type="number" defaultValue={phase.minDurationMinutes} className="w-24" />
              <SubmitButton>Save</SubmitButton>
              <span className="self-center text-xs">{PHASE_STATUS[phase.status].label}</span>
              <button type="button" aria-label={`Move ${phase.name} up`} disabled={index === 0 || why("move") !== null} title={why("move") ?? ""} className="self-center rounded border px-1 disabled:opacity-40" onClick={() => onEdit({ op: "phase.move", phaseId: phase.id, position: index - 1 })}>
                ↑
              </button>
              <button type="button" aria-label={`Move ${phase.name} down`} disabled={index === sorted.length - 1 || why("move") !== null} title={why("move") ?? ""} className="self-center rounded border px-1 disabled:opacity-40" onClick={() => onEdit({ op: "phase.move", phaseId: phase.id, position: index + 1 })}>
                ↓
              </button>
              {why("remove") ? (
                <span className="self-center text-xs text-slate-500" title={why("remove") ?? ""}>
                  cannot be removed
                </span>
              ) : (
                <ConfirmButton label="Remove phase" question={`Remove ${phase.name} and its gates?`} onConfirm={() => onEdit({ op: "phase.remove", phaseId: phase.id }, `Removed phase ${phase.name}`)} className="self-center text-xs" />
              )}
            </form>
            {why("traffic") && phase.status !== "PENDING" ? <p className="mt-1 text-xs text-slate-500">{why("traffic")}</p> : null}
            <div className="mt-2 space-y-2 border-l-2 border-slate-200 pl-3">
              {phase.criteria.map((c) => (
                <CriterionForm key={`${c.id}-${c.threshold}-${c.comparator}-${c.pendingSeconds}-${c.autoRollback}`} criterion={c} phase={phase} rollout={rollout} onEdit={onEdit} />
              ))}
              <CriterionForm phase={phase} rollout={rollout} onEdit={onEdit} />
            </div>
          </div>
        );
      })}
      <form
        aria-label="Add phase"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          onEdit({ op: "phase.add", name: formText(data, "name") ?? "", trafficPercent: formNumber(data, "trafficPercent") ?? 0, minDurationMinutes: formNumber(data, "minDurationMinutes") ?? 0 });
          e.currentTarget.reset();
        }}
      >
        <TextField label="Name" name="name" required placeholder="Canary" />
        <TextField label="Traffic %" name="trafficPercent" type="number" required className="w-20" />
        <TextField label="Minimum minutes" name="minDurationMinutes" type="number" className="w-24" />
        <SubmitButton>Add phase</SubmitButton>
      </form>
    </section>
  );
}
