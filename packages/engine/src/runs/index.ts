/** Background runs: long operations (in-flight migration, bulk re-submission) executed by workers. */
export { type ProcessRunOptions, processRun, type RunOutcome } from "./process-run.ts";
export { RunExecutor, type RunExecutorOptions } from "./run-executor.ts";
export { type RunHolder, type RunHolderDeps, readRunHolder } from "./run-holder.ts";
export { ensureRunJob } from "./run-queue.ts";
export { ACTIVE_RUN_STATUSES, isActiveRun } from "./run-status.ts";
export type { RunDeps } from "./run-step.ts";
export { findRun, listRuns, type RunActor, requestCancel } from "./run-store.ts";
export {
  RUN_LOCK_DURATION_MS,
  RUN_LOCK_RENEW_MS,
  RUN_STALLED_INTERVAL_MS,
  RUN_TAKEOVER_MAX_MS,
} from "./run-takeover.ts";
