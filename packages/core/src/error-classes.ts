/**
 * How an attempt failed, as classified by the execution manager. The class, not the message,
 * decides whether a retry can help.
 */
export const ERROR_CLASSES = [
  "TIMEOUT",
  "EXIT_NONZERO",
  "EXIT_FATAL",
  "CRASH",
  "STALLED",
  "OUTPUT_LIMIT",
  "INVALID_PAYLOAD",
  "NOT_ALLOWED",
  "SPAWN_FAILED",
  "INTERRUPTED",
  "INTERNAL",
] as const;

/** A class of failure of one attempt. */
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/**
 * Failures a later attempt may not repeat (transient: time, process or host trouble, or an
 * attempt interrupted by a worker shutdown). The others are fatal because the same input fails
 * the same way: output over the cap, a payload that does not validate, a command outside the
 * allowlist or that cannot be started, or an exit code the task declares permanent.
 */
export const RETRYABLE_ERROR_CLASSES: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  "TIMEOUT",
  "EXIT_NONZERO",
  "CRASH",
  "STALLED",
  "INTERRUPTED",
  "INTERNAL",
]);

const CLASS_SET: ReadonlySet<string> = new Set(ERROR_CLASSES);

/** True when `s` is one of {@link ERROR_CLASSES} (e.g. a value read from the database). */
export function isErrorClass(s: string): s is ErrorClass {
  return CLASS_SET.has(s);
}

/** True when a failure of this class may be retried. */
export function isRetryableErrorClass(c: ErrorClass): boolean {
  return RETRYABLE_ERROR_CLASSES.has(c);
}
