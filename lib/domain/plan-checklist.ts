import "server-only";
import type { DbTx } from "@/lib/db/client";
import type { PlanEdit } from "@/lib/schemas/plan";
import { checklistDeleteBlocker, UNDO_WINDOW_MS } from "./edit-rules";
import { badRequest, conflict, notFound } from "./errors";
import type { RecordEvent } from "./events";
import { jsonify } from "./json";
import { itemSelect, sectionSelect } from "./selects";

// Sections and items of a rollout's plan: add, edit, move (reorder, nest, change section), delete with undo, and
// skip / block with a reason. Each runs inside plan-edits.ts's transaction and records one event.

type Edit<K extends PlanEdit["op"]> = Extract<PlanEdit, { op: K }>;
export type PlanContext = { tx: DbTx; record: RecordEvent; rolloutId: string; rollout: { status: string }; userId: string | null };

const undoUntil = () => new Date(Date.now() + UNDO_WINDOW_MS).toISOString();

async function findSection(ctx: PlanContext, sectionId: string) {
  const section = await ctx.tx.checklistSection.findFirst({ where: { id: sectionId, rolloutId: ctx.rolloutId }, select: sectionSelect });
  if (!section) throw notFound("Section");
  return section;
}

async function findItem(ctx: PlanContext, itemId: string) {
  const item = await ctx.tx.checklistItem.findFirst({ where: { id: itemId, rolloutId: ctx.rolloutId }, select: itemSelect });
  if (!item) throw notFound("Checklist item");
  return item;
}

async function assertOwner(ctx: PlanContext, ownerId: string | null | undefined) {
  if (!ownerId) return;
  const user = await ctx.tx.user.findUnique({ where: { id: ownerId }, select: { id: true } });
  if (!user) throw badRequest("No such user", { ownerId: ["is not a War Room user"] });
}

function assertVersion(current: { version: number }, expected: number | undefined, item: unknown) {
  if (expected !== undefined && expected !== current.version) {
    throw conflict(`Item was changed by someone else (now version ${current.version})`, { current: jsonify(item) });
  }
}

/** The next free position after the last of these siblings. */
async function nextSectionPosition(ctx: PlanContext, parentId: string | null) {
  const last = await ctx.tx.checklistSection.findFirst({ where: { rolloutId: ctx.rolloutId, parentId }, orderBy: { position: "desc" }, select: { position: true } });
  return last ? last.position + 1 : 0;
}

async function nextItemPosition(ctx: PlanContext, sectionId: string, parentId: string | null) {
  const last = await ctx.tx.checklistItem.findFirst({ where: { rolloutId: ctx.rolloutId, sectionId, parentId }, orderBy: { position: "desc" }, select: { position: true } });
  return last ? last.position + 1 : 0;
}

export async function addSection(ctx: PlanContext, edit: Edit<"section.add">) {
  const parentId = edit.parentId ?? null;
  if (parentId) await findSection(ctx, parentId);
  const section = await ctx.tx.checklistSection.create({
    data: { rolloutId: ctx.rolloutId, parentId, title: edit.title, position: await nextSectionPosition(ctx, parentId) },
    select: sectionSelect,
  });
  await ctx.record("section.added", { section, publicSummary: `Checklist section "${section.title}" added` });
  return { section };
}

export async function editSection(ctx: PlanContext, edit: Edit<"section.edit">) {
  const before = await findSection(ctx, edit.sectionId);
  const section = await ctx.tx.checklistSection.update({ where: { id: edit.sectionId }, data: { title: edit.title }, select: sectionSelect });
  await ctx.record("section.edited", { section, summary: `Checklist section "${before.title}" renamed to "${section.title}"` });
  return { section };
}

export async function moveSection(ctx: PlanContext, edit: Edit<"section.move">) {
  const section = await findSection(ctx, edit.sectionId);
  if (edit.parentId) {
    // Not under itself or one of its own subsections.
    for (let cursor: string | null = edit.parentId; cursor; ) {
      if (cursor === section.id) throw badRequest("A section cannot be moved into itself", { parentId: ["is the section or one of its subsections"] });
      cursor = (await findSection(ctx, cursor)).parentId;
    }
  }
  const siblings = await ctx.tx.checklistSection.findMany({
    where: { rolloutId: ctx.rolloutId, parentId: edit.parentId, id: { not: section.id } },
    orderBy: { position: "asc" },
    select: { id: true },
  });
  const order = siblings.map((s) => s.id);
  order.splice(Math.min(edit.position, order.length), 0, section.id);
  for (const [position, id] of order.entries()) {
    await ctx.tx.checklistSection.update({ where: { id }, data: { position, ...(id === section.id ? { parentId: edit.parentId } : {}) } });
  }
  const sections = await ctx.tx.checklistSection.findMany({ where: { id: { in: order } }, select: sectionSelect });
  await ctx.record("section.moved", { sections, sectionId: section.id, summary: `Checklist section "${section.title}" moved` });
  return { sections };
}

/** Ids of a section and all its subsections. */
async function sectionSubtree(ctx: PlanContext, sectionId: string): Promise<string[]> {
  const all = await ctx.tx.checklistSection.findMany({ where: { rolloutId: ctx.rolloutId }, select: { id: true, parentId: true } });
  const ids = [sectionId];
  for (let i = 0; i < ids.length; i++) for (const s of all) if (s.parentId === ids[i]) ids.push(s.id);
  return ids;
}

/** Ids of an item and all its sub-items. */
async function itemSubtree(ctx: PlanContext, itemId: string): Promise<string[]> {
  const all = await ctx.tx.checklistItem.findMany({ where: { rolloutId: ctx.rolloutId }, select: { id: true, parentId: true } });
  const ids = [itemId];
  for (let i = 0; i < ids.length; i++) for (const it of all) if (it.parentId === ids[i]) ids.push(it.id);
  return ids;
}

const ticked = (rows: { checkedById: string | null; checkedAt: Date | null; state: string }[]) =>
  rows.filter((r) => r.state === "DONE" && (r.checkedById !== null || r.checkedAt !== null)).length;

export async function deleteSection(ctx: PlanContext, edit: Edit<"section.delete">) {
  const section = await findSection(ctx, edit.sectionId);
  const sectionIds = await sectionSubtree(ctx, section.id);
  // Full rows, parents first (breadth-first order above; items by position within): what undo puts back.
  const sectionRows = (await ctx.tx.checklistSection.findMany({ where: { id: { in: sectionIds } } })).sort((a, b) => sectionIds.indexOf(a.id) - sectionIds.indexOf(b.id));
  const itemRows = parentsFirst(await ctx.tx.checklistItem.findMany({ where: { sectionId: { in: sectionIds } }, orderBy: { position: "asc" } }));
  const blocker = checklistDeleteBlocker(ctx.rollout, `Section "${section.title}"`, ticked(itemRows));
  if (blocker) throw conflict(blocker);
  await ctx.tx.checklistSection.delete({ where: { id: section.id } });
  const until = undoUntil();
  const event = await ctx.record("section.deleted", {
    sectionId: section.id,
    sectionIds,
    itemIds: itemRows.map((i) => i.id),
    publicSummary: `Checklist section "${section.title}" removed`,
    undo: { sections: jsonify(sectionRows), items: jsonify(itemRows), until },
  });
  return { deleted: section.id, undo: { seq: event.seq, until } };
}

export async function addItem(ctx: PlanContext, edit: Edit<"item.add">) {
  const section = await findSection(ctx, edit.sectionId);
  const parentId = edit.parentId ?? null;
  if (parentId) {
    const parent = await findItem(ctx, parentId);
    if (parent.sectionId !== section.id) throw badRequest("The parent item is in another section", { parentId: ["is not in this section"] });
  }
  await assertOwner(ctx, edit.ownerId);
  const item = await ctx.tx.checklistItem.create({
    data: {
      rolloutId: ctx.rolloutId,
      sectionId: section.id,
      parentId,
      text: edit.text,
      ownerName: edit.ownerName ?? null,
      ownerId: edit.ownerId ?? null,
      dueOffsetMinutes: edit.dueOffsetMinutes ?? null,
      position: await nextItemPosition(ctx, section.id, parentId),
    },
    select: itemSelect,
  });
  const view = jsonify(item);
  await ctx.record("item.added", { item: view, sectionTitle: section.title, publicSummary: `Checklist: "${item.text}" added to ${section.title}` });
  return { item: view };
}

export async function editItem(ctx: PlanContext, edit: Edit<"item.edit">) {
  const current = await findItem(ctx, edit.itemId);
  assertVersion(current, edit.expectedVersion, current);
  const data = {
    ...(edit.text !== undefined ? { text: edit.text } : {}),
    ...(edit.ownerName !== undefined ? { ownerName: edit.ownerName } : {}),
    ...(edit.dueOffsetMinutes !== undefined ? { dueOffsetMinutes: edit.dueOffsetMinutes } : {}),
  };
  const item = await ctx.tx.checklistItem.update({ where: { id: current.id }, data: { ...data, version: { increment: 1 } }, select: itemSelect });
  const view = jsonify(item);
  const changed = Object.keys(data);
  await ctx.record("item.edited", {
    item: view,
    changed,
    before: Object.fromEntries(changed.map((k) => [k, (current as Record<string, unknown>)[k]])),
    summary: `Checklist: "${item.text}" edited (${changed.join(", ") || "nothing"})`,
  });
  return { item: view };
}

/** Skip or block with a reason (or reopen): recorded as item.updated, the event every client already applies. */
export async function markItem(ctx: PlanContext, edit: Edit<"item.mark">) {
  const current = await findItem(ctx, edit.itemId);
  assertVersion(current, edit.expectedVersion, current);
  const reopening = edit.state === "OPEN";
  const item = await ctx.tx.checklistItem.update({
    where: { id: current.id },
    data: {
      state: edit.state,
      stateReason: reopening ? null : edit.reason,
      checkedById: reopening ? null : ctx.userId,
      checkedAt: reopening ? null : new Date(),
      version: { increment: 1 },
    },
    select: itemSelect,
  });
  const view = jsonify(item);
  await ctx.record("item.updated", { item: view, previousState: current.state, reason: reopening ? undefined : (edit.reason ?? undefined) });
  return { item: view };
}

export async function moveItem(ctx: PlanContext, edit: Edit<"item.move">) {
  const item = await findItem(ctx, edit.itemId);
  const section = await findSection(ctx, edit.sectionId);
  const subtree = await itemSubtree(ctx, item.id);
  if (edit.parentId) {
    if (subtree.includes(edit.parentId)) throw badRequest("An item cannot be nested under itself", { parentId: ["is the item or one of its sub-items"] });
    const parent = await findItem(ctx, edit.parentId);
    if (parent.sectionId !== section.id) throw badRequest("The parent item is in another section", { parentId: ["is not in this section"] });
  }
  const siblings = await ctx.tx.checklistItem.findMany({
    where: { rolloutId: ctx.rolloutId, sectionId: section.id, parentId: edit.parentId, id: { not: item.id } },
    orderBy: { position: "asc" },
    select: { id: true },
  });
  const order = siblings.map((s) => s.id);
  order.splice(Math.min(edit.position, order.length), 0, item.id);
  for (const [position, id] of order.entries()) {
    await ctx.tx.checklistItem.update({
      where: { id },
      data: { position, version: { increment: 1 }, ...(id === item.id ? { parentId: edit.parentId, sectionId: section.id } : {}) },
    });
  }
  // Sub-items follow their parent into the new section.
  if (section.id !== item.sectionId && subtree.length > 1) {
    await ctx.tx.checklistItem.updateMany({ where: { id: { in: subtree.slice(1) } }, data: { sectionId: section.id, version: { increment: 1 } } });
  }
  const items = jsonify(await ctx.tx.checklistItem.findMany({ where: { id: { in: [...new Set([...order, ...subtree])] } }, select: itemSelect }));
  await ctx.record("item.moved", { items, itemId: item.id, summary: `Checklist: "${item.text}" moved${edit.parentId ? " (nested)" : ""} in ${section.title}` });
  return { items };
}

export async function deleteItem(ctx: PlanContext, edit: Edit<"item.delete">) {
  const item = await findItem(ctx, edit.itemId);
  const ids = await itemSubtree(ctx, item.id);
  const rows = parentsFirst(await ctx.tx.checklistItem.findMany({ where: { id: { in: ids } } }));
  const blocker = checklistDeleteBlocker(ctx.rollout, `"${item.text}"`, ticked(rows));
  if (blocker) throw conflict(blocker);
  await ctx.tx.checklistItem.delete({ where: { id: item.id } });
  const until = undoUntil();
  const event = await ctx.record("item.deleted", {
    itemId: item.id,
    itemIds: ids,
    publicSummary: `Checklist: "${item.text}" removed`,
    undo: { items: jsonify(rows), until },
  });
  return { deleted: item.id, undo: { seq: event.seq, until } };
}

/** Rows ordered so that every parent comes before its children (restoring inserts them in this order). */
function parentsFirst<T extends { id: string; parentId: string | null }>(rows: T[]): T[] {
  const ids = new Set(rows.map((r) => r.id));
  const out: T[] = [];
  const placed = new Set<string>();
  let pending = rows;
  while (pending.length) {
    const next: T[] = [];
    for (const row of pending) {
      if (!row.parentId || !ids.has(row.parentId) || placed.has(row.parentId)) {
        out.push(row);
        placed.add(row.id);
      } else next.push(row);
    }
    if (next.length === pending.length) return [...out, ...next];
    pending = next;
  }
  return out;
}

export { parentsFirst };
