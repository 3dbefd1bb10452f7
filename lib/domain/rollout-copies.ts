import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type DbTx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { CloneRolloutInput, CreateRehearsalInput, UpdateRolloutInput } from "@/lib/schemas/plan";
import { conflict, forbidden, notFound } from "./errors";
import { changeRollout, transactWithEvents } from "./events";
import { jsonify } from "./json";
import { rolloutSummarySelect, type RolloutSummary } from "./selects";

// Copies of a rollout or a template (clone), and rehearsals (a copy in rehearsal mode);
// the rollout's own fields, template flag and archive. A copy takes the structure only: sections, items (open, no
// ticks or notes), phases and their criteria (pending, no verdicts), gates (no signatures), contacts, tiles (no
// readings), actions (no runs) and the rollout's own notification channels (no deliveries).

/** Name, service, T0, description; marks or unmarks it as a template; archives or unarchives it. */
export async function updateRollout(principal: UserPrincipal, rolloutId: string, input: UpdateRolloutInput): Promise<RolloutSummary> {
  if (!can(principal.role, "rollout.configure")) throw forbidden("Only an admin can change a rollout's settings");
  const { result } = await changeRollout(rolloutId, actorOf(principal), async (tx, record) => {
    const before = await tx.rollout.findUnique({ where: { id: rolloutId }, select: rolloutSummarySelect });
    if (!before) throw notFound("Rollout");
    const { archived, plannedStartAt, ...fields } = input;
    if (before.archivedAt && archived !== false) throw conflict("This rollout is archived: unarchive it first");
    if (fields.isTemplate && before.status !== "DRAFT") throw conflict("Only a rollout that has not started can be a template");
    const data: Prisma.RolloutUpdateInput = {
      ...fields,
      ...(plannedStartAt !== undefined ? { plannedStartAt: plannedStartAt === null ? null : new Date(plannedStartAt) } : {}),
      ...(archived !== undefined ? { archivedAt: archived ? (before.archivedAt ?? new Date()) : null } : {}),
    };
    const rollout = jsonify(await tx.rollout.update({ where: { id: rolloutId }, data, select: rolloutSummarySelect }));
    const changed = Object.keys(input).filter((k) => k !== "archived");
    if (changed.length) await record("rollout.edited", { rollout, changed, summary: `Rollout settings changed (${changed.join(", ")})` });
    if (archived !== undefined && archived !== Boolean(before.archivedAt)) {
      await record(archived ? "rollout.archived" : "rollout.unarchived", { rollout, publicSummary: archived ? "Rollout archived" : "Rollout unarchived" });
    }
    return rollout;
  });
  return result;
}

type CopyMode = { kind: "clone"; asTemplate: boolean } | { kind: "rehearsal" };

export async function cloneRollout(principal: UserPrincipal, sourceId: string, input: CloneRolloutInput): Promise<{ id: string }> {
  if (!can(principal.role, "rollout.configure")) throw forbidden("Only an admin can clone rollouts");
  return copyRollout(principal, sourceId, { kind: "clone", asTemplate: input.asTemplate }, { name: input.name, plannedStartAt: input.plannedStartAt });
}

/** A copy of the rollout in rehearsal mode: its actions are dry-run, notifications off, every surface says REHEARSAL. */
export async function createRehearsal(principal: UserPrincipal, sourceId: string, input: CreateRehearsalInput): Promise<{ id: string }> {
  if (!can(principal.role, "rollout.rehearse")) throw forbidden("Only a commander or an admin can run a rehearsal");
  return copyRollout(principal, sourceId, { kind: "rehearsal" }, { name: input.name });
}

async function copyRollout(principal: UserPrincipal, sourceId: string, mode: CopyMode, opts: { name?: string; plannedStartAt?: string | null }) {
  const source = await getDb().rollout.findUnique({ where: { id: sourceId }, select: { ...rolloutSummarySelect } });
  if (!source) throw notFound("Rollout");
  if (mode.kind === "rehearsal" && source.isRehearsal) throw conflict("This is a rehearsal already: rehearse the rollout it copies");
  const actor = actorOf(principal);
  const name = opts.name ?? (mode.kind === "rehearsal" ? `${source.name} — rehearsal` : `${source.name} (copy)`);
  const { result } = await transactWithEvents(actor, async (tx, recordFor) => {
    const rollout = await tx.rollout.create({
      data: {
        name,
        service: source.service,
        description: source.description,
        plannedStartAt: mode.kind === "rehearsal" ? null : opts.plannedStartAt === undefined ? source.plannedStartAt : opts.plannedStartAt && new Date(opts.plannedStartAt),
        isTemplate: mode.kind === "clone" && mode.asTemplate,
        isRehearsal: mode.kind === "rehearsal",
        rehearsalOfId: mode.kind === "rehearsal" ? source.id : null,
        createdById: principal.userId,
      },
      select: { id: true },
    });
    await copyStructure(tx, source.id, rollout.id);
    await recordFor(rollout.id, "rollout.created", {
      name,
      service: source.service,
      from: mode.kind === "rehearsal" ? "rehearsal" : source.isTemplate ? "template" : "clone",
      sourceId: source.id,
      publicSummary: mode.kind === "rehearsal" ? "Rehearsal created" : "Rollout plan created",
    });
    if (mode.kind === "rehearsal") {
      await recordFor(source.id, "rehearsal.created", { rehearsalId: rollout.id, name, summary: `Rehearsal "${name}" created` });
    }
    return rollout;
  });
  return result;
}

/** Depth levels of a parent/child table, roots first, so each INSERT only points at rows already there. */
function levels<T extends { id: string; parentId: string | null }>(rows: T[]): T[][] {
  const depth = new Map<string, number>();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const depthOf = (row: T): number => {
    const known = depth.get(row.id);
    if (known !== undefined) return known;
    const parent = row.parentId ? byId.get(row.parentId) : undefined;
    const d = parent ? depthOf(parent) + 1 : 0;
    depth.set(row.id, d);
    return d;
  };
  const out: T[][] = [];
  for (const row of rows) (out[depthOf(row)] ??= []).push(row);
  return out.filter(Boolean);
}

async function copyStructure(tx: DbTx, fromId: string, toId: string) {
  const where = { rolloutId: fromId };
  const [sections, items, phases, gates, contacts, tiles, actions, channels] = await Promise.all([
    tx.checklistSection.findMany({ where, orderBy: { position: "asc" } }),
    tx.checklistItem.findMany({ where, orderBy: { position: "asc" } }),
    tx.phase.findMany({ where, orderBy: { position: "asc" }, include: { criteria: { orderBy: { id: "asc" } } } }),
    tx.signoffGate.findMany({ where, orderBy: { position: "asc" } }),
    tx.contact.findMany({ where, orderBy: { position: "asc" } }),
    tx.metricTile.findMany({ where, orderBy: { position: "asc" } }),
    tx.action.findMany({ where: { ...where, deletedAt: null }, orderBy: { createdAt: "asc" } }),
    // The rollout's own notification channels (a rehearsal then notifies those marked for rehearsals).
    tx.notificationChannel.findMany({ where: { ...where, deletedAt: null }, orderBy: { createdAt: "asc" } }),
  ]);
  const newId = new Map<string, string>();
  const idFor = (old: string) => {
    let id = newId.get(old);
    if (!id) newId.set(old, (id = `c${randomUUID().replace(/-/g, "").slice(0, 24)}`));
    return id;
  };
  for (const level of levels(sections)) {
    await tx.checklistSection.createMany({
      data: level.map((s) => ({ id: idFor(s.id), rolloutId: toId, parentId: s.parentId && idFor(s.parentId), position: s.position, title: s.title })),
    });
  }
  for (const level of levels(items)) {
    await tx.checklistItem.createMany({
      data: level.map((i) => ({
        id: idFor(i.id),
        rolloutId: toId,
        sectionId: idFor(i.sectionId),
        parentId: i.parentId && idFor(i.parentId),
        position: i.position,
        text: i.text,
        ownerName: i.ownerName,
        ownerId: i.ownerId,
        dueOffsetMinutes: i.dueOffsetMinutes,
        copiedFromId: i.id,
      })),
    });
  }
  for (const phase of phases) {
    await tx.phase.create({
      data: {
        id: idFor(phase.id),
        rolloutId: toId,
        position: phase.position,
        name: phase.name,
        trafficPercent: phase.trafficPercent,
        minDurationMinutes: phase.minDurationMinutes,
        criteria: {
          create: phase.criteria.map((c) => ({
            kind: c.kind,
            metricKey: c.metricKey,
            comparator: c.comparator,
            threshold: c.threshold,
            unit: c.unit,
            pendingSeconds: c.pendingSeconds,
            autoRollback: c.autoRollback,
            description: c.description,
          })),
        },
      },
    });
  }
  if (gates.length) {
    await tx.signoffGate.createMany({
      data: gates.map((g) => ({ rolloutId: toId, phaseId: g.phaseId && idFor(g.phaseId), kind: g.kind, name: g.name, position: g.position, requiredRoles: g.requiredRoles, approverTitles: g.approverTitles })),
    });
  }
  if (contacts.length) {
    await tx.contact.createMany({ data: contacts.map(({ id: _id, rolloutId: _r, ...c }) => ({ ...c, rolloutId: toId })) });
  }
  if (tiles.length) {
    await tx.metricTile.createMany({
      data: tiles.map(({ id: _id, rolloutId: _r, lastValue: _v, lastSampleAt: _s, lastError: _e, lastErrorAt: _ea, ...t }) => ({ ...t, rolloutId: toId })),
    });
  }
  for (const { id: _id, rolloutId: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, lastSentAt: _l, rules, ...channel } of channels) {
    await tx.notificationChannel.create({ data: { ...channel, rules: rules === null ? undefined : (rules as Prisma.InputJsonValue), rolloutId: toId } });
  }
  for (const { id: _id, rolloutId: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, headers, ...action } of actions) {
    await tx.action.create({ data: { ...action, headers: (headers ?? {}) as Prisma.InputJsonValue, rolloutId: toId } });
  }
}
