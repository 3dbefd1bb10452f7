"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { ItemView } from "@/lib/domain/selects";
import { formatTOffset, isOverdue } from "@/components/rollouts/format";
import { AddItemForm, AddSectionForm, dropTarget, ItemEditControls, placesOf, SectionEditControls, type ChecklistEditing, type ItemPlace } from "./edit-controls";
import { filterTree, flattenVisible, type ChecklistFilter } from "./filter";
import { buildChecklistTree, type ItemNode, type SectionNode } from "./tree";

export type ChecklistProps = {
  sections: Parameters<typeof buildChecklistTree>[0];
  items: ItemView[];
  plannedStartAt: string | null;
  now: number;
  canEdit: boolean;
  me: { id: string; name: string };
  /** Wall mode: large, read-only, no toolbar. */
  wall?: boolean;
  onSetState: (item: ItemView, state: ItemView["state"]) => void;
  onSaveNote: (item: ItemView, note: string) => void;
  /** Plan editing (add, edit, move, skip/block, delete), for roles that may; the checklist's "Edit" toggle shows it. */
  editing?: ChecklistEditing | null;
  /** People an item can be assigned to (active users), and the write that assigns it (null: nobody). */
  people?: Person[];
  onAssign?: (item: ItemView, ownerId: string | null) => void;
};

export type Person = { id: string; name: string };

type RowProps = Omit<ChecklistProps, "sections" | "items" | "me" | "editing"> & {
  selectedId: string | null;
  /** Set while the checklist is in edit mode. */
  editor: { editing: ChecklistEditing; places: Map<string, ItemPlace> } | null;
};

const FILTER_MODES: { mode: ChecklistFilter["mode"]; label: string }[] = [
  { mode: "all", label: "All" },
  { mode: "mine", label: "Mine" },
  { mode: "open", label: "Open" },
  { mode: "overdue", label: "Overdue" },
];

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

/** The checklist with its filter; keyboard: `/` filter, `j`/`k` move, `x` tick or untick. */
export function Checklist({ sections, items, me, editing, ...props }: ChecklistProps) {
  const [filter, setFilter] = useState<ChecklistFilter>({ mode: "all", query: "" });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editMode, setEditMode] = useState(false);
  const filterInput = useRef<HTMLInputElement>(null);
  // The page re-renders every second (its clocks): the tree is rebuilt only when the items change, and refiltered
  // each second only while the "overdue" filter, the one that depends on the time, is on.
  const fullTree = useMemo(() => buildChecklistTree(sections, items), [sections, items]);
  const filterClock = filter.mode === "overdue" ? props.now : 0;
  const { plannedStartAt } = props;
  const tree = useMemo(
    () => filterTree(fullTree, filter, { me, isOverdue: (item) => isOverdue(item, plannedStartAt, filterClock) }),
    [fullTree, filter, me, plannedStartAt, filterClock],
  );
  const visible = useMemo(() => flattenVisible(tree), [tree]);
  const places = useMemo(() => placesOf(fullTree), [fullTree]);
  const editor = editing && editMode && !props.wall ? { editing, places } : null;

  // Kept in a ref so the one keydown listener sees the current list and selection.
  const keyboard = useRef({ visible, selectedId, props });
  useEffect(() => {
    keyboard.current = { visible, selectedId, props };
  });
  useEffect(() => {
    if (props.wall) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      const { visible: list, selectedId: current, props: p } = keyboard.current;
      const index = list.findIndex((i) => i.id === current);
      if (event.key === "/") {
        event.preventDefault();
        filterInput.current?.focus();
      } else if (event.key === "j" || event.key === "k") {
        const next = list[Math.max(0, Math.min(list.length - 1, index + (event.key === "j" ? 1 : -1)))];
        if (next) {
          setSelectedId(next.id);
          document.querySelector(`[data-testid="item-${next.id}"]`)?.scrollIntoView({ block: "nearest" });
        }
      } else if (event.key === "x" && index >= 0 && p.canEdit) {
        const item = list[index]!;
        p.onSetState(item, item.state === "DONE" ? "OPEN" : "DONE");
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [props.wall]);

  return (
    <div className="space-y-4">
      {props.wall ? null : (
        <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Checklist filter">
          {FILTER_MODES.map(({ mode, label }) => (
            <button
              key={mode}
              type="button"
              aria-pressed={filter.mode === mode}
              onClick={() => setFilter((f) => ({ ...f, mode }))}
              className={`rounded-full border px-3 py-0.5 text-sm ${filter.mode === mode ? "border-slate-800 bg-slate-800 text-white" : "border-slate-300 bg-white"}`}
            >
              {label}
            </button>
          ))}
          <input
            ref={filterInput}
            type="search"
            aria-label="Filter items"
            placeholder="Filter ( / )"
            value={filter.query}
            onChange={(e) => setFilter((f) => ({ ...f, query: e.target.value }))}
            onKeyDown={(e) => e.key === "Escape" && (e.currentTarget.blur(), setFilter((f) => ({ ...f, query: "" })))}
            className="w-48 rounded border border-slate-300 px-2 py-0.5 text-sm"
          />
          <span className="text-xs text-slate-500">j/k move · x tick</span>
          {editing ? (
            <button
              type="button"
              aria-pressed={editMode}
              onClick={() => setEditMode((v) => !v)}
              className={`ml-auto rounded border px-3 py-0.5 text-sm ${editMode ? "border-sky-800 bg-sky-800 text-white" : "border-slate-300 bg-white"}`}
            >
              {editMode ? "Done editing" : "Edit checklist"}
            </button>
          ) : null}
        </div>
      )}
      {tree.length === 0 ? <p className="text-sm text-slate-500">{fullTree.length === 0 ? "No checklist yet." : "No items match this filter."}</p> : null}
      {tree.map((section) => (
        <Section key={section.id} section={section} depth={0} {...props} selectedId={selectedId} editor={editor} />
      ))}
      {editor ? <AddSectionForm editing={editor.editing} /> : null}
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

function Section({ section, depth, ...props }: { section: SectionNode; depth: number } & RowProps) {
  const Heading = depth === 0 ? "h3" : "h4";
  return (
    <section
      aria-label={section.title}
      className={depth === 0 ? (props.wall ? "rounded-lg border border-slate-700 bg-slate-900 p-4" : "rounded-lg border border-slate-200 bg-white p-3") : "mt-3"}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <Heading className={depth === 0 ? "text-base font-semibold" : "text-sm font-semibold text-slate-700"}>{section.title}</Heading>
        <Progress done={section.done} total={section.total} />
      </div>
      {props.editor ? <SectionEditControls section={section} editing={props.editor.editing} /> : null}
      <ul className="space-y-1">
        {section.items.map((item) => (
          <ItemRow key={item.id} item={item} {...props} />
        ))}
      </ul>
      {props.editor ? <AddItemForm section={section} editing={props.editor.editing} /> : null}
      {section.sections.map((child) => (
        <Section key={child.id} section={child} depth={depth + 1} {...props} />
      ))}
    </section>
  );
}

const STATE_LABEL: Record<ItemView["state"], string> = { OPEN: "Open", DONE: "Done", SKIPPED: "Skipped", BLOCKED: "Blocked" };

function ItemRow({ item, ...props }: { item: ItemNode } & RowProps) {
  const [editingNote, setEditingNote] = useState(false);
  const [draft, setDraft] = useState(item.note ?? "");
  const overdue = isOverdue(item, props.plannedStartAt, props.now);
  const done = item.state === "DONE";
  return (
    <li data-testid={`item-${item.id}`} data-state={item.state} aria-current={props.selectedId === item.id ? "true" : undefined}>
      <div
        {...(props.editor ? dropTarget(item, props.editor.places, props.editor.editing) : {})}
        className={`flex items-start gap-2 rounded px-1 py-0.5 ${overdue ? (props.wall ? "bg-red-950" : "bg-red-50") : ""} ${props.selectedId === item.id ? "ring-2 ring-sky-500" : ""}`}
      >
        {/* A 44 px tap target on a phone around a checkbox of the usual size. */}
        <label className="-my-2 -ml-2 inline-flex h-11 w-11 shrink-0 items-center justify-center lg:m-0 lg:mt-1 lg:h-4 lg:w-4" data-testid="item-tap-target">
          <input
            type="checkbox"
            className="h-5 w-5 accent-green-700 lg:h-4 lg:w-4"
            aria-label={item.text}
            checked={done}
            disabled={!props.canEdit || props.wall}
            onChange={() => props.onSetState(item, done ? "OPEN" : "DONE")}
          />
        </label>
        <div className="min-w-0 flex-1">
          <span className={done ? "text-slate-500 line-through" : ""}>{item.text}</span>
          <div className="flex flex-wrap gap-x-3 text-xs text-slate-500">
            {item.ownerName ? <span title="Team or role (from the runbook)">{item.ownerName}</span> : null}
            <Assignee item={item} people={props.people} canEdit={props.canEdit && !props.wall} onAssign={props.onAssign} />
            {item.dueOffsetMinutes !== null ? (
              <span className={overdue ? "font-semibold text-breach" : ""} suppressHydrationWarning>
                {formatTOffset(item.dueOffsetMinutes)}
                {overdue ? " · overdue" : ""}
              </span>
            ) : null}
            {item.state !== "OPEN" && item.state !== "DONE" ? (
              <span className="font-semibold text-warn" data-testid="item-state-reason">
                {STATE_LABEL[item.state]}
                {item.stateReason ? `: ${item.stateReason}` : ""}
              </span>
            ) : null}
            {item.checkedBy ? (
              <span data-testid="checked-by" suppressHydrationWarning>
                {STATE_LABEL[item.state].toLowerCase()} by {item.checkedBy.name}
                {item.checkedAt ? ` at ${new Date(item.checkedAt).toLocaleTimeString()}` : ""}
              </span>
            ) : null}
            {props.canEdit && !props.wall ? (
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
          {props.editor ? <ItemEditControls item={item} places={props.editor.places} editing={props.editor.editing} /> : null}
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

/** Who the item is assigned to (a War Room user), with a picker for those who may change items. */
function Assignee({ item, people = [], canEdit, onAssign }: { item: ItemNode; people?: Person[]; canEdit: boolean; onAssign?: ChecklistProps["onAssign"] }) {
  const name = people.find((p) => p.id === item.ownerId)?.name ?? (item.ownerId ? "someone" : null);
  if (!canEdit || !onAssign) return name ? <span data-testid="assignee">→ {name}</span> : null;
  return (
    <select
      aria-label={`Assignee of ${item.text}`}
      data-testid="assignee"
      value={item.ownerId ?? ""}
      onChange={(e) => onAssign(item, e.target.value || null)}
      className="rounded border border-slate-200 bg-transparent px-1 text-xs"
    >
      <option value="">Unassigned</option>
      {people.map((p) => (
        <option key={p.id} value={p.id}>
          → {p.name}
        </option>
      ))}
    </select>
  );
}
