import "server-only";
import { getDb } from "@/lib/db/client";
import { actorOf, type UserPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import type { ActionRunReport, RunbookReport } from "@/lib/runbook/export-markdown";
import { parseRunbookMarkdownIsolated } from "@/lib/runbook/parse-isolated";
import { draftFromPlan } from "@/lib/runbook/plan";
import { RunbookParseError, type RunbookSummary } from "@/lib/runbook/result";
import type { ImportPlan, ImportRunbookInput } from "@/lib/schemas/import-plan";
import { runbookDraftSchema, type RunbookDraft } from "@/lib/schemas/runbook";
import { badRequest, forbidden } from "./errors";
import { toEnvelope } from "./events";
import { jsonify } from "./json";
import { createRolloutFromDraft, getRolloutState } from "./rollouts";
import { rolloutSummarySelect } from "./selects";

// Runbooks in and out as Markdown: import a go-live document as a new rollout, and read everything the go-live
// report (lib/runbook/export-markdown.ts) is written from.

/** A go-live runbook has hundreds of items; past this it is something else, and would take long to store. */
export const MAX_IMPORTED_ITEMS = 5000;

const tooManyItems = (count: string) =>
  `The runbook has ${count} checklist items; War Room imports at most ${MAX_IMPORTED_ITEMS.toLocaleString("en")}. Split it into several rollouts.`;

/**
 * Lines that look like list items, outside fenced code. Not how the runbook is read (that is remark's tree): a
 * cheap guard so a megabyte of bullets is refused at once instead of after many seconds of parsing.
 */
function listLikeLines(markdown: string): number {
  let fenced = false;
  let count = 0;
  for (const line of markdown.split("\n")) {
    if (/^\s{0,3}(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && /^\s*(?:[-*+]|\d{1,9}[.)])\s+\S/.test(line)) count++;
  }
  return count;
}

type ParsedRunbook = { plan: ImportPlan; draft: RunbookDraft; summary: RunbookSummary };

/** Reads Markdown in the worker thread (time-limited), or takes a reviewed plan: the plan, its draft and counts. */
async function readRunbook(input: ImportRunbookInput): Promise<ParsedRunbook> {
  if (input.plan) {
    const plan = input.name?.trim() ? { ...input.plan, name: input.name.trim() } : input.plan;
    const { draft, summary } = draftFromPlan(plan);
    // The plan's own checks passed; what it makes must still be storable (a criterion left without a metric key…).
    const checked = runbookDraftSchema.safeParse(draft);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const message = `The plan cannot be stored: ${issue?.path.join(".") || "runbook"} ${issue?.message ?? "is invalid"}`;
      throw badRequest(message, { plan: [message] });
    }
    return { plan, draft: checked.data, summary };
  }
  const markdown = input.markdown ?? "";
  const lines = listLikeLines(markdown);
  if (lines > MAX_IMPORTED_ITEMS) {
    const message = tooManyItems(`about ${lines.toLocaleString("en")}`);
    throw badRequest(message, { markdown: [message] });
  }
  try {
    return await parseRunbookMarkdownIsolated(markdown, { name: input.name });
  } catch (error) {
    if (error instanceof RunbookParseError) throw badRequest(error.message, { [error.field]: [error.message] });
    throw error;
  }
}

/**
 * Imports a runbook as a new rollout (one transaction, one `rollout.created` event): Markdown read as the import
 * plan says, or a plan an admin reviewed and edited. With `dryRun` nothing is stored and the answer is the plan
 * (every element with its source lines and the reason it was read so) and its counts. The summary is counted from
 * the very draft that is stored, so it equals what was stored, count for count.
 */
export async function importRunbook(principal: UserPrincipal, input: ImportRunbookInput) {
  if (!can(principal.role, "rollout.configure")) throw forbidden("Only an admin can import a runbook");
  const parsed = await readRunbook(input);
  const field = input.plan ? "plan" : "markdown";
  if (parsed.summary.items > MAX_IMPORTED_ITEMS) {
    const message = tooManyItems(parsed.summary.items.toLocaleString("en"));
    throw badRequest(message, { [field]: [message] });
  }
  if (input.dryRun) return { dryRun: true as const, plan: parsed.plan, summary: parsed.summary };
  const { id } = await createRolloutFromDraft(parsed.draft, actorOf(principal));
  const rollout = await getDb().rollout.findUniqueOrThrow({ where: { id }, select: rolloutSummarySelect });
  return { rollout: jsonify(rollout), summary: parsed.summary };
}

/**
 * What the go-live report shows, as of one moment: the rollout's state, the events up to that state's seq, and
 * the action runs without anything of the action's configuration (no URL, headers, parameters, request or
 * response body, error text).
 */
export async function getRolloutReport(principal: UserPrincipal, rolloutId: string, now = new Date()): Promise<RunbookReport> {
  const state = await getRolloutState(rolloutId);
  const db = getDb();
  const [events, runs] = await Promise.all([
    db.rolloutEvent.findMany({
      where: { rolloutId, seq: { lte: state.lastSeq } },
      orderBy: { seq: "asc" },
      select: { rolloutId: true, seq: true, type: true, at: true, actorId: true, actorName: true, data: true },
    }),
    db.actionRun.findMany({
      where: { rolloutId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        status: true,
        reason: true,
        createdAt: true,
        finishedAt: true,
        durationMs: true,
        responseStatus: true,
        attempts: true,
        action: { select: { name: true, kind: true } },
        requestedBy: { select: { name: true } },
        approvedBy: { select: { name: true } },
      },
    }),
  ]);
  const actionRuns: ActionRunReport[] = runs.map((run) => ({
    actionName: run.action.name,
    actionKind: run.action.kind,
    status: run.status,
    reason: run.reason,
    requestedBy: run.requestedBy?.name ?? null,
    approvedBy: run.approvedBy?.name ?? null,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
    responseStatus: run.responseStatus,
    attempts: run.attempts,
  }));
  return { state, events: events.map(toEnvelope), actionRuns, exportedAt: now.toISOString(), exportedBy: principal.name };
}
