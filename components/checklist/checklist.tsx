"use client";

import { useState } from "react";
import type { ItemView } from "@/lib/domain/selects";
import { formatTOffset, isOverdue } from "@/components/rollouts/format";
import { buildChecklistTree, type ItemNode, type SectionNode } from "./tree";

export type ChecklistProps = {
  sections: Parameters<typeof buildChecklistTree>[0];
  items: ItemView[];
  plannedStartAt: string | null;
  now: number;
  canEdit: boolean;
  onSetState: (item: ItemView, state: ItemView["state"]) => void;
  onSaveNote: (item: ItemView, note: string) => void;
};

export function Checklist(props: ChecklistProps) {
  const tree = buildChecklistTree(props.sections, props.items);
  return (
    <div className="space-y-4">
      {tree.map((section) => (
        <Section key={section.id} section={section} depth={0} {...props} />
      ))}
    </div>
  );
}

function Progress({ done, total }: { done: number; total: number }) {
  const pct = total ? Math.round((done / total) * 100) : 0;
  return (
    <div className="flex items-center gap-2 text-xs text-slate-600" aria-label={`${done} of ${total} done`}>
      <div className="h-1.5 w-24 rounded bg-slate-200">
        <div className={`h-1.5 rounded ${pct === 100 ? "bg-ok" : "bg-sky-600"}`} style={{ width: `${pct}%` }} />
      </div>
      {done}/{total}
    </div>
  );
}

function Section({ section, depth, ...props }: { section: SectionNode; depth: number } & ChecklistProps) {
  const Heading = depth === 0 ? "h3" : "h4";
  return (
    <section aria-label={section.title} className={depth === 0 ? "rounded-lg border border-slate-200 bg-white p-3" : "mt-3"}>
      <div className="mb-2 flex items-center justify-between gap-2">
        <Heading className={depth === 0 ? "text-base font-semibold" : "text-sm font-semibold text-slate-700"}>{section.title}</Heading>
        <Progress done={section.done} total={section.total} />
      </div>
      <ul className="space-y-1">
        {section.items.map((item) => (
          <ItemRow key={item.id} item={item} {...props} />
        ))}
      </ul>
      {section.sections.map((child) => (
        <Section key={child.id} section={child} depth={depth + 1} {...props} />
      ))}
    </section>
  );
}

const STATE_LABEL: Record<ItemView["state"], string> = { OPEN: "Open", DONE: "Done", SKIPPED: "Skipped", BLOCKED: "Blocked" };

function ItemRow({ item, ...props }: { item: ItemNode } & ChecklistProps) {
  const [editingNote, setEditingNote] = useState(false);
  const [draft, setDraft] = useState(item.note ?? "");
  const overdue = isOverdue(item, props.plannedStartAt, props.now);
  const done = item.state === "DONE";
  return (
    <li data-testid={`item-${item.id}`} data-state={item.state}>
      <div className={`flex items-start gap-2 rounded px-1 py-0.5 ${overdue ? "bg-red-50" : ""}`}>
        <input
          type="checkbox"
          className="mt-1 h-4 w-4 accent-green-700"
          aria-label={item.text}
          checked={done}
          disabled={!props.canEdit}
          onChange={() => props.onSetState(item, done ? "OPEN" : "DONE")}
        />
        <div className="min-w-0 flex-1">
          <span className={done ? "text-slate-500 line-through" : ""}>{item.text}</span>
          <div className="flex flex-wrap gap-x-3 text-xs text-slate-500">
            {item.ownerName ? <span>{item.ownerName}</span> : null}
            {item.dueOffsetMinutes !== null ? (
              <span className={overdue ? "font-semibold text-breach" : ""}>
                {formatTOffset(item.dueOffsetMinutes)}
                {overdue ? " · overdue" : ""}
              </span>
            ) : null}
            {item.state !== "OPEN" && item.state !== "DONE" ? <span className="font-semibold text-warn">{STATE_LABEL[item.state]}</span> : null}
            {item.checkedBy ? (
              <span data-testid="checked-by">
                {STATE_LABEL[item.state].toLowerCase()} by {item.checkedBy.name}
                {item.checkedAt ? ` at ${new Date(item.checkedAt).toLocaleTimeString()}` : ""}
              </span>
            ) : null}
            {props.canEdit ? (
              <button
                type="button"
                className="underline"
                onClick={() => {
                  setDraft(item.note ?? "");
                  setEditingNote((v) => !v);
                }}
              >
                {item.note ? "Edit note" : "Add note"}
              </button>
            ) : null}
          </div>
          {item.note && !editingNote ? <p className="mt-0.5 text-sm whitespace-pre-wrap text-slate-700" data-testid="item-note">{item.note}</p> : null}
          {editingNote ? (
            <form
              className="mt-1 flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                props.onSaveNote(item, draft);
                setEditingNote(false);
              }}
            >
              <textarea aria-label={`Note for ${item.text}`} className="flex-1 rounded border border-slate-300 p-1 text-sm" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={10000} />
              <button type="submit" className="self-start rounded bg-slate-800 px-2 py-1 text-sm text-white">
                Save
              </button>
            </form>
          ) : null}
        </div>
      </div>
      {item.children.length ? (
        <ul className="ml-6 space-y-1 border-l border-slate-200 pl-2">
          {item.children.map((child) => (
            <ItemRow key={child.id} item={child} {...props} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
