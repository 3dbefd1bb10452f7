import "server-only";
import { getDb, type DbTx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { actorOf, SYSTEM_ACTOR, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { actionConfigIssues } from "@/lib/actions/request";
import { outboundUrlProblem } from "@/lib/net/outbound-policy";
import type { createActionSchema, UpdateActionInput } from "@/lib/schemas/actions";
import type { z } from "zod";
import { headersAfterUpdate, headersToStore, maskedHeaders } from "./action-secret-headers";
import { badRequest, forbidden, notFound } from "./errors";
import { changeRollout } from "./events";
import type { actionSummarySelect, ActionSummary } from "./selects";

// Action configuration (ADMIN): the runbook's emergency curl commands as configured, one-click steps. Creating,
// changing and deleting one is a change of its rollout with an event. Secret headers: action-secret-headers.ts;
// running an action: action-runs.ts.

export const actionConfigSelect = {
  id: true,
  rolloutId: true,
  kind: true,
  name: true,
  method: true,
  url: true,
  headers: true,
  secretHeaders: true,
  bodyTemplate: true,
  allowedRoles: true,
  requiresSecondApprover: true,
  approvalWindowMinutes: true,
  timeoutMs: true,
  targetIdempotent: true,
  createdAt: true,
  updatedAt: true,
  deletedAt: true,
} satisfies Prisma.ActionSelect;
/** An action as stored, secret headers encrypted: for the server's own use, never sent to a client. */
export type ActionRow = Prisma.ActionGetPayload<{ select: typeof actionConfigSelect }>;

/** An action as its configuration page shows it: secret header values are always MASK. */
export type ActionConfigView = {
  id: string;
  rolloutId: string;
  kind: ActionRow["kind"];
  name: string;
  method: ActionRow["method"];
  url: string;
  headers: { name: string; value: string; secret: boolean }[];
  bodyTemplate: string | null;
  allowedRoles: ActionRow["allowedRoles"];
  requiresSecondApprover: boolean;
  approvalWindowMinutes: number;
  timeoutMs: number;
  targetIdempotent: boolean;
  createdAt: string;
  updatedAt: string;
};

function toConfigView(row: ActionRow): ActionConfigView {
  return {
    id: row.id,
    rolloutId: row.rolloutId,
    kind: row.kind,
    name: row.name,
    method: row.method,
    url: row.url,
    headers: maskedHeaders(row),
    bodyTemplate: row.bodyTemplate,
    allowedRoles: row.allowedRoles,
    requiresSecondApprover: row.requiresSecondApprover,
    approvalWindowMinutes: row.approvalWindowMinutes,
    timeoutMs: row.timeoutMs,
    targetIdempotent: row.targetIdempotent,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function assertConfigValid(config: { kind: string; method: string; url: string; bodyTemplate: string | null; headers: { name: string; secret: boolean; value?: string }[] }) {
  const fields = actionConfigIssues(config);
  // The outbound policy (lib/net/outbound-policy.ts) is applied again at call time, after DNS.
  const problem = outboundUrlProblem(config.url);
  if (problem) fields.url = [`is not allowed: ${problem}`];
  const names = Object.keys(fields);
  if (names.length) throw badRequest(`Invalid ${names.join(", ")}: ${fields[names[0]!]![0]}`, fields);
}

/** The action, not deleted (404 otherwise); inside a transaction, as that transaction sees it. */
export async function loadAction(actionId: string, tx: DbTx = getDb()): Promise<ActionRow> {
  const action = await tx.action.findUnique({ where: { id: actionId }, select: actionConfigSelect });
  if (!action || action.deletedAt) throw notFound("Action");
  return action;
}

/** The rollout's first action of a kind that is not deleted (the one a promotion or an automatic rollback uses). */
export function findFirstAction(rolloutId: string, kind: ActionRow["kind"]): Promise<ActionRow | null> {
  return getDb().action.findFirst({ where: { rolloutId, kind, deletedAt: null }, select: actionConfigSelect, orderBy: { createdAt: "asc" } });
}

function summaryOf(row: ActionSummary): ActionSummary {
  const { id, kind, name, allowedRoles, requiresSecondApprover, approvalWindowMinutes } = row;
  return { id, kind, name, allowedRoles, requiresSecondApprover, approvalWindowMinutes } satisfies Record<keyof typeof actionSummarySelect, unknown>;
}

export async function listActionConfigs(principal: UserPrincipal, rolloutId: string): Promise<ActionConfigView[]> {
  if (!can(principal.role, "action.configure")) throw forbidden("Only an admin can see action configuration");
  const rollout = await getDb().rollout.findUnique({ where: { id: rolloutId }, select: { id: true } });
  if (!rollout) throw notFound("Rollout");
  const rows = await getDb().action.findMany({ where: { rolloutId, deletedAt: null }, select: actionConfigSelect, orderBy: { createdAt: "asc" } });
  return rows.map(toConfigView);
}

export async function getActionConfig(principal: UserPrincipal, actionId: string): Promise<ActionConfigView> {
  if (!can(principal.role, "action.configure")) throw forbidden("Only an admin can see action configuration");
  return toConfigView(await loadAction(actionId));
}

type CreateActionData = z.output<typeof createActionSchema>;

export async function createAction(principal: UserPrincipal, rolloutId: string, input: CreateActionData): Promise<ActionConfigView> {
  if (!can(principal.role, "action.configure")) throw forbidden("Only an admin can configure actions");
  return insertAction(actorOf(principal), rolloutId, input);
}

/** The demo seed's actions, recorded as War Room's own change. */
export function createSeedAction(rolloutId: string, input: CreateActionData): Promise<ActionConfigView> {
  return insertAction(SYSTEM_ACTOR, rolloutId, input);
}

async function insertAction(actor: Actor, rolloutId: string, input: CreateActionData): Promise<ActionConfigView> {
  assertConfigValid(input);
  const stored = headersToStore(null, input.headers);
  const { result } = await changeRollout(rolloutId, actor, async (tx, record) => {
    const row = await tx.action.create({
      data: {
        rolloutId,
        kind: input.kind,
        name: input.name,
        method: input.method,
        url: input.url,
        headers: stored.headers,
        secretHeaders: stored.secretHeaders,
        bodyTemplate: input.bodyTemplate,
        allowedRoles: input.allowedRoles,
        requiresSecondApprover: input.requiresSecondApprover,
        approvalWindowMinutes: input.approvalWindowMinutes,
        timeoutMs: input.timeoutMs,
        targetIdempotent: input.targetIdempotent,
      },
      select: actionConfigSelect,
    });
    await record("action.created", { action: summaryOf(row) });
    return toConfigView(row);
  });
  return result;
}

export async function updateAction(principal: UserPrincipal, actionId: string, input: UpdateActionInput): Promise<ActionConfigView> {
  if (!can(principal.role, "action.configure")) throw forbidden("Only an admin can configure actions");
  const current = await loadAction(actionId);
  assertConfigValid({
    kind: input.kind ?? current.kind,
    method: input.method ?? current.method,
    url: input.url ?? current.url,
    bodyTemplate: input.bodyTemplate !== undefined ? input.bodyTemplate : current.bodyTemplate,
    headers: input.headers ?? maskedHeaders(current),
  });
  const { result } = await changeRollout(current.rolloutId, actorOf(principal), async (tx, record) => {
    // Re-read under the rollout lock: secrets kept by name must be the ones stored now.
    const locked = await loadAction(actionId, tx);
    const stored = headersAfterUpdate(locked, input);
    const { headers: _headers, ...fields } = input;
    const row = await tx.action.update({
      where: { id: actionId },
      data: { ...fields, ...(stored ? { headers: stored.headers, secretHeaders: stored.secretHeaders } : {}) },
      select: actionConfigSelect,
    });
    await record("action.updated", { action: summaryOf(row) });
    return toConfigView(row);
  });
  return result;
}

/** Hides the action and stops it from running; its runs stay on record. */
export async function deleteAction(principal: UserPrincipal, actionId: string): Promise<void> {
  if (!can(principal.role, "action.configure")) throw forbidden("Only an admin can configure actions");
  const current = await loadAction(actionId);
  await changeRollout(current.rolloutId, actorOf(principal), async (tx, record) => {
    await loadAction(actionId, tx);
    await tx.action.update({ where: { id: actionId }, data: { deletedAt: new Date() } });
    await record("action.deleted", { actionId, name: current.name });
  });
}
