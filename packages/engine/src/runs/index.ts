/** Background runs: long operations (in-flight migration, bulk re-submission) executed by workers. */
export { type ProcessRunOptions, processRun, type RunOutcome } from "./process-run.ts";
export { RunExecutor, type RunExecutorOptions } from "./run-executor.ts";
export { ensureRunJob } from "./run-queue.ts";
export { ACTIVE_RUN_STATUSES, isActiveRun } from "./run-status.ts";
export type { RunDeps } from "./run-step.ts";
export { findRun, listRuns, type RunActor, requestCancel } from "./run-store.ts";
