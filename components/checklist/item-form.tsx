"use client";

import { useState } from "react";
import { formatTOffset } from "@/components/rollouts/format";
import { parseRelativeOffset } from "@/lib/runbook/parse-time";
import { roleLabel } from "@/lib/domain/status";

export type ItemFormValues = { text: string; ownerId: string | null; ownerName: string | null; dueOffsetMinutes: number | null };
export type AssignableUser = { id: string; name: string; role?: string };

/** Reads "T-15m", "T+1h", "-30" (minutes) or empty (no due time); undefined when it cannot be read. */
export function parseDueInput(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  // What formatTOffset writes: "T-24h", "T+1h30m", "T+3d2h".
  const compound = trimmed.match(/^T?\s*([+-])\s*((?:\d+\s*[dhm]?\s*)+)$/i);
  if (compound) {
    const perUnit: Record<string, number> = { d: 1440, h: 60, m: 1, "": 1 };
    let minutes = 0;
    for (const [, amount, unit] of compound[2]!.matchAll(/(\d+)\s*([dhm]?)/gi)) minutes += Number(amount) * perUnit[unit!.toLowerCase()]!;
    return (compound[1] === "-" ? -minutes : minutes) + 0;
  }
  return parseRelativeOffset(/^t/i.test(trimmed) ? trimmed : `T${trimmed}`);
}

/** Add or edit an item: text, a user and/or a team (free text), due time as T±. */
export function ItemForm({
  initial,
  users,
  submitLabel,
  labelPrefix,
  onSubmit,
  onCancel,
  withUser = true,
}: {
  /** Offer the user picker (new items); an existing item is reassigned with the row's assignee control. */
  withUser?: boolean;
  initial?: Partial<ItemFormValues>;
  users: AssignableUser[];
  submitLabel: string;
  /** Names the fields for screen readers and tests ("New item in Smoke tests", "Edit Backups verified"). */
  labelPrefix: string;
  onSubmit: (values: ItemFormValues) => void;
  onCancel?: () => void;
}) {
  const [text, setText] = useState(initial?.text ?? "");
  const [ownerId, setOwnerId] = useState(initial?.ownerId ?? "");
  const [ownerName, setOwnerName] = useState(initial?.ownerName ?? "");
  const [due, setDue] = useState(initial?.dueOffsetMinutes == null ? "" : formatTOffset(initial.dueOffsetMinutes));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="mt-1 flex flex-wrap items-end gap-2 rounded border border-slate-200 bg-slate-50 p-2 text-sm"
      aria-label={labelPrefix}
      onSubmit={(e) => {
        e.preventDefault();
        const dueOffsetMinutes = parseDueInput(due);
        if (!text.trim()) return setProblem("Say what is to be done");
        if (dueOffsetMinutes === undefined) return setProblem('Write the due time as T-15m, T+1h or minutes ("-30")');
        setProblem(null);
        onSubmit({ text: text.trim(), ownerId: ownerId || null, ownerName: ownerName.trim() || null, dueOffsetMinutes });
        if (!initial) {
          setText("");
          setDue("");
        }
      }}
    >
      <label className="flex min-w-48 flex-1 flex-col">
        <span className="text-xs text-slate-600">Item</span>
        <input aria-label={`${labelPrefix}: text`} value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} className="rounded border border-slate-300 px-2 py-1" />
      </label>
      {withUser ? (
      <label className="flex flex-col">
        <span className="text-xs text-slate-600">Assign to user</span>
        <select aria-label={`${labelPrefix}: user`} value={ownerId} onChange={(e) => setOwnerId(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
          <option value="">— nobody —</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
              {u.role ? ` (${roleLabel(u.role)})` : ""}
            </option>
          ))}
        </select>
      </label>
      ) : null}
      <label className="flex w-32 flex-col">
        <span className="text-xs text-slate-600">or team / name</span>
        <input aria-label={`${labelPrefix}: team`} value={ownerName} onChange={(e) => setOwnerName(e.target.value)} maxLength={200} className="rounded border border-slate-300 px-2 py-1" />
      </label>
      <label className="flex w-24 flex-col">
        <span className="text-xs text-slate-600">Due (T±)</span>
        <input aria-label={`${labelPrefix}: due`} placeholder="T+15m" value={due} onChange={(e) => setDue(e.target.value)} className="rounded border border-slate-300 px-2 py-1 font-mono" />
      </label>
      <button type="submit" className="rounded bg-slate-800 px-2 py-1 text-white">
        {submitLabel}
      </button>
      {onCancel ? (
        <button type="button" className="underline" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      {problem ? (
        <p role="alert" className="w-full text-xs text-breach">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
