/**
 * BullMQ queue names of the two systems, and of the background runs (in-flight migration, bulk
 * resubmission) that workers execute. Every key lives under a prefix (BullMQ's `prefix`
 * option), so tests and side-by-side deployments on one Redis never see each other's jobs.
 */
export const QUEUE_NAMES = {
  legacy: "legacy",
  newSystem: "new-system",
  runs: "runs",
} as const;

/** @defaultValue "qmc" */
export const DEFAULT_QUEUE_PREFIX = "qmc";
