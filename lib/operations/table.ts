import "server-only";
import { z } from "zod";
import { actorOf } from "@/lib/auth/principal";
import { visibleRolloutIds } from "@/lib/auth/token-scope";
import { principalFromBearer } from "@/lib/auth/session";
import { createAction, deleteAction, getActionConfig, listActionConfigs, updateAction } from "@/lib/domain/action-configs";
import { approveActionRun, dryRunAction, failedRunError, listActionRuns, rejectActionRun, requestActionRun } from "@/lib/domain/action-runs";
import { updateItem } from "@/lib/domain/checklists";
import { setAutoRollback } from "@/lib/domain/criteria";
import { badRequest, forbidden, notFound } from "@/lib/domain/errors";
import { listEventsAfter } from "@/lib/domain/events";
import { isDatabaseReachable } from "@/lib/domain/health";
import { getMetricSeries, pushSamples } from "@/lib/domain/metric-samples";
import { abortRollout, pausePhase, promotePhase, resumePhase, startRollout } from "@/lib/domain/phases";
import { getPublicStatus, toPublicEvent } from "@/lib/domain/public-view";
import { applyPlanEdit } from "@/lib/domain/plan-edits";
import { getRehearsalReport, rebaselineFromRehearsal } from "@/lib/domain/rehearsals";
import { cloneRollout, createRehearsal, updateRollout } from "@/lib/domain/rollout-copies";
import { createRolloutFromDraft, getRolloutState, listRollouts } from "@/lib/domain/rollouts";
import { testTileSource } from "@/lib/domain/tile-test";
import { getRolloutReport, importRunbook } from "@/lib/domain/runbooks";
import { recordSignOff } from "@/lib/domain/signoffs";
import { createTile, deleteTile, listTileConfigs, updateTile } from "@/lib/domain/tiles";
import { createOwnApiToken, createShareToken, listOwnApiTokens, listShareTokens, revokeOwnApiToken, revokeShareToken } from "@/lib/domain/tokens";
import { acceptInvitation, createInvitation, listInvitations, revokeInvitation } from "@/lib/domain/invitations";
import { changeOwnPassword, createUserAsAdmin, getUser, listUsers, updateUser } from "@/lib/domain/users";
import { can } from "@/lib/auth/permissions";
import { emitUnloggedEvent, publishVolatile } from "@/lib/realtime/publisher";
import { exportRunbookMarkdown } from "@/lib/runbook/export-markdown";
import { approveActionRunSchema, createActionSchema, dryRunActionSchema, idempotencyKeySchema, rejectActionRunSchema, runActionSchema, updateActionSchema } from "@/lib/schemas/actions";
import { updateItemSchema } from "@/lib/schemas/checklist";
import { idSchema } from "@/lib/schemas/common";
import { eventEnvelopeSchema, eventsQuerySchema } from "@/lib/schemas/events";
import { pushMetricsSchema, seriesQuerySchema, tileConfigSchema, updateCriterionSchema, updateTileSchema } from "@/lib/schemas/metrics";
import { abortRolloutSchema, pausePhaseSchema, promotePhaseSchema, resumePhaseSchema, startRolloutSchema } from "@/lib/schemas/phases";
import { cloneRolloutSchema, createRehearsalSchema, planEditSchema, rebaselineSchema, updateRolloutSchema } from "@/lib/schemas/plan";
import { importRunbookSchema } from "@/lib/schemas/import-plan";
import { runbookDraftSchema } from "@/lib/schemas/runbook";
import { createShareLinkSchema } from "@/lib/schemas/share";
import { acceptInvitationSchema, changePasswordSchema, createInvitationSchema, createTokenSchema, createUserSchema, updateUserSchema } from "@/lib/schemas/users";
import { recordSignOffSchema } from "@/lib/schemas/signoff";
import { notificationOperations } from "./notifications";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi";
import { defineOperation as op, Reply, type Operation } from "./operation";

// THE TABLE OF OPERATIONS: every route under app/api (but next-auth's) and every socket command is one row.
// To add an operation: add a row here, then `export const METHOD = routeFor(operations["row.name"])` in the
// route file at app + path. lib/operations/openapi.db.test.ts names any route file or method missing here.

let openApiDocument: OpenApiDocument | undefined;
const byId = z.object({ id: idSchema });
const METRICS_WINDOW_MS = 90 * 24 * 3600 * 1000;

/** The run's key from the `Idempotency-Key` header or the body's `idempotencyKey` (they must agree when both are given). */
function idempotencyKeyOf(headers: Headers, fromBody: string | undefined): string | undefined {
  const header = headers.get("idempotency-key");
  if (header === null) return fromBody;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw badRequest(`Invalid Idempotency-Key header: ${parsed.error.issues[0]?.message ?? "bad value"}`, { "Idempotency-Key": parsed.error.issues.map((i) => i.message) });
  if (fromBody !== undefined && fromBody !== parsed.data) {
    throw badRequest("The Idempotency-Key header and the body's idempotencyKey differ", { "Idempotency-Key": ["differs from body.idempotencyKey"] });
  }
  return parsed.data;
}

/** An attachment header with an ASCII file name and the real one (RFC 6266 / 5987) for browsers that read it. */
function attachment(fileName: string): string {
  const ascii = fileName
    .normalize("NFKD")
    .replace(/[^\w. -]+/g, "")
    .replace(/\s+/g, "-")
    .replace(/-+/g, "-")
    .toLowerCase();
  return `attachment; filename="${ascii || "go-live-report.md"}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

// A bench-only route: the same HTTP request, auth and io.to(room).emit as a tick, minus the database.
const benchEmitSchema = z.union([
  z.object({ envelope: eventEnvelopeSchema }).strict(),
  z.object({ live: z.object({ rolloutId: z.string(), channel: z.string(), payload: z.unknown() }).strict() }).strict(),
]);


export const operations = {
  "health.get": op({
    method: "GET",
    path: "/api/health",
    summary: "Liveness and database reachability, for load balancers and `npm start`'s readiness check (503 while the database is down).",
    access: { public: true },
    run: async () =>
      (await isDatabaseReachable()) ? { status: "ok", db: "ok" } : new Reply({ status: "degraded", db: "unavailable" }, { status: 503 }),
  }),

  // Rollouts
  "rollouts.list": op({
    method: "GET",
    path: "/api/v1/rollouts",
    summary: "Every rollout, newest first.",
    access: { permission: "rollout.read" },
    touches: { list: true },
    // A token limited to some rollouts lists only those.
    run: async ({ caller }) => ({ rollouts: await listRollouts({ onlyIds: visibleRolloutIds(caller) }) }),
  }),
  "rollouts.create": op({
    method: "POST",
    path: "/api/v1/rollouts",
    summary:
      "Create a rollout from a structured runbook (sections, items, phases, gates, contacts), or from scratch with only `name`, `service`, `plannedStartAt` and `description` (the rest is added by editing the plan). ADMIN only.",
    access: { permission: "rollout.configure" },
    body: runbookDraftSchema.extend({ sections: runbookDraftSchema.shape.sections.default([]), plannedStartAt: z.iso.datetime({ offset: true }).optional() }),
    maxBodyBytes: 1024 * 1024,
    status: 201,
    run: async ({ caller, body }) => {
      const { plannedStartAt, ...draft } = body;
      const rollout = await createRolloutFromDraft(draft, actorOf(caller), { plannedStartAt: plannedStartAt ? new Date(plannedStartAt) : undefined });
      return getRolloutState(rollout.id);
    },
  }),
  "rollouts.import": op({
    method: "POST",
    path: "/api/v1/rollouts/import",
    summary:
      "Import a runbook as a new rollout, ADMIN only: `{ markdown, name? }` → 201 `{ rollout, summary }`; `{ markdown, dryRun: true }` → 200 `{ dryRun, plan, summary }`, storing nothing (the plan it would create, each element with its source lines and the reason it was read so); `{ plan, name? }` (that plan, reviewed and edited) → 201 `{ rollout, summary }`. The summary equals what was stored. Empty, binary or non-Markdown text, and a runbook over 1 MB, are 400 naming `markdown`.",
    access: { permission: "rollout.configure" },
    body: importRunbookSchema,
    // The body may be larger than the runbook (JSON escapes), so it is capped higher and still answered with that 400.
    maxBodyBytes: 6 * 1024 * 1024,
    tooLarge: { field: "markdown", message: "The runbook is larger than 1 MB" },
    status: 201,
    run: async ({ caller, body }) => {
      const result = await importRunbook(caller, body);
      // A dry run stores nothing: 200, not 201.
      return "dryRun" in result ? new Reply(result, { status: 200 }) : result;
    },
  }),
  "rollouts.get": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}",
    summary: "The whole rollout as the war room shows it, with the `lastSeq` it is consistent with.",
    access: { permission: "rollout.read" },
    touches: { id: "rollout" },
    params: byId,
    run: ({ params }) => getRolloutState(params.id),
  }),
  "rollouts.events": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/events",
    summary: "Events after `after`, oldest first: how a client that missed some catches up. Share tokens get the public form.",
    access: { rolloutRead: true },
    touches: { id: "rollout" },
    params: byId,
    query: eventsQuerySchema,
    run: async ({ caller, params, query }) => {
      const page = await listEventsAfter(params.id, query.after, query.limit);
      return caller.kind === "share" ? { ...page, events: page.events.map(toPublicEvent) } : page;
    },
  }),
  "rollouts.metrics": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/metrics",
    summary: "Each tile's latest reading and its series since `since` (default 30 min), downsampled for long windows.",
    access: { rolloutRead: true },
    touches: { id: "rollout" },
    params: byId,
    query: seriesQuerySchema,
    run: async ({ params, query }) => {
      const now = new Date();
      const since = query.since ? new Date(query.since) : undefined;
      if (since && (since.getTime() > now.getTime() || now.getTime() - since.getTime() > METRICS_WINDOW_MS)) {
        throw badRequest("since must be in the past 90 days", { since: ["must be in the past 90 days"] });
      }
      return getMetricSeries(params.id, { since, now });
    },
  }),
  "rollouts.export": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/export.md",
    summary:
      "The go-live report as a Markdown download: the runbook with every item's state, who ticked it and when, sign-offs, phase verdicts, actions run and the timeline. Importing it gives back the same runbook.",
    access: { permission: "rollout.read" },
    touches: { id: "rollout" },
    params: byId,
    produces: "text/markdown",
    run: async ({ caller, params }) => {
      const report = await getRolloutReport(caller, params.id);
      return new Response(exportRunbookMarkdown(report), {
        status: 200,
        headers: {
          "content-type": "text/markdown; charset=utf-8",
          "content-disposition": attachment(`${report.state.rollout.name} go-live report.md`),
          "cache-control": "no-store",
        },
      });
    },
  }),

  // Planning: the rollout's settings, edits of its plan, copies, templates, rehearsals
  "rollouts.update": op({
    method: "PATCH",
    path: "/api/v1/rollouts/{id}",
    summary: "Name, service, T0 (`plannedStartAt`), description; `isTemplate`; `archived` (an archived rollout's plan is read-only). ADMIN only.",
    access: { permission: "rollout.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: updateRolloutSchema,
    run: async ({ caller, params, body }) => ({ rollout: await updateRollout(caller, params.id, body) }),
  }),
  "rollouts.plan": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/plan",
    summary:
      "One edit of the plan, `op` naming it: section.add|edit|move|delete, item.add|edit|mark|move|delete, phase.add|edit|move|remove, criterion.add|edit|remove, gate.add|edit|remove, contact.add|edit|remove, undo. Checklist edits ENGINEER+, the rest COMMANDER, ADMIN. 409 with the rule's reason when lib/domain/edit-rules.ts forbids it at this point; a removal answers `undo: { seq, until }`.",
    // The checklist's permission lets the edit be read; the edit's own permission is checked by the domain function.
    access: { permission: "plan.checklist" },
    touches: { id: "rollout" },
    params: byId,
    body: planEditSchema,
    command: { type: "plan.edit", target: "rolloutId" },
    run: ({ caller, params, body }) => applyPlanEdit(caller, params.id, body),
  }),
  "rollouts.clone": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/clone",
    summary: "A new rollout (or template, `asTemplate`) with this one's structure: open items, pending phases, unsigned gates, tiles without readings, actions without runs. ADMIN only.",
    access: { permission: "rollout.configure" },
    params: byId,
    body: cloneRolloutSchema,
    status: 201,
    run: async ({ caller, params, body }) => getRolloutState((await cloneRollout(caller, params.id, body)).id),
  }),
  "rollouts.rehearse": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/rehearsals",
    summary: "A copy of this rollout in rehearsal mode: its actions are dry runs, notifications are off, every surface says REHEARSAL. COMMANDER, ADMIN.",
    access: { permission: "rollout.rehearse" },
    params: byId,
    body: createRehearsalSchema,
    status: 201,
    run: async ({ caller, params, body }) => getRolloutState((await createRehearsal(caller, params.id, body)).id),
  }),
  "rollouts.rehearsalReport": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/rehearsal-report",
    summary: "For a rehearsal: planned against actual per item, gate and phase (what ran late, which gates waited longest). 400 for a rollout that is not a rehearsal.",
    access: { permission: "rollout.read" },
    touches: { id: "rehearsal" },
    params: byId,
    run: async ({ params }) => ({ report: await getRehearsalReport(params.id) }),
  }),
  "rollouts.rebaseline": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/rebaseline",
    summary: "`{id}` is a rehearsal: writes its measured item times (as due T±) and phase durations (as minimum durations of phases still ahead) to the plan it rehearsed. COMMANDER, ADMIN.",
    access: { permission: "rollout.rehearse" },
    touches: { id: "rehearsal" },
    params: byId,
    body: rebaselineSchema,
    run: ({ caller, params, body }) => rebaselineFromRehearsal(caller, params.id, body),
  }),

  // Phases
  "rollouts.start": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/start",
    summary: "Start a draft rollout with its first phase (then sets that phase's traffic). 409 with `blockers` unless its gates are GO or `override: { reason }` is given. COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "rollout" },
    params: byId,
    body: startRolloutSchema,
    command: { type: "rollout.start", target: "rolloutId" },
    run: ({ caller, params, body }) => startRollout(caller, params.id, body),
  }),
  "rollouts.promote": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/promote",
    summary:
      "Promote to the next phase (or complete after the last). 409 with `blockers` when its go/no-go is not GO or a rollback trigger fires, unless `override: { reason }`; a NO_GO is never overridden. COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "rollout" },
    params: byId,
    body: promotePhaseSchema,
    command: { type: "rollout.promote", target: "rolloutId" },
    run: ({ caller, params, body }) => promotePhase(caller, params.id, body),
  }),
  "rollouts.pause": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/pause",
    summary: "Pause the running rollout and its phase; traffic is not changed. COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "rollout" },
    params: byId,
    body: pausePhaseSchema,
    command: { type: "rollout.pause", target: "rolloutId" },
    run: ({ caller, params, body }) => pausePhase(caller, params.id, body),
  }),
  "rollouts.resume": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/resume",
    summary: "Resume a paused rollout. COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "rollout" },
    params: byId,
    body: resumePhaseSchema,
    command: { type: "rollout.resume", target: "rolloutId" },
    run: ({ caller, params, body }) => resumePhase(caller, params.id, body),
  }),
  "rollouts.abort": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/abort",
    summary: "Abort the rollout for good, with a reason; traffic is not changed (run the rollback action for that). COMMANDER, ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "rollout" },
    params: byId,
    body: abortRolloutSchema,
    command: { type: "rollout.abort", target: "rolloutId" },
    run: ({ caller, params, body }) => abortRollout(caller, params.id, body),
  }),

  // Checklists, gates, criteria
  "items.update": op({
    method: "PATCH",
    path: "/api/v1/items/{id}",
    summary: "Tick / untick / skip / block an item, or set its note. 409 with `error.current` on a stale expectedVersion.",
    access: { permission: "item.update" },
    touches: { id: "item" },
    params: byId,
    body: updateItemSchema,
    run: async ({ caller, params, body }) => ({ item: await updateItem(caller, params.id, body) }),
  }),
  "gates.sign": op({
    method: "POST",
    path: "/api/v1/gates/{id}/signatures",
    summary: "Sign a gate as the caller (never someone named in the body): GO or NO_GO with a comment.",
    access: { permission: "signoff.sign" },
    touches: { id: "gate" },
    params: byId,
    body: recordSignOffSchema,
    status: 201,
    command: { type: "gate.sign", target: "gateId" },
    run: ({ caller, params, body }) => recordSignOff(caller, params.id, body),
  }),
  "criteria.update": op({
    method: "PATCH",
    path: "/api/v1/criteria/{id}",
    summary: "`{ autoRollback }` on a rollback trigger: opt in to (or out of) automatic rollback. COMMANDER or ADMIN.",
    access: { permission: "phase.control" },
    touches: { id: "criterion" },
    params: byId,
    body: updateCriterionSchema,
    run: async ({ caller, params, body }) => ({ criterion: await setAutoRollback(caller, params.id, body) }),
  }),

  // Metrics
  "metrics.push": op({
    method: "POST",
    path: "/api/v1/metrics",
    summary: "Push: `{ rolloutId, samples: [{ key, value, at? }] }`; each key must be a PUSH tile of that rollout. All or nothing. For automation with an API token; ENGINEER, COMMANDER or ADMIN.",
    access: { permission: "metrics.push" },
    tokenUse: "metrics.push",
    touches: { bodyRolloutId: true },
    body: pushMetricsSchema,
    maxBodyBytes: 512 * 1024,
    status: 202,
    run: ({ caller, body }) => pushSamples(caller, body),
  }),
  "tiles.list": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/tiles",
    summary: "The rollout's metric tiles with their source configuration (URL, query). ADMIN only.",
    access: { permission: "rollout.configure" },
    touches: { id: "rollout" },
    params: byId,
    run: async ({ caller, params }) => ({ tiles: await listTileConfigs(caller, params.id) }),
  }),
  "tiles.create": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/tiles",
    summary: "Adds a tile: PROMETHEUS (base URL + PromQL), SCRAPE (/metrics URL + scrape query) or PUSH. ADMIN only.",
    access: { permission: "rollout.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: tileConfigSchema,
    status: 201,
    run: async ({ caller, params, body }) => ({ tile: await createTile(caller, params.id, body) }),
  }),
  "tiles.update": op({
    method: "PATCH",
    path: "/api/v1/tiles/{id}",
    summary: "Changes any of a tile's fields; the result must still be valid for its source kind. ADMIN only.",
    access: { permission: "rollout.configure" },
    touches: { id: "tile" },
    params: byId,
    body: updateTileSchema,
    run: async ({ caller, params, body }) => ({ tile: await updateTile(caller, params.id, body) }),
  }),
  "tiles.delete": op({
    method: "DELETE",
    path: "/api/v1/tiles/{id}",
    summary: "Removes a tile and its samples. ADMIN only.",
    access: { permission: "rollout.configure" },
    touches: { id: "tile" },
    params: byId,
    run: async ({ caller, params }) => {
      await deleteTile(caller, params.id);
      return { deleted: params.id };
    },
  }),

  "tiles.test": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/tiles/test",
    summary: "Reads a tile's source once (the tile's fields, saved or not) and stores nothing: `{ result: { ok, value, at, note? } | { ok: false, error } }`. ADMIN only.",
    access: { permission: "rollout.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: tileConfigSchema,
    run: async ({ caller, params, body }) => ({ result: await testTileSource(caller, params.id, body) }),
  }),

  // Actions and runs
  "actions.list": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/actions",
    summary: "The rollout's actions as configured (ADMIN): secret header values are shown as ••••, never sent.",
    access: { permission: "action.configure" },
    touches: { id: "rollout" },
    params: byId,
    run: async ({ caller, params }) => ({ actions: await listActionConfigs(caller, params.id) }),
  }),
  "actions.create": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/actions",
    summary: "Configure a new action (ADMIN).",
    access: { permission: "action.configure" },
    touches: { id: "rollout" },
    params: byId,
    body: createActionSchema,
    status: 201,
    run: async ({ caller, params, body }) => ({ action: await createAction(caller, params.id, body) }),
  }),
  "actions.get": op({
    method: "GET",
    path: "/api/v1/actions/{id}",
    summary: "One action as configured (ADMIN), secret values masked.",
    access: { permission: "action.configure" },
    touches: { id: "action" },
    params: byId,
    run: async ({ caller, params }) => ({ action: await getActionConfig(caller, params.id) }),
  }),
  "actions.update": op({
    method: "PATCH",
    path: "/api/v1/actions/{id}",
    summary: "Change an action (ADMIN). `headers` replaces the list; a secret header sent without `value` keeps its stored value.",
    access: { permission: "action.configure" },
    touches: { id: "action" },
    params: byId,
    body: updateActionSchema,
    run: async ({ caller, params, body }) => ({ action: await updateAction(caller, params.id, body) }),
  }),
  "actions.delete": op({
    method: "DELETE",
    path: "/api/v1/actions/{id}",
    summary: "Remove an action (ADMIN): it stops being listed or run; its runs stay on record.",
    access: { permission: "action.configure" },
    touches: { id: "action" },
    params: byId,
    produces: "none",
    run: async ({ caller, params }) => {
      await deleteAction(caller, params.id);
      return new Reply(null, { status: 204 });
    },
  }),
  "actions.run": op({
    method: "POST",
    path: "/api/v1/actions/{id}/runs",
    summary:
      "Run an action as the caller, with `{ reason, params?: { percentage } }` and an `Idempotency-Key` header (or body field). 201 with the finished run (or the PENDING_APPROVAL one under the two-person rule); the same key again answers 200 with the existing run and `Idempotent-Replayed: true`, without calling the target. A target that fails answers 502 with `error.run`.",
    access: { permission: "action.run" },
    touches: { id: "action" },
    params: byId,
    body: runActionSchema,
    status: 201,
    command: { type: "action.run", target: "actionId" },
    run: async ({ caller, params, body, headers: requestHeaders }) => {
      const idempotencyKey = idempotencyKeyOf(requestHeaders, body.idempotencyKey);
      const { run, replayed } = await requestActionRun(caller, params.id, { ...body, idempotencyKey });
      const headers: Record<string, string> = { "cache-control": "no-store", ...(replayed ? { "idempotent-replayed": "true" } : {}) };
      const failed = failedRunError(run);
      if (failed) return new Reply(null, { headers, error: failed });
      return new Reply({ run, replayed }, { status: replayed ? 200 : 201, headers });
    },
  }),
  "actions.dryRun": op({
    method: "POST",
    path: "/api/v1/actions/{id}/dry-run",
    summary: "What a run would send (secret values masked) and whether the target accepts a connection; calls no route, records nothing.",
    access: { permission: "action.run" },
    touches: { id: "action" },
    params: byId,
    body: dryRunActionSchema,
    command: { type: "action.dryRun", target: "actionId" },
    run: ({ caller, params, body, headers }) => dryRunAction(caller, params.id, { ...body, idempotencyKey: idempotencyKeyOf(headers, body.idempotencyKey) }),
  }),
  "actionRuns.list": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/action-runs",
    summary: "Every action run of the rollout, newest first; the request sent (secrets masked) and the response excerpt for COMMANDER, ADMIN.",
    access: { permission: "rollout.read" },
    touches: { id: "rollout" },
    params: byId,
    run: async ({ caller, params }) => ({ runs: await listActionRuns(caller, params.id) }),
  }),
  "actionRuns.approve": op({
    method: "POST",
    path: "/api/v1/action-runs/{id}/approve",
    summary: "Second approval of a two-person-rule run (COMMANDER, ADMIN; not the requester; within the window), which then runs.",
    access: { permission: "action.approve" },
    touches: { id: "actionRun" },
    params: byId,
    body: approveActionRunSchema,
    command: { type: "actionRun.approve", target: "runId", commandInput: approveActionRunSchema.default({}) },
    run: async ({ caller, params }) => {
      const run = await approveActionRun(caller, params.id);
      const failed = failedRunError(run);
      if (failed) throw failed;
      return { run };
    },
  }),
  "actionRuns.reject": op({
    method: "POST",
    path: "/api/v1/action-runs/{id}/reject",
    summary: "Turn down a run waiting for approval (COMMANDER, ADMIN, or the requester withdrawing it).",
    access: { permission: "action.run" },
    touches: { id: "actionRun" },
    params: byId,
    body: rejectActionRunSchema,
    command: { type: "actionRun.reject", target: "runId", commandInput: rejectActionRunSchema.default({}) },
    run: async ({ caller, params, body }) => ({ run: await rejectActionRun(caller, params.id, body) }),
  }),

  // Sharing and tokens
  "shareLinks.list": op({
    method: "GET",
    path: "/api/v1/rollouts/{id}/share-links",
    summary: "The rollout's stakeholder links with their state (active, expired, revoked); never the tokens.",
    access: { permission: "share.manage" },
    touches: { id: "rollout" },
    params: byId,
    run: async ({ caller, params }) => ({ links: await listShareTokens(caller, params.id) }),
  }),
  "shareLinks.create": op({
    method: "POST",
    path: "/api/v1/rollouts/{id}/share-links",
    summary: "A new stakeholder link; the token (and so the URL) is in this response only.",
    access: { permission: "share.manage" },
    touches: { id: "rollout" },
    params: byId,
    body: createShareLinkSchema,
    status: 201,
    run: async ({ caller, params, body, url }) => {
      const expiresAt = body.expiresInHours ? new Date(Date.now() + body.expiresInHours * 3_600_000) : undefined;
      const link = await createShareToken(caller, params.id, { label: body.label || undefined, expiresAt });
      // The public URL people open (NEXTAUTH_URL, as npm start sets it), not the address this request reached.
      return { ...link, url: new URL(`/status/${link.token}`, process.env.NEXTAUTH_URL ?? url ?? "http://localhost").toString() };
    },
  }),
  "shareLinks.revoke": op({
    method: "DELETE",
    path: "/api/v1/share-links/{id}",
    summary: "Revoke a stakeholder link: its page and API answer 404 from now on and its open pages are disconnected.",
    access: { permission: "share.manage" },
    touches: { id: "shareLink" },
    params: byId,
    run: async ({ caller, params }) => ({ link: await revokeShareToken(caller, params.id) }),
  }),
  "status.get": op({
    method: "GET",
    path: "/api/v1/status/{token}",
    summary: "The stakeholder view. No login: the share token in the path is the credential; unknown, revoked or expired → 404.",
    access: { public: true },
    params: z.object({ token: z.string().min(1).max(200) }),
    run: async ({ params }) => {
      const grant = await principalFromBearer(params.token);
      if (!grant || grant.kind !== "share") throw notFound("Status page");
      return getPublicStatus(grant.rolloutId);
    },
  }),
  "tokens.create": op({
    method: "POST",
    path: "/api/v1/tokens",
    summary:
      "An API token for the signed-in user: `{ name, expiresInDays?, scope?, rolloutIds? }`. `scope` FULL (the default: whatever the owner's role allows), READ_ONLY or METRICS_PUSH (only `POST /api/v1/metrics`); `rolloutIds` limits it to those rollouts (left out: every rollout). Never more than the owner's role at the moment of use. The token is in this response only. From a browser session only.",
    access: { permission: "rollout.read" },
    body: createTokenSchema,
    status: 201,
    run: async ({ caller, body }) => {
      // A leaked token must not be able to mint more tokens.
      if (caller.via === "apiToken") throw forbidden("Create API tokens from a signed-in browser session");
      return createOwnApiToken(caller, body);
    },
  }),
  "tokens.list": op({
    method: "GET",
    path: "/api/v1/tokens",
    summary: "The caller's own API tokens with last use and expiry; never the tokens themselves.",
    access: { permission: "rollout.read" },
    run: async ({ caller }) => ({ tokens: await listOwnApiTokens(caller.userId) }),
  }),
  "tokens.revoke": op({
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    summary: "Revoke one of the caller's own tokens: it answers 401 from now on and its open sockets are closed (someone else's token is a 404).",
    access: { permission: "rollout.read" },
    params: byId,
    run: async ({ caller, params }) => ({ token: await revokeOwnApiToken(caller, params.id) }),
  }),

  // People (lib/domain/users.ts, invitations.ts): accounts, roles, deactivation, invitations, one's password.
  "users.list": op({
    method: "GET",
    path: "/api/v1/users",
    summary: "Everyone with an account, active first (admins).",
    access: { permission: "user.manage" },
    run: async () => ({ users: await listUsers() }),
  }),
  "users.create": op({
    method: "POST",
    path: "/api/v1/users",
    summary: "An account with a password the admin hands over (admins); invitations let people choose their own.",
    access: { permission: "user.manage" },
    body: createUserSchema,
    status: 201,
    run: async ({ body }) => ({ user: await createUserAsAdmin(body) }),
  }),
  "users.get": op({
    method: "GET",
    path: "/api/v1/users/{id}",
    summary: "One user: admins see anyone, everyone else only themself.",
    access: { permission: "rollout.read" },
    params: byId,
    run: async ({ caller, params }) => {
      if (caller.userId !== params.id && !can(caller.role, "user.manage")) throw forbidden("Only an admin can see other people's accounts");
      return { user: await getUser(params.id) };
    },
  }),
  "users.update": op({
    method: "PATCH",
    path: "/api/v1/users/{id}",
    summary: "`{ role?, name?, active? }` (admins, not on themselves). Deactivating ends the user's sessions, API tokens and sockets at once.",
    access: { permission: "user.manage" },
    params: byId,
    body: updateUserSchema,
    run: async ({ caller, params, body }) => ({ user: await updateUser(caller, params.id, body) }),
  }),
  "invitations.list": op({
    method: "GET",
    path: "/api/v1/invitations",
    summary: "Invitations with their state (pending, used, expired, revoked); never the links (admins).",
    access: { permission: "user.manage" },
    run: async () => ({ invitations: await listInvitations() }),
  }),
  "invitations.create": op({
    method: "POST",
    path: "/api/v1/invitations",
    summary: "`{ email, role, name?, expiresInHours? }`: a single-use link to set a password, in this response only (admins).",
    access: { permission: "user.manage" },
    body: createInvitationSchema,
    status: 201,
    run: async ({ caller, body, url }) => {
      const { invitation, path } = await createInvitation(caller, body);
      return { invitation, url: new URL(path, process.env.NEXTAUTH_URL ?? url ?? "http://localhost").toString() };
    },
  }),
  "invitations.revoke": op({
    method: "DELETE",
    path: "/api/v1/invitations/{id}",
    summary: "Revoke an unused invitation: its link is a 404 from now on (admins).",
    access: { permission: "user.manage" },
    params: byId,
    run: async ({ params }) => ({ invitation: await revokeInvitation(params.id) }),
  }),
  "invitations.accept": op({
    method: "POST",
    path: "/api/v1/invitations/accept",
    summary: "`{ token, name, password, email? }`: uses an invitation (or the first-run setup link, which also needs `email`) once and creates the account. The link is the credential; a used, revoked or expired one is a 404.",
    access: { public: true },
    body: acceptInvitationSchema,
    status: 201,
    run: async ({ body }) => ({ user: await acceptInvitation(body) }),
  }),
  "me.changePassword": op({
    method: "POST",
    path: "/api/v1/me/password",
    summary: "`{ currentPassword, newPassword }` from a browser session: every other session of the caller ends.",
    access: { permission: "rollout.read" },
    body: changePasswordSchema,
    run: async ({ caller, body }) => {
      if (caller.via !== "session") throw forbidden("Change your password from a signed-in browser session");
      await changeOwnPassword(caller, body);
      return { ok: true };
    },
  }),

  // Notifications out, alerts in (lib/operations/notifications.ts).
  ...notificationOperations,

  "openapi.get": op({
    method: "GET",
    path: "/api/v1/openapi.json",
    summary: "This API as an OpenAPI 3.1 document, generated from the table of operations.",
    access: { public: true },
    run: async (): Promise<OpenApiDocument> => (openApiDocument ??= buildOpenApiDocument(operations as Record<string, Operation>, { version: "1" })),
  }),

  "bench.emit": op({
    method: "POST",
    path: "/api/v1/bench/emit",
    summary: "The benchmark's baseline (only with WARROOM_BENCH=1, else 404): an event or live message fanned out without the database.",
    access: { permission: "rollout.configure" },
    body: benchEmitSchema,
    internal: true,
    run: async ({ body }) => {
      if (process.env.WARROOM_BENCH !== "1") throw notFound("Route");
      if ("envelope" in body) emitUnloggedEvent(body.envelope);
      else publishVolatile(body.live.rolloutId, body.live.channel, body.live.payload);
      return { ok: true };
    },
  }),
};

export type OperationId = keyof typeof operations;

