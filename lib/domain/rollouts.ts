import "server-only";
import { getDb, type DbTx } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/principal";
import { runbookDraftSchema, type DraftItem, type DraftSection, type RunbookDraftInput } from "@/lib/schemas/runbook";
import { notFound } from "./errors";
import { transactWithEvents } from "./events";
import { jsonify } from "./json";
import {
  actionRunSelect,
  actionSummarySelect,
  contactSelect,
  gateSelect,
  itemSelect,
  phaseSelect,
  rolloutSummarySelect,
  sectionSelect,
  tileSelect,
} from "./selects";

/** Every rollout, newest first; `onlyIds` narrows it (a token limited to some rollouts sees those only). */
export async function listRollouts(opts: { onlyIds?: readonly string[] | null } = {}) {
  const onlyIds = opts.onlyIds ? [...opts.onlyIds] : undefined;
  const rows = await getDb().rollout.findMany({
    where: onlyIds ? { id: { in: onlyIds } } : undefined,
    select: {
      ...rolloutSummarySelect,
      _count: { select: { items: true } },
      phases: { select: { name: true, trafficPercent: true, status: true }, orderBy: { position: "asc" } },
    },
    orderBy: [{ createdAt: "desc" }],
  });
  const done = await getDb().checklistItem.groupBy({ by: ["rolloutId"], where: { state: { in: ["DONE", "SKIPPED"] }, ...(onlyIds ? { rolloutId: { in: onlyIds } } : {}) }, _count: true });
  const doneBy = new Map(done.map((d) => [d.rolloutId, d._count]));
  return jsonify(
    rows.map(({ _count, phases, ...r }) => ({
      ...r,
      progress: { done: doneBy.get(r.id) ?? 0, total: _count.items },
      currentPhase: phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED") ?? null,
    })),
  );
}
export type RolloutListEntry = Awaited<ReturnType<typeof listRollouts>>[number];

/** How many action runs the rollout state carries (newest first); the action-runs endpoint has them all. */
export const RECENT_ACTION_RUNS = 20;

/**
 * Everything the war room shows, read in one repeatable-read snapshot so `lastSeq` matches the data: a client
 * that loads this and then applies events after lastSeq misses nothing and applies nothing twice.
 */
export async function getRolloutState(rolloutId: string) {
  const state = await getDb().$transaction(
    async (tx) => {
      const rollout = await tx.rollout.findUnique({ where: { id: rolloutId }, select: rolloutSummarySelect });
      if (!rollout) throw notFound("Rollout");
      const where = { rolloutId };
      const [phases, sections, items, gates, contacts, tiles, actions, actionRuns] = await Promise.all([
        tx.phase.findMany({ where, select: phaseSelect, orderBy: { position: "asc" } }),
        tx.checklistSection.findMany({ where, select: sectionSelect, orderBy: { position: "asc" } }),
        tx.checklistItem.findMany({ where, select: itemSelect, orderBy: { position: "asc" } }),
        tx.signoffGate.findMany({ where, select: gateSelect, orderBy: { position: "asc" } }),
        tx.contact.findMany({ where, select: contactSelect, orderBy: [{ escalationLevel: "asc" }, { position: "asc" }] }),
        tx.metricTile.findMany({ where, select: tileSelect, orderBy: { position: "asc" } }),
        tx.action.findMany({ where: { rolloutId, deletedAt: null }, select: actionSummarySelect, orderBy: { createdAt: "asc" } }),
        tx.actionRun.findMany({ where, select: actionRunSelect, orderBy: { createdAt: "desc" }, take: RECENT_ACTION_RUNS }),
      ]);
      return { rollout, phases, sections, items, gates, contacts, tiles, actions, actionRuns, lastSeq: rollout.lastSeq };
    },
    { isolationLevel: "RepeatableRead" },
  );
  return jsonify(state);
}
export type RolloutState = Awaited<ReturnType<typeof getRolloutState>>;

/** Stores a runbook as a new rollout (demo seed, Markdown import): one transaction, one `rollout.created` event. */
export async function createRolloutFromDraft(input: RunbookDraftInput, actor: Actor, opts: { plannedStartAt?: Date } = {}) {
  const draft = runbookDraftSchema.parse(input);
  const { result } = await transactWithEvents(actor, async (tx, recordFor) => {
    const rollout = await tx.rollout.create({
      data: {
        name: draft.name,
        service: draft.service,
        description: draft.description,
        plannedStartAt: opts.plannedStartAt,
        createdById: actor.id,
      },
      select: { id: true },
    });
    const phaseIds: string[] = [];
    for (const [position, phase] of draft.phases.entries()) {
      const created = await tx.phase.create({
        data: {
          rolloutId: rollout.id,
          position,
          name: phase.name,
          trafficPercent: phase.trafficPercent,
          minDurationMinutes: phase.minDurationMinutes,
          criteria: { create: phase.criteria },
        },
        select: { id: true },
      });
      phaseIds.push(created.id);
    }
    await createChecklist(tx, rollout.id, draft.sections);
    for (const [position, gate] of draft.gates.entries()) {
      await tx.signoffGate.create({
        data: {
          rolloutId: rollout.id,
          position,
          kind: gate.kind,
          name: gate.name,
          requiredRoles: gate.requiredRoles,
          approverTitles: gate.approverTitles,
          phaseId: gate.phaseIndex === undefined ? null : (phaseIds[gate.phaseIndex] ?? null),
        },
      });
    }
    if (draft.contacts.length) {
      await tx.contact.createMany({ data: draft.contacts.map((c, position) => ({ ...c, rolloutId: rollout.id, position })) });
    }
    await recordFor(rollout.id, "rollout.created", { name: draft.name, service: draft.service });
    return rollout;
  });
  return result;
}

type FlatSection = { position: number; depth: number; parent: number | null; title: string };
type FlatItem = { position: number; depth: number; section: number; parent: number | null; item: DraftItem };

/**
 * Stores the sections and items, positions numbered in document order (a section, its items depth-first, then its
 * subsections). One INSERT per nesting level and per 1000 rows rather than one per row, so a runbook of thousands
 * of items fits well inside the transaction.
 */
async function createChecklist(tx: DbTx, rolloutId: string, draftSections: DraftSection[]) {
  const sections: FlatSection[] = [];
  const items: FlatItem[] = [];
  const visitItem = (item: DraftItem, section: number, parent: number | null, depth: number) => {
    const position = items.length;
    items.push({ position, depth, section, parent, item });
    for (const child of item.children ?? []) visitItem(child, section, position, depth + 1);
  };
  const visitSection = (section: DraftSection, parent: number | null, depth: number) => {
    const position = sections.length;
    sections.push({ position, depth, parent, title: section.title });
    for (const item of section.items) visitItem(item, position, null, 0);
    for (const child of section.sections ?? []) visitSection(child, position, depth + 1);
  };
  for (const section of draftSections) visitSection(section, null, 0);

  const sectionIds = new Map<number, string>();
  for (const level of byDepth(sections)) {
    for (const chunk of chunks(level, 1000)) {
      const created = await tx.checklistSection.createManyAndReturn({
        data: chunk.map((s) => ({ rolloutId, position: s.position, title: s.title, parentId: s.parent === null ? null : sectionIds.get(s.parent) })),
        select: { id: true, position: true },
      });
      for (const row of created) sectionIds.set(row.position, row.id);
    }
  }
  const itemIds = new Map<number, string>();
  for (const level of byDepth(items)) {
    for (const chunk of chunks(level, 1000)) {
      const created = await tx.checklistItem.createManyAndReturn({
        data: chunk.map(({ position, section, parent, item }) => ({
          rolloutId,
          sectionId: sectionIds.get(section) ?? "",
          parentId: parent === null ? null : itemIds.get(parent),
          position,
          text: item.text,
          ownerName: item.ownerName,
          dueOffsetMinutes: item.dueOffsetMinutes,
          note: item.note,
          // An item imported as [x] is DONE with no checkedBy/checkedAt: the runbook does not say who or when.
          state: item.state ?? "OPEN",
        })),
        select: { id: true, position: true },
      });
      for (const row of created) itemIds.set(row.position, row.id);
    }
  }
}

function byDepth<T extends { depth: number }>(rows: T[]): T[][] {
  const levels: T[][] = [];
  for (const row of rows) (levels[row.depth] ??= []).push(row);
  return levels.filter(Boolean);
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
