"use client";

import { gateEditBlocker, gateRemoveBlocker } from "@/lib/domain/edit-rules";
import type { GateView, PhaseView } from "@/lib/domain/selects";
import type { PlanEditInput } from "@/lib/schemas/plan";
import { ConfirmButton } from "./confirm-button";
import { Field, formText, SelectField, SubmitButton, TextField } from "./form-fields";
import { GATE_KIND_LABEL, ROLE_LABEL } from "@/lib/domain/status";

type Edit = (edit: PlanEditInput, label?: string) => void;
type Role = "ADMIN" | "COMMANDER" | "ENGINEER" | "VIEWER";
const ROLES: Role[] = ["COMMANDER", "ADMIN", "ENGINEER"];
const KINDS = (["PRE_DEPLOYMENT", "GO_LIVE", "GO_NO_GO", "POST_DEPLOYMENT", "CUSTOM"] as const).map((k) => ({ value: k, label: GATE_KIND_LABEL[k] }));

const rolesOf = (data: FormData) => ROLES.filter((r) => data.get(`role-${r}`) === "on");
const approversOf = (data: FormData) =>
  (formText(data, "approvers") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function RoleBoxes({ selected }: { selected: readonly string[] }) {
  return (
    <fieldset className="flex items-end gap-2 text-xs">
      <legend className="sr-only">Required roles</legend>
      {ROLES.map((role) => (
        <label key={role} className="flex items-center gap-1">
          <input type="checkbox" name={`role-${role}`} defaultChecked={selected.includes(role)} /> {ROLE_LABEL[role]}
        </label>
      ))}
    </fieldset>
  );
}

export function GatesEditor({ gates, phases, rollout, onEdit }: { gates: GateView[]; phases: PhaseView[]; rollout: { status: string }; onEdit: Edit }) {
  const phaseOf = (id: string | null) => phases.find((p) => p.id === id) ?? null;
  return (
    <section aria-label="Sign-off gates" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Sign-off gates</h2>
      {gates.map((gate) => {
        const phase = phaseOf(gate.phaseId);
        const frozen = gateEditBlocker(rollout, gate, phase);
        const removeBlocked = gateRemoveBlocker(rollout, gate, phase, gate.signatures.length);
        return (
          <form
            key={`${gate.id}-${gate.name}-${gate.requiredRoles.join()}-${gate.approverTitles.join()}`}
            aria-label={`Gate ${gate.name}`}
            className="flex flex-wrap items-end gap-2 rounded border border-slate-200 p-2"
            onSubmit={(e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              onEdit({ op: "gate.edit", gateId: gate.id, name: formText(data, "name") ?? gate.name, requiredRoles: rolesOf(data), approverTitles: approversOf(data) });
            }}
          >
            <fieldset disabled={frozen !== null} className="contents">
              <TextField label="Name" name="name" defaultValue={gate.name} required />
              <span className="self-center text-xs text-slate-500">
                {GATE_KIND_LABEL[gate.kind]}
                {phase ? ` · before ${phase.name}` : ""}
              </span>
              <RoleBoxes selected={gate.requiredRoles} />
              <TextField label="Named approvers (comma-separated)" name="approvers" defaultValue={gate.approverTitles.join(", ")} className="min-w-48" />
              <SubmitButton>Save</SubmitButton>
            </fieldset>
            {removeBlocked ? (
              <span className="self-center text-xs text-slate-500">{frozen ?? removeBlocked}</span>
            ) : (
              <ConfirmButton label="Remove gate" question={`Remove ${gate.name}?`} onConfirm={() => onEdit({ op: "gate.remove", gateId: gate.id }, `Removed gate ${gate.name}`)} className="self-center text-xs" />
            )}
          </form>
        );
      })}
      <form
        aria-label="Add gate"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const phaseId = formText(data, "phaseId");
          onEdit({ op: "gate.add", kind: String(data.get("kind")) as "GO_NO_GO", name: formText(data, "name") ?? "", requiredRoles: rolesOf(data), approverTitles: approversOf(data), phaseId });
          e.currentTarget.reset();
        }}
      >
        <SelectField label="Kind" name="kind" defaultValue="GO_NO_GO" options={KINDS} />
        <TextField label="Name" name="name" required placeholder="Go / no-go for canary" />
        <Field label="Before phase">
          <select name="phaseId" className="rounded border border-slate-300 px-2 py-1 text-sm" defaultValue="">
            <option value="">— rollout-wide —</option>
            {phases.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <RoleBoxes selected={["COMMANDER"]} />
        <TextField label="Named approvers (comma-separated)" name="approvers" className="min-w-48" />
        <SubmitButton>Add gate</SubmitButton>
      </form>
    </section>
  );
}
