/**
 * Redis keys of the health guard, under the deployment's prefix. The lease names the one worker
 * that evaluates; the last evaluation is what the health read API shows as live values; the
 * memory hold remembers, per worker, since when usage has been below the restore level.
 */
export function guardKeys(prefix: string) {
  return {
    lease: `${prefix}:guard:lease`,
    lastEvaluation: `${prefix}:guard:last-evaluation`,
    memoryBelowSince: `${prefix}:guard:memory-below-since`,
  } as const;
}

/** Postgres advisory lock (by name) that serialises every write of gate decisions. */
export const GUARD_DECISION_LOCK = "qmc:guard:decisions";

/** The audit actor of the guard's own writes. */
export function guardActor(workerId: string): string {
  return `guard:${workerId}`;
}
