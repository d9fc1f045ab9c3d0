import { LEGACY_STATUSES, QUEUE_SYSTEMS, WORK_ORDER_EVENTS, WORK_ORDER_STATES } from "@qmc/core";
import { z } from "zod";

/**
 * Output shapes of the rows the API returns. Outputs are validated, and unknown keys are
 * stripped: a column added later (or a secret) never leaks by accident.
 */
const ZState = z.enum(WORK_ORDER_STATES);
const ZSystem = z.enum(QUEUE_SYSTEMS);
const ZRole = z.enum(["PRIMARY", "SHADOW"]);
const date = z.date();
const nullableDate = z.date().nullable();

export const ZWorkOrder = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.unknown(),
  state: ZState,
  role: ZRole,
  priority: z.number().int(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextRetryAt: nullableDate,
  shadowOfId: z.string().nullable(),
  migrated: z.boolean(),
  originalSubmittedAt: nullableDate,
  resubmittedFromId: z.string().nullable(),
  submittedBy: z.string(),
  routeBucket: z.number().int().nullable(),
  configVersion: z.number().int().nullable(),
  cancelRequestedAt: nullableDate,
  workerId: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  outputDigest: z.string().nullable(),
  /** Left out of lists; present on a single order. */
  output: z.string().nullable().optional(),
  errorClass: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: date,
  updatedAt: date,
  startedAt: nullableDate,
  finishedAt: nullableDate,
});

export const ZStateTransition = z.object({
  id: z.bigint(),
  workOrderId: z.string(),
  fromState: ZState.nullable(),
  toState: ZState,
  event: z.enum(WORK_ORDER_EVENTS),
  at: date,
  attempt: z.number().int(),
  workerId: z.string().nullable(),
  metadata: z.unknown(),
});

export const ZLegacyWorkOrder = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.unknown(),
  /** Free string in the legacy table; one of {@link LEGACY_STATUSES} in practice. */
  status: z.string(),
  priority: z.number().int(),
  submittedBy: z.string(),
  submittedAt: date,
  startedAt: nullableDate,
  finishedAt: nullableDate,
  updatedAt: date,
  workerId: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  outputDigest: z.string().nullable(),
  output: z.string().nullable().optional(),
  errorMessage: z.string().nullable(),
  routeBucket: z.number().int().nullable(),
  configVersion: z.number().int().nullable(),
  resubmittedFromId: z.string().nullable(),
  migratedAt: nullableDate,
});

export const ZLegacyStatusChange = z.object({
  id: z.bigint(),
  workOrderId: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  at: date,
  workerId: z.string().nullable(),
});

export const ZExecutionAttempt = z.object({
  id: z.bigint(),
  system: ZSystem,
  role: ZRole,
  workOrderId: z.string(),
  attempt: z.number().int(),
  workerId: z.string().nullable(),
  startedAt: date,
  endedAt: nullableDate,
  exitCode: z.number().int().nullable(),
  errorClass: z.string().nullable(),
  errorMessage: z.string().nullable(),
  outputDigest: z.string().nullable(),
  outputBytes: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  queuedMs: z.number().int().nullable(),
});

export const ZShadowComparison = z.object({
  id: z.string(),
  legacyWorkOrderId: z.string(),
  shadowWorkOrderId: z.string(),
  outcome: z.enum(["MATCH", "MISMATCH"]),
  differences: z.unknown(),
  legacyOutcome: z.unknown(),
  shadowOutcome: z.unknown(),
  comparedAt: date,
});

export const ZInFlightPlan = z.object({
  byStatus: z.record(z.enum(LEGACY_STATUSES), z.number().int()),
  toMove: z.number().int(),
  sampleIds: z.array(z.string()),
  generatedAt: date,
});

export const ZAuditEvent = z.object({
  /** An audit event's bigint id as a decimal; a new-system transition's `t<id>`, a legacy status change's `l<id>`. */
  id: z.string(),
  at: date,
  actor: z.string(),
  actorUserId: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  /** Config versions and the like; every salt in them is "[redacted]" for everyone but admins. */
  before: z.unknown(),
  after: z.unknown(),
  submission: z.unknown(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
});

export const ZWorker = z.object({
  workerId: z.string(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: date,
  lastSeenAt: date,
  systems: z.array(z.string()),
  slotsTotal: z.number().int(),
  slotsInUse: z.number().int(),
  concurrencyLimit: z.number().int(),
  memoryUsedRatio: z.number(),
  memoryPressure: z.string(),
  stoppedAt: nullableDate,
  alive: z.boolean(),
});

export const ZPublicUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(["VIEWER", "OPERATOR", "ADMIN"]),
  createdAt: date,
  disabledAt: nullableDate,
  /** The password was generated or reset by an admin: it must be changed at the next sign-in. */
  mustChangePassword: z.boolean(),
});

export const ZAuthUser = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(["VIEWER", "OPERATOR", "ADMIN"]),
  via: z.enum(["session", "token"]),
  tokenId: z.string().optional(),
  /** What the API token may do, when `via` is "token". */
  scopes: z.array(z.string()).optional(),
  /** True until the person changes a generated or admin-set password (auth.changePassword). */
  mustChangePassword: z.boolean(),
});

/** An API token as listed: never the token or its hash, only the public prefix. */
export const ZApiTokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  /** What the token may do (auth.tokenScopes lists them). */
  scopes: z.array(z.string()),
  createdAt: date,
  lastUsedAt: nullableDate,
  expiresAt: nullableDate,
  revokedAt: nullableDate,
});

/** A console session as an admin sees it: never its id, only the first 8 characters of it. */
export const ZSessionSummary = z.object({
  idPrefix: z.string(),
  createdAt: date,
  lastSeenAt: date,
  expiresAt: date,
  userAgent: z.string().nullable(),
});

export const ZQueueConfigView = z.object({
  version: z.number().int(),
  useNewQueueSystem: z.boolean(),
  shadowMode: z.boolean(),
  newQueueRolloutPercent: z.number(),
  /** Admins only; null for everyone else. */
  salt: z.string().nullable(),
  paused: z.boolean(),
  pausedReason: z.string().nullable(),
  legacyRetired: z.boolean(),
  actor: z.string(),
  reason: z.string(),
  createdAt: date,
});

export const ZRoutedSubmission = z.object({
  id: z.string(),
  system: ZSystem,
  route: z.object({
    system: ZSystem,
    shadow: z.boolean(),
    bucket: z.number().int(),
    thresholdBasisPoints: z.number().int(),
    reason: z.enum(["switch-off", "in-rollout", "outside-rollout", "legacy-retired"]),
    configVersion: z.number().int(),
  }),
  shadowId: z.string().nullable(),
  enqueued: z.boolean(),
});
