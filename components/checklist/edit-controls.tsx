"use client";

import { useState } from "react";
import { ConfirmButton } from "@/components/plan/confirm-button";
import type { PlanEditInput } from "@/lib/schemas/plan";
import { ItemForm, type AssignableUser } from "./item-form";
import type { ItemNode, SectionNode } from "./tree";

// The checklist's edit mode: per item a move handle (drag, or the arrow keys while it has focus), edit, skip or block
// with a reason, delete (asks first, undoable); per section rename, delete, add an item or a subsection.

export type ChecklistEditing = {
  users: AssignableUser[];
  onEdit: (edit: PlanEditInput, label?: string) => void;
};

/** Where an item sits: its section, parent and index among its siblings (in the whole, unfiltered tree). */
export type ItemPlace = { sectionId: string; parentId: string | null; index: number; siblings: ItemNode[] };

export function placesOf(tree: SectionNode[]): Map<string, ItemPlace> {
  const places = new Map<string, ItemPlace>();
  const visitItems = (items: ItemNode[], sectionId: string, parentId: string | null) => {
    items.forEach((item, index) => {
      places.set(item.id, { sectionId, parentId, index, siblings: items });
      visitItems(item.children, sectionId, item.id);
    });
  };
  const visitSection = (section: SectionNode) => {
    visitItems(section.items, section.id, null);
    section.sections.forEach(visitSection);
  };
  tree.forEach(visitSection);
  return places;
}

/** The move an arrow key asks for: up/down among siblings, right = nest under the item above, left = out of its parent. */
export function moveForKey(key: string, itemId: string, places: Map<string, ItemPlace>): Extract<PlanEditInput, { op: "item.move" }> | null {
  const place = places.get(itemId);
  if (!place) return null;
  const base = { op: "item.move" as const, itemId, sectionId: place.sectionId };
  switch (key) {
    case "ArrowUp":
      return place.index > 0 ? { ...base, parentId: place.parentId, position: place.index - 1 } : null;
    case "ArrowDown":
      return place.index < place.siblings.length - 1 ? { ...base, parentId: place.parentId, position: place.index + 1 } : null;
    case "ArrowRight": {
      const above = place.siblings[place.index - 1];
      return above ? { ...base, parentId: above.id, position: above.children.length } : null;
    }
    case "ArrowLeft": {
      if (!place.parentId) return null;
      const parent = places.get(place.parentId);
      return parent ? { ...base, parentId: parent.parentId, position: parent.index + 1 } : null;
    }
    default:
      return null;
  }
}

const DRAG_TYPE = "application/x-warroom-item";

/** Props for a row that accepts a dropped item: it goes before this row, among this row's siblings. */
export function dropTarget(target: ItemNode, places: Map<string, ItemPlace>, editing: ChecklistEditing) {
  return {
    onDragOver: (e: React.DragEvent) => {
      if (e.dataTransfer.types.includes(DRAG_TYPE)) e.preventDefault();
    },
    onDrop: (e: React.DragEvent) => {
      const itemId = e.dataTransfer.getData(DRAG_TYPE);
      const place = places.get(target.id);
      if (!itemId || !place || itemId === target.id) return;
      e.preventDefault();
      e.stopPropagation();
      const from = places.get(itemId);
      // Moving down among the same siblings: the row's index shifts by one once the item leaves its place.
      const sameList = from && from.sectionId === place.sectionId && from.parentId === place.parentId && from.index < place.index;
      editing.onEdit({ op: "item.move", itemId, sectionId: place.sectionId, parentId: place.parentId, position: sameList ? place.index - 1 : place.index });
    },
  };
}

export function ItemEditControls({ item, places, editing }: { item: ItemNode; places: Map<string, ItemPlace>; editing: ChecklistEditing }) {
  const [mode, setMode] = useState<"none" | "edit" | "SKIPPED" | "BLOCKED">("none");
  const [reason, setReason] = useState("");
  return (
    <div className="mt-0.5">
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <button
          type="button"
          draggable
          aria-label={`Move ${item.text}`}
          title="Drag, or use the arrow keys: ↑↓ reorder, → nest under the item above, ← out of its parent"
          className="cursor-grab rounded border border-slate-300 bg-white px-1 font-mono"
          onDragStart={(e) => {
            e.dataTransfer.setData(DRAG_TYPE, item.id);
            e.dataTransfer.effectAllowed = "move";
          }}
          onKeyDown={(e) => {
            const move = moveForKey(e.key, item.id, places);
            if (!move) return;
            e.preventDefault();
            editing.onEdit(move);
          }}
        >
          ⠿
        </button>
        <button type="button" className="underline" onClick={() => setMode(mode === "edit" ? "none" : "edit")}>
          Edit
        </button>
        {item.state === "SKIPPED" || item.state === "BLOCKED" ? (
          <button type="button" className="underline" onClick={() => editing.onEdit({ op: "item.mark", itemId: item.id, state: "OPEN", expectedVersion: item.version })}>
            Reopen
          </button>
        ) : (
          <>
            <button type="button" className="underline" onClick={() => setMode("SKIPPED")}>
              Skip…
            </button>
            <button type="button" className="underline" onClick={() => setMode("BLOCKED")}>
              Block…
            </button>
          </>
        )}
        <ConfirmButton label="Delete" question={`Delete “${item.text}”${item.children.length ? " and its sub-items" : ""}?`} onConfirm={() => editing.onEdit({ op: "item.delete", itemId: item.id }, `Deleted “${item.text}”`)} />
      </div>
      {mode === "edit" ? (
        <ItemForm
          initial={{ text: item.text, ownerId: item.ownerId, ownerName: item.ownerName, dueOffsetMinutes: item.dueOffsetMinutes }}
          users={editing.users}
          withUser={false}
          submitLabel="Save"
          labelPrefix={`Edit ${item.text}`}
          onCancel={() => setMode("none")}
          onSubmit={(values) => {
            // The user is assigned from the row's assignee control (the one assignment write); this edits the rest.
            const { ownerId: _ownerId, ...rest } = values;
            editing.onEdit({ op: "item.edit", itemId: item.id, ...rest, expectedVersion: item.version });
            setMode("none");
          }}
        />
      ) : null}
      {mode === "SKIPPED" || mode === "BLOCKED" ? (
        <form
          className="mt-1 flex gap-2 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) return;
            editing.onEdit({ op: "item.mark", itemId: item.id, state: mode, reason: reason.trim(), expectedVersion: item.version });
            setReason("");
            setMode("none");
          }}
        >
          <input
            aria-label={`Why is “${item.text}” ${mode === "SKIPPED" ? "skipped" : "blocked"}?`}
            placeholder={mode === "SKIPPED" ? "Why skip it?" : "What blocks it?"}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={1000}
            className="flex-1 rounded border border-slate-300 px-2 py-0.5"
          />
          <button type="submit" className="rounded bg-slate-800 px-2 py-0.5 text-white">
            {mode === "SKIPPED" ? "Skip" : "Block"}
          </button>
          <button type="button" className="underline" onClick={() => setMode("none")}>
            Cancel
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function SectionEditControls({ section, editing }: { section: SectionNode; editing: ChecklistEditing }) {
  const [mode, setMode] = useState<"none" | "rename" | "subsection">("none");
  const [title, setTitle] = useState(section.title);
  return (
    <div className="mb-1 text-xs">
      <div className="flex flex-wrap gap-2">
        <button type="button" className="underline" onClick={() => setMode(mode === "rename" ? "none" : "rename")}>
          Rename
        </button>
        <button type="button" className="underline" onClick={() => setMode(mode === "subsection" ? "none" : "subsection")}>
          Add subsection
        </button>
        <ConfirmButton
          label="Delete section"
          question={`Delete “${section.title}” with its ${section.total} items?`}
          onConfirm={() => editing.onEdit({ op: "section.delete", sectionId: section.id }, `Deleted section “${section.title}”`)}
        />
      </div>
      {mode !== "none" ? (
        <form
          className="mt-1 flex gap-2 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!title.trim()) return;
            editing.onEdit(mode === "rename" ? { op: "section.edit", sectionId: section.id, title: title.trim() } : { op: "section.add", parentId: section.id, title: title.trim() });
            setMode("none");
          }}
        >
          <input
            aria-label={mode === "rename" ? `New title for ${section.title}` : `Subsection of ${section.title}`}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={300}
            className="flex-1 rounded border border-slate-300 px-2 py-0.5"
          />
          <button type="submit" className="rounded bg-slate-800 px-2 py-0.5 text-white">
            {mode === "rename" ? "Rename" : "Add"}
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function AddItemForm({ section, editing }: { section: SectionNode; editing: ChecklistEditing }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className="mt-1 text-sm text-sky-800 underline" onClick={() => setOpen(true)}>
        + Add item to {section.title}
      </button>
    );
  }
  return (
    <ItemForm
      users={editing.users}
      submitLabel="Add item"
      labelPrefix={`New item in ${section.title}`}
      onCancel={() => setOpen(false)}
      onSubmit={(values) => editing.onEdit({ op: "item.add", sectionId: section.id, ...values })}
    />
  );
}

export function AddSectionForm({ editing }: { editing: ChecklistEditing }) {
  const [title, setTitle] = useState("");
  return (
    <form
      className="flex gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (!title.trim()) return;
        editing.onEdit({ op: "section.add", title: title.trim() });
        setTitle("");
      }}
    >
      <input aria-label="New section title" placeholder="New section" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} className="flex-1 rounded border border-slate-300 px-2 py-1" />
      <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-white">
        Add section
      </button>
    </form>
  );
}
