import type { Prisma } from "@/lib/db/generated/client";
import type { Jsonify } from "./json";

// What each entity looks like to clients: one select per entity, shared by reads, events and the API.
// Secrets (action headers) and private fields are simply not selected.

export const userRefSelect = { id: true, name: true, role: true } satisfies Prisma.UserSelect;

export const itemSelect = {
  id: true,
  rolloutId: true,
  sectionId: true,
  parentId: true,
  position: true,
  text: true,
  ownerName: true,
  ownerId: true,
  dueOffsetMinutes: true,
  state: true,
  checkedAt: true,
  checkedBy: { select: userRefSelect },
  note: true,
  version: true,
  updatedAt: true,
} satisfies Prisma.ChecklistItemSelect;
export type ItemView = Jsonify<Prisma.ChecklistItemGetPayload<{ select: typeof itemSelect }>>;

export const sectionSelect = { id: true, parentId: true, position: true, title: true } satisfies Prisma.ChecklistSectionSelect;
export type SectionView = Jsonify<Prisma.ChecklistSectionGetPayload<{ select: typeof sectionSelect }>>;

export const criterionSelect = {
  id: true,
  phaseId: true,
  kind: true,
  metricKey: true,
  comparator: true,
  threshold: true,
  unit: true,
  pendingSeconds: true,
  autoRollback: true,
  description: true,
  state: true,
  stateSince: true,
  lastValue: true,
  lastEvaluatedAt: true,
} satisfies Prisma.CriterionSelect;
export type CriterionView = Jsonify<Prisma.CriterionGetPayload<{ select: typeof criterionSelect }>>;

export const phaseSelect = {
  id: true,
  position: true,
  name: true,
  trafficPercent: true,
  minDurationMinutes: true,
  status: true,
  verdict: true,
  verdictAt: true,
  startedAt: true,
  endedAt: true,
  criteria: { select: criterionSelect, orderBy: { id: "asc" } },
} satisfies Prisma.PhaseSelect;
export type PhaseView = Jsonify<Prisma.PhaseGetPayload<{ select: typeof phaseSelect }>>;

export const signatureSelect = {
  id: true,
  gateId: true,
  decision: true,
  comment: true,
  trafficPercent: true,
  signerRole: true,
  approverTitle: true,
  evidence: true,
  createdAt: true,
  signer: { select: userRefSelect },
} satisfies Prisma.SignatureSelect;
export type SignatureView = Jsonify<Prisma.SignatureGetPayload<{ select: typeof signatureSelect }>>;

export const gateSelect = {
  id: true,
  phaseId: true,
  kind: true,
  name: true,
  position: true,
  requiredRoles: true,
  approverTitles: true,
  signatures: { select: signatureSelect, orderBy: { createdAt: "asc" } },
} satisfies Prisma.SignoffGateSelect;
export type GateView = Jsonify<Prisma.SignoffGateGetPayload<{ select: typeof gateSelect }>>;

export const contactSelect = {
  id: true,
  kind: true,
  role: true,
  name: true,
  phone: true,
  chatHandle: true,
  email: true,
  escalationLevel: true,
  escalateAfterMinutes: true,
  onCallFrom: true,
  onCallUntil: true,
  notes: true,
  position: true,
} satisfies Prisma.ContactSelect;
export type ContactView = Jsonify<Prisma.ContactGetPayload<{ select: typeof contactSelect }>>;

export const tileSelect = {
  id: true,
  key: true,
  label: true,
  unit: true,
  sourceKind: true,
  pollIntervalSeconds: true,
  direction: true,
  warnThreshold: true,
  breachThreshold: true,
  position: true,
  lastValue: true,
  lastSampleAt: true,
  lastError: true,
  lastErrorAt: true,
} satisfies Prisma.MetricTileSelect;
export type TileView = Jsonify<Prisma.MetricTileGetPayload<{ select: typeof tileSelect }>>;

// Where a tile reads from: for admins configuring tiles (GET /api/v1/rollouts/:id/tiles), never in events or the
// rollout state, since source URLs and queries describe internal systems.
export const tileConfigSelect = { ...tileSelect, rolloutId: true, query: true, sourceUrl: true } satisfies Prisma.MetricTileSelect;
export type TileConfigView = Jsonify<Prisma.MetricTileGetPayload<{ select: typeof tileConfigSelect }>>;

// Never url/headers/secretHeaders/bodyTemplate: action configuration stays with admins' own endpoint.
export const actionSummarySelect = {
  id: true,
  kind: true,
  name: true,
  allowedRoles: true,
  requiresSecondApprover: true,
  approvalWindowMinutes: true,
} satisfies Prisma.ActionSelect;
export type ActionSummary = Jsonify<Prisma.ActionGetPayload<{ select: typeof actionSummarySelect }>>;

// What everyone in the room sees of a run (events, war room): outcome and who, never the request sent or the
// response body, which stay with actionRunDetailSelect for those who may run actions.
export const actionRunSelect = {
  id: true,
  actionId: true,
  rolloutId: true,
  status: true,
  reason: true,
  params: true,
  idempotencyKey: true,
  responseStatus: true,
  error: true,
  attempts: true,
  durationMs: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  expiresAt: true,
  requestedBy: { select: userRefSelect },
  approvedBy: { select: userRefSelect },
  action: { select: { id: true, name: true, kind: true } },
} satisfies Prisma.ActionRunSelect;
export type ActionRunView = Jsonify<Prisma.ActionRunGetPayload<{ select: typeof actionRunSelect }>>;

// The request as sent with secret header values masked, and a bounded, scrubbed excerpt of the answer.
export const actionRunDetailSelect = { ...actionRunSelect, request: true, responseExcerpt: true } satisfies Prisma.ActionRunSelect;
export type ActionRunDetailView = Jsonify<Prisma.ActionRunGetPayload<{ select: typeof actionRunDetailSelect }>>;

export const rolloutSummarySelect = {
  id: true,
  name: true,
  service: true,
  description: true,
  status: true,
  plannedStartAt: true,
  startedAt: true,
  endedAt: true,
  lastSeq: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.RolloutSelect;
export type RolloutSummary = Jsonify<Prisma.RolloutGetPayload<{ select: typeof rolloutSummarySelect }>>;
