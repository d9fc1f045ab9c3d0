/** In-flight migration: queued legacy orders move to the new system (dry run, run, resume, progress). */
export type { BatchCounts } from "./migration-batch.ts";
export { MAX_BATCH_SIZE } from "./migration-run-filter.ts";
export {
  type InFlightMigrationPlan,
  MAX_PLAN_SAMPLE,
  type PlanOptions,
  planInFlightMigration,
} from "./plan-in-flight-migration.ts";
export {
  type DryRunRequest,
  type DryRunResult,
  InFlightMigration,
  type InFlightMigrationDeps,
  type MigrationRequest,
  type StartRequest,
} from "./run-in-flight-migration.ts";
