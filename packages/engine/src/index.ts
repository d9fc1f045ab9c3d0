export {
  type AuditEventFilter,
  findAuditEvents,
  LEGACY_STATUS_ACTION,
  TRANSITION_ACTION,
} from "./audit/audit-trail.ts";
export {
  type ChangeContext,
  changeConfig,
  configHistory,
  type QueueConfigVersion,
  readLiveConfig,
} from "./config/config-store.ts";
export { LiveConfig, type LiveConfigOptions } from "./config/live-config.ts";
export { assertRollbackPossible, rollBack } from "./config/rollback.ts";
export { type AttemptOutcome, type AttemptRequest, ExecutionManager } from "./execution/execution-manager.ts";
export * from "./guard/index.ts";
export * from "./health/index.ts";
export { LegacyProcessor } from "./legacy/legacy-processor.ts";
export type { OrderMetrics } from "./metrics/order-metrics.ts";
export * from "./migration/index.ts";
export { OrderExecutor } from "./new-system/order-executor.ts";
export { ResourceMonitor, type ResourceSnapshot } from "./new-system/resource-monitor.ts";
export { QueueEngine, type QueueEngineOptions } from "./queue-engine.ts";
export {
  jobIdForAttempt,
  SystemQueues,
  type WorkOrderJobData,
} from "./queues/system-queues.ts";
export { type ReconcileReport, Reconciler } from "./reconciler.ts";
export type { EngineResources } from "./resources.ts";
export {
  type BulkResubmitPlan,
  type BulkResubmitRequest,
  PLAN_COUNT_CAP,
  planBulkResubmit,
  resumeBulkResubmit,
  startBulkResubmit,
} from "./resubmission/bulk-resubmit.ts";
export type { ResubmitFilter } from "./resubmission/bulk-resubmit-filter.ts";
export { type ResubmitRequest, type ResubmitResult, resubmitFromAudit } from "./resubmission/resubmit.ts";
export { applyRetirementToLegacyQueue } from "./retirement/legacy-queue-pause.ts";
export {
  checkRetirement,
  type RetirementCheck,
  retireLegacy,
  unretireLegacy,
} from "./retirement/legacy-retirement.ts";
export { QueueManager, type RoutedSubmission, type RoutedSubmitInput } from "./routing/queue-manager.ts";
export { previewRollout, type RolloutPreviewRequest } from "./routing/rollout-preview.ts";
export * from "./runs/index.ts";
export {
  type SandboxProvider,
  type SandboxRunRequest,
  type SandboxRunResult,
  SubprocessSandbox,
} from "./sandbox/index.ts";
export {
  type ConsistencyRate,
  latestShadowMismatches,
  ShadowComparator,
  shadowConsistency,
} from "./shadow/shadow-comparator.ts";
export {
  type SystemStats,
  type SystemStatsWindow,
  systemStats,
  systemStatsWindow,
} from "./shadow/system-stats.ts";
export * from "./system/index.ts";
export { type CancelDeps, type CancelResult, cancelWorkOrder } from "./work-orders/cancel.ts";
export { type ProducerSubmission, ProducerSubmitter } from "./work-orders/producer-submit.ts";
export { type SubmitRequest, type SubmittedOrder, WorkOrderSubmitter } from "./work-orders/submit.ts";
export type { SubmitGroupOptions } from "./work-orders/submit-group.ts";
export type { ReplayedOrder, SubmitIdempotency } from "./work-orders/submit-idempotency.ts";
export { applyTransition } from "./work-orders/transition-batcher.ts";
export type { TransitionRequest } from "./work-orders/transition-writer.ts";
export {
  findWorkOrders,
  type OrderListRequest,
  readWorkOrderDetail,
} from "./work-orders/work-order-reads.ts";
