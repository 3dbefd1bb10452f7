import type { ActionKind, ActionRunStatus, ContactKind, Decision, GateKind, PhaseStatus, Role, RolloutStatus } from "@/lib/db/generated/enums";
import type { GateStatus } from "@/lib/domain/gate-status";
import type { DeliveryView } from "@/lib/domain/notification-channels";
import type { ConnectionState } from "@/lib/realtime/rollout-sync";
import { compare, isStale } from "@/lib/metrics/evaluate";
import type { Comparator, CriterionKind, TriggerState, Verdict } from "@/lib/metrics/enums";
import { formatNumber } from "@/lib/metrics/phase-evaluation";
import type { judgementSchema, verdictReasonSchema } from "@/lib/schemas/events";
import type { z } from "zod";

// The one status model (pure; runs in the browser too). The evaluator (lib/domain/evaluation.ts) moves triggers
// and sets verdicts with it; every surface derives what it shows from what it stores. Times are epoch ms.
//
// - A criterion is judged only on a FRESH reading taken INSIDE the phase (after the phase started, and not older
//   than 3 poll intervals, from a source that is not failing): NO_DATA, MET (its condition holds) or NOT_MET.
// - A rollback trigger: Normal → Pending → Firing → Resolved (README, "States and transitions").
// - A phase's verdict: FAIL, INCONCLUSIVE (with reasons) or PASS; never PASS without fresh in-phase readings for
//   every criterion, while a trigger is Pending or Firing, before the minimum duration, or with no criteria.

export type Judgement = z.infer<typeof judgementSchema>;
export type VerdictReason = z.infer<typeof verdictReasonSchema>;

// ---------------------------------------------------------------------------------------------------------------------
// Readings

export type TileReading = { lastValue: number | null; lastSampleAt: number | null; lastErrorAt: number | null; pollIntervalSeconds: number };

/** Why a reading can or cannot be judged. Only "fresh" carries a value a criterion is judged on. */
export type ReadingQuality = "fresh" | "no-tile" | "no-data" | "source-error" | "before-phase" | "stale";
export type PhaseReading = { value: number | null; at: number | null; quality: ReadingQuality };

/** The tile's latest reading as a criterion of a phase started at `phaseStartedAt` sees it at `now`. */
export function readInPhase(tile: TileReading | undefined, phaseStartedAt: number | null, now: number): PhaseReading {
  if (!tile) return { value: null, at: null, quality: "no-tile" };
  const at = tile.lastSampleAt;
  const value = tile.lastValue;
  const failing = tile.lastErrorAt !== null && (at === null || tile.lastErrorAt > at);
  if (failing) return { value: null, at, quality: "source-error" };
  if (at === null) return { value: null, at, quality: "no-data" };
  if (phaseStartedAt !== null && at < phaseStartedAt) return { value: null, at, quality: "before-phase" };
  if (isStale(at, now, tile.pollIntervalSeconds)) return { value: null, at, quality: "stale" };
  if (value === null || !Number.isFinite(value)) return { value: null, at, quality: "no-data" };
  return { value, at, quality: "fresh" };
}

/** MET: the criterion's condition holds on a fresh in-phase reading (for a trigger: it is breaching). */
export function judgeCriterion(criterion: { comparator: Comparator; threshold: number }, reading: PhaseReading): Judgement {
  if (reading.quality !== "fresh" || reading.value === null) return "NO_DATA";
  return compare(reading.value, criterion.comparator, criterion.threshold) ? "MET" : "NOT_MET";
}

// ---------------------------------------------------------------------------------------------------------------------
// Rollback triggers

export type TriggerStatus = {
  state: TriggerState;
  /** When the current state was entered; null for a trigger that never left NORMAL. */
  since: number | null;
  /** While FIRING: when the condition became clear; RESOLVED once it has stayed clear for the pending period. */
  clearSince: number | null;
};
export const INITIAL_TRIGGER_STATUS: TriggerStatus = { state: "NORMAL", since: null, clearSince: null };

export type TriggerTransition = { from: TriggerState; to: TriggerState };
export type TriggerStep = TriggerStatus & { transition: TriggerTransition | null };

/**
 * Advances a trigger by one reading taken at `at`; `breaching` is its judgement (MET = breaching, NOT_MET = clear,
 * NO_DATA = nothing to go on). Measured on reading times, so the pending period is measured on data.
 *
 * | from     | breaching                                      | clear                                                |
 * |----------|------------------------------------------------|------------------------------------------------------|
 * | NORMAL   | PENDING (FIRING if pendingSeconds is 0)        | NORMAL                                               |
 * | PENDING  | FIRING once held for pendingSeconds            | NORMAL                                               |
 * | FIRING   | FIRING (the clear period restarts)             | RESOLVED once clear for pendingSeconds               |
 * | RESOLVED | PENDING (FIRING if pendingSeconds is 0)        | RESOLVED                                             |
 *
 * No data (missing, stale, before the phase, source error) keeps the state and its timers: it never fires, clears
 * or resolves a trigger. A reading older than the current state's start changes nothing.
 */
export function stepTrigger(previous: TriggerStatus, at: number, judgement: Judgement, pendingSeconds: number): TriggerStep {
  const unchanged: TriggerStep = { ...previous, transition: null };
  if (judgement === "NO_DATA") return unchanged;
  if (previous.since !== null && at < previous.since) return unchanged;
  const pendingMs = Math.max(0, pendingSeconds) * 1000;
  const move = (to: TriggerState): TriggerStep => ({ state: to, since: at, clearSince: null, transition: { from: previous.state, to } });
  const breaching = judgement === "MET";

  switch (previous.state) {
    case "NORMAL":
    case "RESOLVED":
      if (!breaching) return unchanged;
      return move(pendingMs === 0 ? "FIRING" : "PENDING");
    case "PENDING":
      if (!breaching) return move("NORMAL");
      // A PENDING row without a start time (hand-edited) restarts its period rather than firing at once.
      if (previous.since === null) return { ...previous, since: at, transition: null };
      return at - previous.since >= pendingMs ? move("FIRING") : unchanged;
    case "FIRING": {
      if (breaching) return previous.clearSince === null ? unchanged : { ...previous, clearSince: null, transition: null };
      const clearSince = previous.clearSince ?? at;
      if (at < clearSince) return unchanged;
      return at - clearSince >= pendingMs ? move("RESOLVED") : { ...previous, clearSince, transition: null };
    }
  }
}

/**
 * A trigger can have several sources: its tile's readings and alerts bound to it (lib/domain/alerts.ts). It stays
 * FIRING while any source says it fires and resolves only when all of them are clear. While a bound alert fires,
 * the tile's clear readings keep counting their clear period but cannot resolve it.
 */
export function holdWhileAlertFires(previous: TriggerStatus, step: TriggerStep, alertFiring: boolean, at: number): TriggerStep {
  if (!alertFiring || step.transition?.to !== "RESOLVED") return step;
  return { ...previous, clearSince: previous.clearSince ?? at, transition: null };
}

/**
 * When the last firing alert bound to a FIRING trigger resolves: may the trigger resolve, or does its tile still say
 * it fires? The tile says so while its fresh in-phase reading breaches, or while it has not yet been clear for the
 * pending period (measured on reading times, as stepTrigger does). A tile with nothing to go on (no tile, no fresh
 * reading) says nothing, so an alert-only trigger resolves with its alert.
 */
export function tileKeepsTriggerFiring(status: TriggerStatus, reading: PhaseReading, judgement: Judgement, pendingSeconds: number): boolean {
  if (judgement === "NO_DATA") return false;
  if (judgement === "MET") return true;
  const pendingMs = Math.max(0, pendingSeconds) * 1000;
  if (pendingMs === 0) return false;
  return status.clearSince === null || reading.at === null || reading.at - status.clearSince < pendingMs;
}

/** A trigger that is Pending or Firing calls for attention (and blocks promotion). */
export function isTriggerActive(state: TriggerState): boolean {
  return state === "PENDING" || state === "FIRING";
}

/** Firing or Resolved: it fired during the phase. */
export function hasTriggerFired(state: TriggerState): boolean {
  return state === "FIRING" || state === "RESOLVED";
}

// ---------------------------------------------------------------------------------------------------------------------
// Phase verdict

export type JudgedCriterion = { kind: CriterionKind; judgement: Judgement; state: TriggerState };
export type PhaseJudgement = { verdict: Verdict; reasons: VerdictReason[] };

/** When a phase's minimum duration has run (null: not started). */
export function minDurationEndsAt(phase: { startedAt: number | null; minDurationMinutes: number }): number | null {
  return phase.startedAt === null ? null : phase.startedAt + phase.minDurationMinutes * 60_000;
}

/**
 * FAIL when a trigger has fired in this phase (Firing, or Resolved: the build hurt users at this traffic, and a
 * metric that recovered afterwards does not undo that) or a success criterion is NOT_MET on a fresh in-phase
 * reading. Otherwise INCONCLUSIVE while there are no criteria, the minimum duration has not run, a criterion has
 * no fresh in-phase reading, or a trigger is Pending. PASS only when none of these holds.
 */
export function judgePhase(input: { startedAt: number | null; minDurationMinutes: number; criteria: readonly JudgedCriterion[]; now: number }): PhaseJudgement {
  const fail: VerdictReason[] = [];
  if (input.criteria.some((c) => c.kind === "ROLLBACK_TRIGGER" && hasTriggerFired(c.state))) fail.push("trigger-fired");
  if (input.criteria.some((c) => c.kind === "SUCCESS" && c.judgement === "NOT_MET")) fail.push("criterion-not-met");
  if (fail.length) return { verdict: "FAIL", reasons: fail };

  const open: VerdictReason[] = [];
  if (input.criteria.length === 0) open.push("no-criteria");
  const endsAt = minDurationEndsAt(input);
  if (endsAt === null || input.now < endsAt) open.push("min-duration");
  if (input.criteria.some((c) => c.judgement === "NO_DATA")) open.push("awaiting-data");
  if (input.criteria.some((c) => c.kind === "ROLLBACK_TRIGGER" && c.state === "PENDING")) open.push("trigger-pending");
  return open.length ? { verdict: "INCONCLUSIVE", reasons: open } : { verdict: "PASS", reasons: [] };
}

export const VERDICT_REASON_TEXT: Record<VerdictReason, string> = {
  "no-criteria": "no criteria",
  "min-duration": "minimum duration not reached",
  "awaiting-data": "waiting for fresh readings in this phase",
  "trigger-pending": "a rollback trigger is pending",
  "trigger-fired": "a rollback trigger fired",
  "criterion-not-met": "a success criterion is not met",
};

// ---------------------------------------------------------------------------------------------------------------------
// One evaluator tick for one running phase

export type CriterionToEvaluate = {
  id: string;
  kind: CriterionKind;
  metricKey: string;
  comparator: Comparator;
  threshold: number;
  unit: string | null;
  pendingSeconds: number;
  autoRollback: boolean;
  description: string;
  state: TriggerState;
  stateSince: number | null;
  clearSince: number | null;
  /** A bound alert fires now (lib/domain/alerts.ts): the tile's readings cannot resolve the trigger. */
  alertFiring?: boolean;
};

export type CriterionOutcome = {
  id: string;
  reading: PhaseReading;
  judgement: Judgement;
  /** The trigger's status after this tick (SUCCESS criteria stay NORMAL). */
  status: TriggerStatus;
  /** The stored status must be written (a transition, or a clear period started or broken). */
  statusChanged: boolean;
  transition: TriggerTransition | null;
};

export type PhaseEvaluationPlan = {
  criteria: CriterionOutcome[];
  verdict: Verdict;
  reasons: VerdictReason[];
  /** The verdict differs from the stored one (null = never evaluated). */
  verdictChanged: boolean;
  /** Triggers that have just moved to FIRING with autoRollback on: once per firing episode, by construction. */
  autoRollbackIds: string[];
};

export function planPhaseEvaluation(input: {
  phase: { startedAt: number | null; minDurationMinutes: number; verdict: Verdict | null };
  criteria: readonly CriterionToEvaluate[];
  tiles: readonly (TileReading & { key: string })[];
  now: number;
}): PhaseEvaluationPlan {
  const tiles = new Map(input.tiles.map((tile) => [tile.key, tile]));
  const outcomes = input.criteria.map((criterion): CriterionOutcome => {
    const reading = readInPhase(tiles.get(criterion.metricKey), input.phase.startedAt, input.now);
    const judgement = judgeCriterion(criterion, reading);
    const previous: TriggerStatus = { state: criterion.state, since: criterion.stateSince, clearSince: criterion.clearSince };
    if (criterion.kind === "SUCCESS") return { id: criterion.id, reading, judgement, status: previous, statusChanged: false, transition: null };
    const at = reading.at ?? input.now;
    const step = holdWhileAlertFires(previous, stepTrigger(previous, at, judgement, criterion.pendingSeconds), criterion.alertFiring ?? false, at);
    const { transition, ...status } = step;
    const statusChanged = status.state !== previous.state || status.since !== previous.since || status.clearSince !== previous.clearSince;
    return { id: criterion.id, reading, judgement, status, statusChanged, transition };
  });
  const { verdict, reasons } = judgePhase({
    startedAt: input.phase.startedAt,
    minDurationMinutes: input.phase.minDurationMinutes,
    criteria: outcomes.map((o, i) => ({ kind: input.criteria[i]!.kind, judgement: o.judgement, state: o.status.state })),
    now: input.now,
  });
  return {
    criteria: outcomes,
    verdict,
    reasons,
    verdictChanged: verdict !== input.phase.verdict,
    autoRollbackIds: outcomes.filter((o, i) => input.criteria[i]!.autoRollback && o.transition?.to === "FIRING").map((o) => o.id),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Vocabulary: one label and one tone per state, typed by the Prisma enums, for every component, the stakeholder
// page and the export. Tones: ok green, warn amber, breach red, active blue (running), neutral grey.

export type Tone = "ok" | "warn" | "breach" | "active" | "neutral";
type Labelled<K extends string> = Record<K, { label: string; tone: Tone }>;

export const ROLLOUT_STATUS: Labelled<RolloutStatus> = {
  DRAFT: { label: "Not started", tone: "neutral" },
  ACTIVE: { label: "In progress", tone: "active" },
  PAUSED: { label: "Paused", tone: "warn" },
  COMPLETED: { label: "Completed", tone: "ok" },
  ROLLED_BACK: { label: "Rolled back", tone: "breach" },
  ABORTED: { label: "Aborted", tone: "breach" },
};

export const PHASE_STATUS: Labelled<PhaseStatus> = {
  PENDING: { label: "Pending", tone: "neutral" },
  ACTIVE: { label: "Running", tone: "active" },
  PAUSED: { label: "Paused", tone: "warn" },
  PASSED: { label: "Passed", tone: "ok" },
  FAILED: { label: "Failed", tone: "breach" },
  ROLLED_BACK: { label: "Rolled back", tone: "breach" },
  SKIPPED: { label: "Skipped", tone: "neutral" },
};

export const VERDICT: Labelled<Verdict> = {
  PASS: { label: "PASS", tone: "ok" },
  FAIL: { label: "FAIL", tone: "breach" },
  INCONCLUSIVE: { label: "INCONCLUSIVE", tone: "warn" },
};

export const TRIGGER_STATE: Labelled<TriggerState> = {
  NORMAL: { label: "Normal", tone: "ok" },
  PENDING: { label: "Pending", tone: "warn" },
  FIRING: { label: "Firing", tone: "breach" },
  RESOLVED: { label: "Resolved", tone: "warn" },
};

export const JUDGEMENT: Labelled<Judgement> = {
  MET: { label: "Met", tone: "ok" },
  NOT_MET: { label: "Not met", tone: "breach" },
  NO_DATA: { label: "No data", tone: "neutral" },
};

/** Gate decisions as the sign-off page shows them (GateStatus.state). */
export const GATE_STATE: Labelled<GateStatus["state"]> = {
  APPROVED: { label: "GO", tone: "ok" },
  REJECTED: { label: "NO-GO", tone: "breach" },
  PENDING: { label: "Waiting", tone: "neutral" },
};

export const DECISION: Labelled<Decision> = {
  GO: { label: "GO", tone: "ok" },
  NO_GO: { label: "NO-GO", tone: "breach" },
};

export const ACTION_RUN_STATUS: Labelled<ActionRunStatus> = {
  PENDING_APPROVAL: { label: "Awaiting approval", tone: "warn" },
  RUNNING: { label: "Running", tone: "active" },
  SUCCEEDED: { label: "Succeeded", tone: "ok" },
  FAILED: { label: "Failed", tone: "breach" },
  EXPIRED: { label: "Expired", tone: "neutral" },
  REJECTED: { label: "Rejected", tone: "neutral" },
  DRY_RUN: { label: "Dry run", tone: "neutral" },
  // The outcome is unknown (the server stopped mid-call): a warning, someone must check the target.
  INTERRUPTED: { label: "Interrupted", tone: "warn" },
};

/** Credentials that can be revoked: API tokens, stakeholder links, invitations. */
export type CredentialState = "active" | "pending" | "used" | "expired" | "revoked";
export const CREDENTIAL_STATE: Labelled<CredentialState> = {
  active: { label: "Active", tone: "ok" },
  pending: { label: "Pending", tone: "ok" },
  used: { label: "Used", tone: "neutral" },
  expired: { label: "Expired", tone: "neutral" },
  revoked: { label: "Revoked", tone: "breach" },
};

export const CONNECTION_STATE: Labelled<ConnectionState> = {
  connecting: { label: "Connecting", tone: "neutral" },
  live: { label: "● Live", tone: "ok" },
  reconnecting: { label: "Reconnecting", tone: "warn" },
  offline: { label: "Offline", tone: "breach" },
};

export const DELIVERY_STATE: Labelled<DeliveryView["state"]> = {
  sent: { label: "Sent", tone: "ok" },
  failed: { label: "Failed", tone: "breach" },
  retrying: { label: "Retrying", tone: "warn" },
  pending: { label: "Pending", tone: "neutral" },
};

/** A metric tile's level against its thresholds ("none": no thresholds or no value). */
export const TILE_LEVEL_TONE: Record<"ok" | "warn" | "breach" | "none", Tone> = { ok: "ok", warn: "warn", breach: "breach", none: "neutral" };

// Words for enums that have no tone: roles, and the kinds of actions, gates and contacts.
export const ROLE_LABEL: Record<Role, string> = { ADMIN: "Admin", COMMANDER: "Incident commander", ENGINEER: "Engineer", VIEWER: "Viewer" };
export const ACTION_KIND_LABEL: Record<ActionKind, string> = { ROLLBACK: "Rollback", KILL_SWITCH: "Kill switch", SET_TRAFFIC: "Set traffic", CUSTOM: "Custom" };
export const GATE_KIND_LABEL: Record<GateKind, string> = {
  PRE_DEPLOYMENT: "Pre-deployment",
  GO_LIVE: "Go-live",
  GO_NO_GO: "Go/no-go",
  POST_DEPLOYMENT: "Post-deployment",
  CUSTOM: "Custom",
};
/** A role's words for a role that arrives as a string (socket messages, loose view types); unknown ones as they are. */
export function roleLabel(role: string): string {
  return role in ROLE_LABEL ? ROLE_LABEL[role as Role] : role;
}

/** A state's label from its table, for a state that arrives as a string; unknown ones as they are. */
export function labelIn(table: Readonly<Record<string, { label: string }>>, state: string): string {
  return table[state]?.label ?? state;
}

export const CONTACT_KIND_LABEL: Record<ContactKind, string> = { PERSON: "Person", TEAM: "Team", CHANNEL: "Channel" };

/**
 * Tailwind classes per tone: a badge (filled), a soft badge (tinted, for small inline states), a box (border and
 * background), a border alone, and text. The only place status colours are written (components/vocabulary.test.ts).
 */
export const TONE_CLASSES: Record<Tone, { badge: string; soft: string; box: string; border: string; text: string }> = {
  ok: { badge: "bg-green-700 text-white", soft: "bg-green-100 text-ok", box: "border-green-400 bg-green-50", border: "border-green-300", text: "text-ok" },
  warn: { badge: "bg-amber-600 text-white", soft: "bg-amber-100 text-warn", box: "border-amber-400 bg-amber-50", border: "border-amber-300", text: "text-warn" },
  breach: { badge: "bg-red-700 text-white", soft: "bg-red-100 text-breach", box: "border-red-400 bg-red-50", border: "border-red-300", text: "text-breach" },
  active: { badge: "bg-sky-700 text-white", soft: "bg-sky-100 text-sky-800", box: "border-sky-500 bg-sky-50", border: "border-sky-400", text: "text-sky-800" },
  neutral: { badge: "bg-slate-600 text-white", soft: "bg-slate-200 text-slate-700", box: "border-slate-300 bg-white", border: "border-slate-200", text: "text-slate-600" },
};

/** The soft badge of a labelled state: its tone's classes. */
export function softBadge(entry: { tone: Tone }): string {
  return TONE_CLASSES[entry.tone].soft;
}

/** A number with its unit, readable from across a room: "4.45 %", "241 ms", "1235 req/s"; "—" without a value. */
export function formatValue(value: number | null | undefined, unit: string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${formatNumber(value)}${unit ? ` ${unit}` : ""}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// The rollout as a whole

type PhaseForRollout = { name: string; position: number; trafficPercent: number; status: PhaseStatus; startedAt: string | Date | null; endedAt?: string | Date | null };

export const ENDED_ROLLOUT: ReadonlySet<RolloutStatus> = new Set(["COMPLETED", "ROLLED_BACK", "ABORTED"]);

/** The phase running now (ACTIVE or PAUSED), or, once the rollout ended, the last one that ran: where it ended. */
export function phaseInFocus<P extends PhaseForRollout>(status: RolloutStatus, phases: readonly P[]): P | undefined {
  const running = phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED");
  if (running || !ENDED_ROLLOUT.has(status)) return running;
  return [...phases].filter((p) => p.startedAt !== null).sort((a, b) => b.position - a.position)[0];
}

/** "Canary · 10% traffic", "Rolled back in Canary (10% traffic)", "Completed after Full (100% traffic)", "Not started". */
export function rolloutPosition(rollout: { status: RolloutStatus }, phases: readonly PhaseForRollout[]): string {
  const phase = phaseInFocus(rollout.status, phases);
  const where = phase ? `${phase.name} (${phase.trafficPercent}% traffic)` : "";
  switch (rollout.status) {
    case "DRAFT":
      return "Not started";
    case "ACTIVE":
    case "PAUSED":
      return phase ? `${phase.name} · ${phase.trafficPercent}% traffic${rollout.status === "PAUSED" ? " · paused" : ""}` : ROLLOUT_STATUS[rollout.status].label;
    case "COMPLETED":
      return phase ? `Completed after ${where}` : "Completed";
    case "ROLLED_BACK":
      return phase ? `Rolled back in ${where}` : "Rolled back";
    case "ABORTED":
      return phase ? `Aborted in ${where}` : "Aborted";
  }
}

/** The end of a stopwatch: the rollout's end once it ended (clocks stop), else now. */
export function clockEnd(rollout: { status: RolloutStatus; endedAt: string | Date | null }, now: number): number {
  return ENDED_ROLLOUT.has(rollout.status) && rollout.endedAt ? new Date(rollout.endedAt).getTime() : now;
}

// ---------------------------------------------------------------------------------------------------------------------
// Stakeholder status, in Statuspage's words, with an incident-like state

export type OverallStatus = "Operational" | "Degraded Performance" | "Partial Outage" | "Major Outage" | "Under Maintenance" | "No live metrics";
export type IncidentState = "Investigating" | "Identified" | "Monitoring" | "Resolved";
/** A headline tile's colour as the stakeholder sees it ("unknown": no fresh value; "none": fresh but no thresholds). */
export type TileLevel = "ok" | "warn" | "breach" | "unknown" | "none";

export const OVERALL_TONE: Record<OverallStatus, Tone> = {
  Operational: "ok",
  "Degraded Performance": "warn",
  "Partial Outage": "breach",
  "Major Outage": "breach",
  "Under Maintenance": "active",
  "No live metrics": "neutral",
};

export type StakeholderStatus = { overall: OverallStatus; incident: IncidentState | null; summary: string };

/**
 * What a stakeholder is told. While the rollout runs, the running phase's triggers and verdict count with the
 * fresh headline tiles: a firing trigger is a major outage (Identified: the new build), a FAIL verdict or a tile
 * in breach a partial outage, a pending trigger or a tile in warning degraded performance (Investigating). Once the
 * rollout has ended, its frozen triggers no longer describe the service: the tiles do. After a rollback (or an
 * abort after trouble) it is Monitoring until the tiles have all been healthy for `recoveryMs` (healthySince),
 * then Resolved. No fresh tile at all reads "No live metrics", never Operational.
 */
export function stakeholderStatus(input: {
  rolloutStatus: RolloutStatus;
  /** The running phase's (or, after the end, the last phase's) triggers and verdict. */
  phase: { verdict: Verdict | null; triggers: readonly TriggerState[] } | null;
  tiles: readonly TileLevel[];
  /** A rollback action is running or waiting for its second approver. */
  rollingBack: boolean;
  /** Since when every fresh tile has been healthy (null: not healthy now). */
  healthySince: number | null;
  now: number;
  recoveryMs: number;
}): StakeholderStatus {
  const live = input.tiles.filter((t) => t !== "unknown");
  const fromTiles: OverallStatus =
    live.length === 0 ? "No live metrics" : live.includes("breach") ? "Partial Outage" : live.includes("warn") ? "Degraded Performance" : "Operational";
  const triggers = input.phase?.triggers ?? [];
  const running = input.rolloutStatus === "ACTIVE" || input.rolloutStatus === "PAUSED";

  if (input.rollingBack) return { overall: worst(fromTiles, "Partial Outage"), incident: "Identified", summary: "Rolling back to the previous version" };
  if (running) {
    if (triggers.includes("FIRING")) return { overall: "Major Outage", incident: "Identified", summary: "A rollback trigger fired: the team is acting on it" };
    if (input.phase?.verdict === "FAIL") return { overall: worst(fromTiles, "Partial Outage"), incident: "Identified", summary: "This step failed its checks: the team is acting on it" };
    if (triggers.includes("PENDING") || fromTiles === "Partial Outage" || fromTiles === "Degraded Performance") {
      return { overall: worst(fromTiles, "Degraded Performance"), incident: "Investigating", summary: "Some numbers are off: the team is looking into it" };
    }
    if (input.rolloutStatus === "PAUSED") return { overall: fromTiles === "No live metrics" ? fromTiles : "Under Maintenance", incident: null, summary: "Paused by the team" };
    return { overall: fromTiles, incident: null, summary: fromTiles === "No live metrics" ? "In progress; no live metrics" : "In progress; healthy" };
  }
  if (input.rolloutStatus === "ROLLED_BACK" || (input.rolloutStatus === "ABORTED" && triggers.some(hasTriggerFired))) {
    const what = input.rolloutStatus === "ROLLED_BACK" ? "Rolled back to the previous version" : "Stopped";
    const recovered = input.healthySince !== null && input.now - input.healthySince >= input.recoveryMs && fromTiles === "Operational";
    if (recovered) return { overall: "Operational", incident: "Resolved", summary: `${what}; service healthy` };
    return { overall: fromTiles, incident: "Monitoring", summary: `${what}; watching the service recover` };
  }
  if (input.rolloutStatus === "COMPLETED") return { overall: fromTiles, incident: null, summary: "Rollout completed" };
  if (input.rolloutStatus === "ABORTED") return { overall: fromTiles, incident: null, summary: "Rollout stopped" };
  return { overall: fromTiles, incident: null, summary: "Not started yet" };
}

const SEVERITY: OverallStatus[] = ["No live metrics", "Operational", "Under Maintenance", "Degraded Performance", "Partial Outage", "Major Outage"];
function worst(a: OverallStatus, b: OverallStatus): OverallStatus {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

// ---------------------------------------------------------------------------------------------------------------------
// "Do this now": what calls for the room's attention in the running phase

type CriterionForAttention = { id: string; kind: CriterionKind; description: string; state: TriggerState; stateSince: string | null; lastValue: number | null; unit: string | null; comparator: Comparator; threshold: number };
type PhaseForAttention = { id: string; name: string; status: PhaseStatus; verdict: Verdict | null; criteria: readonly CriterionForAttention[] };

export type Attention = {
  phase: { id: string; name: string; verdict: Verdict | null };
  /** Pending or Firing triggers, firing first. */
  triggers: CriterionForAttention[];
  /** The verdict is FAIL. */
  failed: boolean;
};

/** Null when nothing needs doing now; else the running phase with its Pending or Firing triggers, or its FAIL. */
export function attentionOf(phases: readonly PhaseForAttention[]): Attention | null {
  const phase = phases.find((p) => p.status === "ACTIVE" || p.status === "PAUSED");
  if (!phase) return null;
  const triggers = phase.criteria
    .filter((c) => c.kind === "ROLLBACK_TRIGGER" && isTriggerActive(c.state))
    .sort((a, b) => (a.state === b.state ? 0 : a.state === "FIRING" ? -1 : 1));
  const failed = phase.verdict === "FAIL";
  if (triggers.length === 0 && !failed) return null;
  return { phase: { id: phase.id, name: phase.name, verdict: phase.verdict }, triggers, failed };
}
