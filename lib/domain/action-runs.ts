import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { appMetrics } from "@/lib/observability/metrics";
import { getDb, type DbTx } from "@/lib/db/client";
import type { ActionRunStatus } from "@/lib/db/generated/enums";
import type { Prisma } from "@/lib/db/generated/client";
import { actorOf, type Actor, type UserPrincipal } from "@/lib/auth/principal";
import { can, canRunAction } from "@/lib/auth/permissions";
import { callTarget, checkReachable, type Reachability } from "@/lib/actions/call-target";
import { buildRequest, secretFragments, type OutboundRequest } from "@/lib/actions/request";
import type { ActionParams, DryRunActionInput, RejectActionRunInput, RunActionInput } from "@/lib/schemas/actions";
import { actionConfigSelect, findFirstAction, loadAction, type ActionRow } from "./action-configs";
import { requesterRecord, type Requester } from "./action-requester";
import { decryptHeaders } from "./action-secret-headers";
import { conflict, DomainError, forbidden, notFound } from "./errors";
import { changeRollout, type RecordEvent } from "./events";
import { canonicalJson, jsonify } from "./json";
import { actionRunDetailSelect, actionRunSelect, phaseSelect, rolloutSummarySelect, type ActionRunDetailView, type ActionRunView, type PhaseView, type RolloutSummary } from "./selects";

// Action runs: running a configured action (action-configs.ts), with the two-person rule's approvals.
//
// Running one is two transactions around one outbound call, never a call inside a transaction:
//   1. changeRollout: the run is recorded (RUNNING, or PENDING_APPROVAL under the two-person rule) with the
//      request as sent, secrets masked, and an `action.run.started` / `.requested` event;
//   2. the target is called (timeout, bounded retries, Idempotency-Key), outside any transaction;
//   3. changeRollout: the outcome and an `action.run.finished` event (a successful ROLLBACK also marks the
//      rollout and its running phase ROLLED_BACK), recorded once: it finds the run still RUNNING or records
//      nothing (a retry after a lost commit reply, a run the reaper marked INTERRUPTED: action-reaper.ts).
// The same Idempotency-Key for the same action and requester returns the existing run (ActionRun's unique key),
// so a retried request never calls the target twice. Secret header values (action-secret-headers.ts) are
// decrypted only to build the outbound request.

export type ActionRunResult = { run: ActionRunDetailView; replayed: boolean };
export type DryRunResult = { request: OutboundRequest; reachability: Reachability; needsApproval: boolean };

function assertMayRun(principal: UserPrincipal, action: ActionRow) {
  if (!can(principal.role, "action.run")) throw forbidden(`Your role (${principal.role}) cannot run actions`);
  if (!canRunAction(principal.role, action)) throw forbidden(`"${action.name}" can be run by ${action.allowedRoles.join(", ")} only`);
}

export const runSummary = ({ request: _request, responseExcerpt: _excerpt, ...summary }: ActionRunDetailView): ActionRunView => summary;

/** The events that say a run changed status; each carries the run's summary (and a rollback's rollout and phases). */
type RunEventType = "action.run.approved" | "action.run.finished" | "action.run.rejected" | "action.run.expired" | "action.run.interrupted";

/**
 * Moves a run out of status `from`, inside a change, and records the event that says so: a conditional update,
 * so a run no longer in `from` (finished meanwhile, interrupted by the reaper, recorded already by an attempt whose
 * commit reply was lost) is left as it is and no event is appended. `alongside` runs after the update, only when
 * the run moved, and adds its result to the event. Returns the moved run, or null when it was not in `from`.
 */
export async function moveRun(
  tx: DbTx,
  record: RecordEvent,
  runId: string,
  from: ActionRunStatus,
  to: { data: Prisma.ActionRunUncheckedUpdateManyInput; event: RunEventType; alongside?: () => Promise<{ rollout: RolloutSummary; phases: PhaseView[] } | null> },
): Promise<ActionRunDetailView | null> {
  const { count } = await tx.actionRun.updateMany({ where: { id: runId, status: from }, data: to.data });
  if (count === 0) return null;
  const moved = jsonify(await tx.actionRun.findUniqueOrThrow({ where: { id: runId }, select: actionRunDetailSelect }));
  const also = to.alongside ? await to.alongside() : null;
  await record(to.event, { run: runSummary(moved), ...(also ?? {}) });
  return moved;
}

/** The conflict of approving or rejecting a run that is no longer waiting for approval. */
const notWaitingForApproval = (status: ActionRunStatus, run?: ActionRunDetailView) =>
  conflict(`This run is ${status.toLowerCase().replace("_", " ")}, not waiting for approval`, run ? { run } : undefined);

/** Runs an action as the caller: 201 with the finished run, or the existing run for a repeated Idempotency-Key. */
export async function requestActionRun(principal: UserPrincipal, actionId: string, input: RunActionInput): Promise<ActionRunResult> {
  const action = await loadAction(actionId);
  assertMayRun(principal, action);
  return startRun(action, principal, { reason: input.reason, params: input.params, idempotencyKey: input.idempotencyKey ?? randomUUID() });
}

/** What a run is asked to do: its reason and parameters, under an idempotency key. */
type RunRequest = { reason: string; params: ActionParams; idempotencyKey: string };

/** The fields every new run row starts with. */
const newRunRow = (action: ActionRow, requestedById: string | null, run: RunRequest, now: Date) => ({
  actionId: action.id,
  rolloutId: action.rolloutId,
  requestedById,
  reason: run.reason,
  params: run.params,
  createdAt: now,
});

async function startRun(action: ActionRow, requester: Requester, run: RunRequest): Promise<ActionRunResult> {
  const headers = decryptHeaders(action);
  // Renders (and so validates the params) before anything is recorded: a 400 leaves no trace.
  const rendered = buildRequest(action, headers, { percentage: run.params.percentage, reason: run.reason }, run.idempotencyKey);
  const who = requesterRecord(requester);
  const needsApproval = action.requiresSecondApprover && who.twoPersonRule;

  const { result } = await changeRollout(action.rolloutId, who.actor, async (tx, record) => {
    const existing = await tx.actionRun.findUnique({
      where: { actionId_idempotencyKey: { actionId: action.id, idempotencyKey: run.idempotencyKey } },
      select: actionRunDetailSelect,
    });
    if (existing) {
      // A key is the requester's own: someone else's replay must not get (or learn of) their run.
      if ((existing.requestedBy?.id ?? null) !== who.userId) throw conflict("This Idempotency-Key was already used by someone else for this action; use a new one");
      if (existing.reason !== run.reason || canonicalJson(existing.params) !== canonicalJson(run.params)) {
        throw conflict("This Idempotency-Key was already used for a different request to this action", { run: jsonify(existing) });
      }
      if (existing.status !== "INTERRUPTED") return { run: existing, replayed: true };
      // The server stopped during that run (lib/domain/action-reaper.ts): its outcome is unknown, so the same
      // key may run again (the target sees the same Idempotency-Key). The old run keeps a retired key.
      await tx.actionRun.update({ where: { id: existing.id }, data: { idempotencyKey: `${run.idempotencyKey}~interrupted~${existing.id}` } });
    }
    await loadAction(action.id, tx); // not deleted in the meantime
    const now = new Date();
    // A rehearsal never calls the real target: its runs are recorded as dry runs (what would have been sent).
    const rehearsal = (await tx.rollout.findUniqueOrThrow({ where: { id: action.rolloutId }, select: { isRehearsal: true } })).isRehearsal;
    if (rehearsal) {
      const dry = await tx.actionRun.create({
        data: { ...newRunRow(action, who.userId, run, now), status: "DRY_RUN", idempotencyKey: run.idempotencyKey, request: rendered.shown, startedAt: now, finishedAt: now },
        select: actionRunDetailSelect,
      });
      await record("action.run.finished", { run: runSummary(jsonify(dry)) });
      return { run: dry, replayed: false };
    }
    const created = await tx.actionRun.create({
      data: {
        ...newRunRow(action, who.userId, run, now),
        status: needsApproval ? "PENDING_APPROVAL" : "RUNNING",
        idempotencyKey: run.idempotencyKey,
        request: rendered.shown,
        startedAt: needsApproval ? null : now,
        expiresAt: needsApproval ? new Date(now.getTime() + action.approvalWindowMinutes * 60_000) : null,
      },
      select: actionRunDetailSelect,
    });
    const view = jsonify(created);
    await record(needsApproval ? "action.run.requested" : "action.run.started", { run: runSummary(view) });
    return { run: created, replayed: false };
  });

  const recorded = jsonify(result.run);
  if (result.replayed || recorded.status !== "RUNNING") return { run: recorded, replayed: result.replayed };
  return { run: await executeRun(action, recorded.id, who.actor, rendered.real, secretFragments(headers)), replayed: false };
}

/** Calls the target (outside any transaction) and records the outcome. */
async function executeRun(action: ActionRow, runId: string, actor: Actor, request: OutboundRequest, secrets: string[]): Promise<ActionRunDetailView> {
  const outcome = await callTarget(request, { timeoutMs: action.timeoutMs, secrets, targetIdempotent: action.targetIdempotent });
  appMetrics().actionRuns.inc({ kind: action.kind, outcome: outcome.ok ? "succeeded" : "failed" });
  // The target has been called: recording what happened must not be lost to a passing database hiccup.
  for (let attempt = 1; ; attempt++) {
    try {
      const { result } = await changeRollout(action.rolloutId, actor, async (tx, record) => {
        // Recorded once: a retry after a commit whose reply was lost, or a run the reaper already marked
        // INTERRUPTED, finds it no longer RUNNING and records nothing more.
        const finished = await moveRun(tx, record, runId, "RUNNING", {
          data: {
            status: outcome.ok ? "SUCCEEDED" : "FAILED",
            responseStatus: outcome.status,
            responseExcerpt: outcome.excerpt,
            error: outcome.error,
            attempts: outcome.attempts,
            durationMs: outcome.durationMs,
            finishedAt: new Date(),
          },
          event: "action.run.finished",
          alongside: action.kind === "ROLLBACK" && outcome.ok ? () => markRolledBack(tx, action.rolloutId) : undefined,
        });
        return finished ?? jsonify(await tx.actionRun.findUniqueOrThrow({ where: { id: runId }, select: actionRunDetailSelect }));
      });
      return result;
    } catch (error) {
      if (attempt >= 3 || error instanceof DomainError) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** A successful rollback ends a running rollout: it and its running phase become ROLLED_BACK. */
async function markRolledBack(tx: DbTx, rolloutId: string) {
  const rollout = await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId }, select: { status: true } });
  if (rollout.status !== "ACTIVE" && rollout.status !== "PAUSED") return null;
  const now = new Date();
  const running = await tx.phase.findMany({ where: { rolloutId, status: { in: ["ACTIVE", "PAUSED"] } }, select: { id: true } });
  const ids = running.map((p) => p.id);
  await tx.phase.updateMany({ where: { id: { in: ids } }, data: { status: "ROLLED_BACK", endedAt: now } });
  const updated = await tx.rollout.update({ where: { id: rolloutId }, data: { status: "ROLLED_BACK", endedAt: now }, select: rolloutSummarySelect });
  const phases = await tx.phase.findMany({ where: { id: { in: ids } }, select: phaseSelect });
  return { rollout: jsonify(updated), phases: jsonify(phases) };
}

/** A finished run that failed, as the error a client should see (502, the run attached); null otherwise. */
export function failedRunError(run: ActionRunDetailView): DomainError | null {
  if (run.status !== "FAILED") return null;
  return new DomainError("bad_gateway", 502, `${run.action.name} failed: ${run.error ?? "the target did not succeed"}`, undefined, { run });
}

/** The second person of a two-person rule: not the requester, within the approval window. Then it runs. */
export async function approveActionRun(principal: UserPrincipal, runId: string): Promise<ActionRunDetailView> {
  if (!can(principal.role, "action.approve")) throw forbidden(`Your role (${principal.role}) cannot approve actions`);
  const found = await getDb().actionRun.findUnique({ where: { id: runId }, select: { actionId: true, rolloutId: true } });
  if (!found) throw notFound("Action run");
  const action = await getDb().action.findUnique({ where: { id: found.actionId }, select: actionConfigSelect });
  if (!action || action.deletedAt) throw conflict("The action was deleted after this run was requested");
  const headers = decryptHeaders(action);

  const { result } = await changeRollout(found.rolloutId, actorOf(principal), async (tx, record) => {
    const run = jsonify(await tx.actionRun.findUniqueOrThrow({ where: { id: runId }, select: actionRunDetailSelect }));
    if (run.status !== "PENDING_APPROVAL") throw notWaitingForApproval(run.status, run);
    if (run.requestedBy?.id === principal.userId) throw forbidden("You requested this run: another commander or admin must approve it");
    // Checked again under the rollout's lock: a delete that committed after the read above stops the run.
    const live = await tx.action.findUnique({ where: { id: action.id }, select: { deletedAt: true } });
    if (!live || live.deletedAt) throw conflict("The action was deleted after this run was requested", { run });
    if (run.expiresAt && new Date(run.expiresAt).getTime() <= Date.now()) {
      const expired = await moveRun(tx, record, runId, "PENDING_APPROVAL", { data: { status: "EXPIRED", finishedAt: new Date() }, event: "action.run.expired" });
      return { expired: expired ?? run };
    }
    const params = (run.params ?? {}) as ActionParams;
    const rendered = buildRequest(action, headers, { percentage: params.percentage, reason: run.reason }, run.idempotencyKey);
    if (canonicalJson(rendered.shown) !== canonicalJson(run.request)) {
      throw conflict("The action was reconfigured after this run was requested; request it again", { run });
    }
    const approved = await moveRun(tx, record, runId, "PENDING_APPROVAL", {
      data: { status: "RUNNING", approvedById: principal.userId, startedAt: new Date() },
      event: "action.run.approved",
    });
    if (!approved) throw conflict("This run changed while it was being approved; look at it again", { run });
    return { approved, rendered };
  });
  if ("expired" in result) throw conflict("The approval window has passed; the run expired. Request it again.", { run: result.expired });
  return executeRun(action, runId, actorOf(principal), result.rendered.real, secretFragments(headers));
}

/** Turns down a pending run (a commander or admin, or the requester withdrawing it). */
export async function rejectActionRun(principal: UserPrincipal, runId: string, input: RejectActionRunInput): Promise<ActionRunDetailView> {
  const found = await getDb().actionRun.findUnique({ where: { id: runId }, select: { rolloutId: true, requestedById: true } });
  if (!found) throw notFound("Action run");
  if (!can(principal.role, "action.approve") && found.requestedById !== principal.userId) throw forbidden(`Your role (${principal.role}) cannot reject actions`);
  const { result } = await changeRollout(found.rolloutId, actorOf(principal), async (tx, record) => {
    const rejected = await moveRun(tx, record, runId, "PENDING_APPROVAL", {
      data: { status: "REJECTED", finishedAt: new Date(), error: `Rejected by ${principal.name}${input.reason ? `: ${input.reason}` : ""}` },
      event: "action.run.rejected",
    });
    if (rejected) return rejected;
    const { status } = await tx.actionRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    throw notWaitingForApproval(status);
  });
  return result;
}

/**
 * What a run would send, secret values masked, and whether the target's host and port accept a connection.
 * Nothing is recorded and the action's route is not called.
 */
export async function dryRunAction(principal: UserPrincipal, actionId: string, input: DryRunActionInput): Promise<DryRunResult> {
  const action = await loadAction(actionId);
  assertMayRun(principal, action);
  const headers = decryptHeaders(action);
  const rendered = buildRequest(action, headers, { percentage: input.params.percentage, reason: input.reason ?? "" }, input.idempotencyKey ?? "(a new key for each run)");
  const reachability = await checkReachable(action.url, Math.min(action.timeoutMs, 5000));
  return { request: rendered.shown, reachability, needsApproval: action.requiresSecondApprover };
}

/** Every run of the rollout, newest first: with the request sent and the response excerpt for those who may run actions. */
export async function listActionRuns(principal: UserPrincipal, rolloutId: string): Promise<(ActionRunView | ActionRunDetailView)[]> {
  const rollout = await getDb().rollout.findUnique({ where: { id: rolloutId }, select: { id: true } });
  if (!rollout) throw notFound("Rollout");
  const detailed = can(principal.role, "action.run");
  const rows = await getDb().actionRun.findMany({
    where: { rolloutId },
    select: detailed ? actionRunDetailSelect : actionRunSelect,
    orderBy: { createdAt: "desc" },
    take: 500,
  });
  return jsonify(rows);
}

// ---------------------------------------------------------------------------------------------------------
// Runs that other domain functions start

/** The action a promotion uses to move traffic: the rollout's first SET_TRAFFIC action, if any. */
export async function findTrafficAction(rolloutId: string): Promise<ActionRow | null> {
  return findFirstAction(rolloutId, "SET_TRAFFIC");
}

export function assertMayRunTrafficAction(principal: UserPrincipal, action: ActionRow) {
  if (!canRunAction(principal.role, action)) {
    throw forbidden(`Entering a phase sets traffic through "${action.name}", which ${action.allowedRoles.join(", ")} may run, not ${principal.role}`);
  }
}

/**
 * Sets traffic to the phase's % as the caller; the key `phase:<phaseId>` makes it once per phase entry. Called
 * after the phase change has committed, so it never throws: a call that cannot even be prepared (secrets that
 * no longer decrypt, the action deleted meanwhile, a key clash) becomes a FAILED run, and the caller's answer
 * still says the phase changed.
 */
export async function runTrafficActionForPhase(principal: UserPrincipal, action: ActionRow, phase: { id: string; name: string; trafficPercent: number }, reason: string) {
  const run: RunRequest = { reason, params: { percentage: phase.trafficPercent }, idempotencyKey: `phase:${phase.id}` };
  try {
    return (await startRun(action, principal, run)).run;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return recordUnpreparedRun(action, principal, run, error);
  }
}

/** A run that could not be prepared, recorded as FAILED (with a key of its own) so the room sees why. */
async function recordUnpreparedRun(action: ActionRow, requester: Requester, run: RunRequest, error: DomainError) {
  const who = requesterRecord(requester);
  const { result } = await changeRollout(action.rolloutId, who.actor, async (tx, record) => {
    const now = new Date();
    const failed = jsonify(
      await tx.actionRun.create({
        data: {
          ...newRunRow(action, who.userId, run, now),
          status: "FAILED",
          idempotencyKey: `${run.idempotencyKey}~not-sent~${randomUUID()}`,
          error: `Not called: ${error.message}`,
          startedAt: now,
          finishedAt: now,
        },
        select: actionRunDetailSelect,
      }),
    );
    await record("action.run.finished", { run: runSummary(failed) });
    return failed;
  });
  return result;
}

/** The idempotency key of an automatic rollback: one run per rollout and reason, whoever asks and how often. */
export function automaticRollbackKey(rolloutId: string, reason: string): string {
  return `auto-rollback:${createHash("sha256").update(`${rolloutId}\n${reason}`).digest("hex").slice(0, 32)}`;
}

/**
 * Runs the rollout's ROLLBACK action (its first, if several) as War Room itself (SYSTEM_ACTOR), without the
 * two-person rule or role checks: the caller is the gate evaluator, not a person. Idempotent per reason: the
 * key is automaticRollbackKey(rolloutId, reason) = "auto-rollback:" + the first 32 hex digits of
 * sha256(`${rolloutId}\n${reason}`), so calling it again with the same reason (say, on every evaluation while
 * a trigger fires) returns the first run instead of calling the target again. Give a reason that names the
 * trigger (and, to allow a second rollback for a later firing, when it started firing).
 *
 * Returns the run (finished, or RUNNING when another call is running it), or null when the rollout has no
 * rollback action.
 */
export async function runAutomaticRollback(rolloutId: string, reason: string): Promise<ActionRunDetailView | null> {
  const action = await findFirstAction(rolloutId, "ROLLBACK");
  if (!action) return null;
  const { run } = await startRun(action, { kind: "system", reason: "auto-rollback" }, { reason, params: {}, idempotencyKey: automaticRollbackKey(rolloutId, reason) });
  return run;
}
