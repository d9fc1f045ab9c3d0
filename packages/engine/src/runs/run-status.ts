import type { BackgroundRunStatus, BackgroundRunType } from "@qmc/db";

/**
 * A run is active while it is QUEUED (waiting for a worker) or RUNNING (a worker has it): only
 * then does it hold its type's lock (`BackgroundRun.activeLock`), accept a cancel, or get a job.
 */
export const ACTIVE_RUN_STATUSES = ["QUEUED", "RUNNING"] as const satisfies readonly BackgroundRunStatus[];

export function isActiveRun(status: BackgroundRunStatus): boolean {
  return (ACTIVE_RUN_STATUSES as readonly BackgroundRunStatus[]).includes(status);
}

/** Prefix of a run's audit actions (`migration.start`, `bulk_resubmit.cancel`, …). */
export const RUN_AUDIT_PREFIX: Record<BackgroundRunType, string> = {
  IN_FLIGHT_MIGRATION: "migration",
  BULK_RESUBMIT: "bulk_resubmit",
};

/** For messages people read. */
export const RUN_LABEL: Record<BackgroundRunType, string> = {
  IN_FLIGHT_MIGRATION: "in-flight migration",
  BULK_RESUBMIT: "bulk resubmission",
};

/** The label with its article, to open a sentence ("An in-flight migration is …"). */
export const A_RUN_LABEL: Record<BackgroundRunType, string> = {
  IN_FLIGHT_MIGRATION: "An in-flight migration",
  BULK_RESUBMIT: "A bulk resubmission",
};

/** How a run ended; a run that is not active has one of these (or PLANNED/COMPLETED as a dry run). */
export type RunEnding = "COMPLETED" | "FAILED" | "CANCELLED";

/** The audit action that records an ending. */
export const ENDING_ACTION: Record<RunEnding, string> = {
  COMPLETED: "finish",
  FAILED: "fail",
  CANCELLED: "cancel",
};
