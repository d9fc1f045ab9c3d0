/**
 * @qmc/core — the pure domain of the queue migration console: work-order states and transitions,
 * legacy status mapping, rollout routing, retry policy, monitoring thresholds and shadow
 * comparison. No I/O: time and randomness are parameters.
 */

export {
  type AuditEntrySource,
  type AuditPosition,
  auditEntryId,
  formatAuditCursor,
  parseAuditCursor,
} from "./audit-cursor.ts";
export {
  COMPARED_FIELDS,
  type ComparedField,
  compareOutcomes,
  DEFAULT_DURATION_TOLERANCE,
  type DurationTolerance,
  durationsMatch,
  type ExecutionOutcome,
  type OutcomeComparison,
  type OutcomeDifference,
} from "./comparison.ts";
export {
  assertReason,
  initialQueueConfig,
  MAX_REASON_LENGTH,
  planConfigChange,
  type QueueConfigChange,
  type QueueConfigValues,
  toRoutingConfig,
} from "./config/queue-config.ts";
export {
  ERROR_CLASSES,
  type ErrorClass,
  isErrorClass,
  isRetryableErrorClass,
  RETRYABLE_ERROR_CLASSES,
} from "./error-classes.ts";
export { DOMAIN_ERROR_CODES, DomainError, type DomainErrorCode, isDomainError } from "./errors.ts";
export {
  canAdvanceLegacyStatus,
  isLegacyStatus,
  isLegacyTerminalStatus,
  LEGACY_STATUSES,
  LEGACY_TERMINAL_STATUSES,
  type LegacyStatus,
  legacyStatusToState,
  nextLegacyStatuses,
  parseLegacyStatus,
} from "./legacy-status.ts";
export * from "./metrics/index.ts";
export * from "./phase/index.ts";
export { decideRetry, type RetryDecision, type RetryInput } from "./retry-decision.ts";
export {
  assertValidAttempt,
  assertValidRetryPolicy,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from "./retry-policy.ts";
export {
  assertValidRolloutPercent,
  isValidRolloutPercent,
  QUEUE_SYSTEMS,
  type QueueSystem,
  ROUTING_BUCKET_COUNT,
  type RouteDecision,
  type RouteReason,
  type RoutingConfig,
  rolloutPercentToBasisPoints,
  routeWorkOrder,
  routingBucket,
} from "./routing.ts";
export { previewRouteChange, type RoutePreview } from "./routing-preview.ts";
export * from "./scheduling/index.ts";
export {
  canTransition,
  type FailOutcome,
  type PlannedTransition,
  planTransition,
  TRANSITION_TABLE,
  type TransitionRow,
  type TransitionTarget,
  validEvents,
} from "./state-machine.ts";
export {
  ACTIVE_STATES,
  CANCELLABLE_STATES,
  isActiveState,
  isCancellableState,
  isTerminalState,
  isWaitingState,
  isWorkOrderEvent,
  isWorkOrderState,
  TERMINAL_STATES,
  type TerminalState,
  WORK_ORDER_EVENTS,
  WORK_ORDER_STATES,
  type WorkOrderEvent,
  type WorkOrderState,
} from "./states.ts";
export * from "./tasks/index.ts";
export {
  describeAction,
  type EvaluationAction,
  formatPercent,
  NEW_SYSTEM_SUBJECT,
  NO_WORKERS_SUBJECT,
  type ThresholdEvaluation,
  type ThresholdStatus,
} from "./threshold-evaluation.ts";
export {
  ERROR_RATE_COUNTING,
  effectiveMinSample,
  MIN_DEPTH_SPAN_SECONDS,
  minDepthSpanSeconds,
} from "./threshold-rules.ts";
export {
  assertValidThresholdSetting,
  DEFAULT_MEMORY_HOLD_SECONDS,
  DEFAULT_MIN_SAMPLE,
  DEFAULT_THRESHOLD_WINDOW_SECONDS,
  DEFAULT_THRESHOLDS,
  MEMORY_RESTORE_BELOW,
  MEMORY_RESTORE_GAP,
  MIN_WINDOW_SECONDS,
  memoryHoldSeconds,
  memoryRestoreLevel,
  THRESHOLD_ACTIONS,
  THRESHOLD_METRICS,
  type ThresholdAction,
  type ThresholdMetric,
  type ThresholdSetting,
  thresholdWindows,
} from "./threshold-settings.ts";
export { evaluateThresholds } from "./thresholds.ts";
export {
  type DepthTrend,
  type LegacyP99Baseline,
  queueDepthTrend,
  type WindowStats,
} from "./window-stats.ts";
