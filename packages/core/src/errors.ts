/**
 * Every code a {@link DomainError} can carry. Callers (tRPC, job handlers) switch on the code and
 * never parse the message, which is written for people.
 */
export const DOMAIN_ERROR_CODES = [
  "INVALID_TRANSITION",
  "UNKNOWN_LEGACY_STATUS",
  "INVALID_ROLLOUT_PERCENT",
  "INVALID_RETRY_POLICY",
  "INVALID_THRESHOLD",
  "INVALID_ATTEMPT",
  // Task submission (src/tasks/).
  "UNKNOWN_TASK_KIND",
  "INVALID_PAYLOAD",
  "PAYLOAD_TOO_LARGE",
  "INVALID_PRIORITY",
  "COMMAND_NOT_ALLOWED",
  "BACKPRESSURE",
  "TRANSITION_CONFLICT",
  "WORK_ORDER_NOT_FOUND",
  "REASON_REQUIRED",
  "ROLLOUT_PAUSED",
  "INVALID_SALT",
  "CONFIG_VERSION_CONFLICT",
  "RETIREMENT_BLOCKED",
  "MIGRATION_RUN_NOT_FOUND",
  "INVALID_CREDENTIALS",
  "INVALID_EMAIL",
  "WEAK_PASSWORD",
  "EMAIL_TAKEN",
  "USER_NOT_FOUND",
  "AUDIT_EVENT_NOT_RESUBMITTABLE",
  "IDEMPOTENCY_KEY_IN_USE",
  "IDEMPOTENCY_KEY_REUSED",
  // Faults and fencing (reliability).
  "SERVICE_UNAVAILABLE",
  "INVALID_INPUT",
  "STALE_ATTEMPT",
  "RUN_IN_PROGRESS",
  "RUN_NOT_ACTIVE",
  "LEGACY_RETIRED",
  // Account lifecycle.
  "LAST_ADMIN",
  "PASSWORD_CHANGE_REQUIRED",
  "SESSION_REQUIRED",
  // API token scopes.
  "SCOPE_MISSING",
  "SCOPE_NOT_ALLOWED",
  // Request limits (body size, batch size, sign-in throttling).
  "BATCH_TOO_LARGE",
  "RATE_LIMITED",
  // Health guard decisions.
  "GATE_DECISION_NOT_FOUND",
  "GATE_DECISION_NOT_OPEN",
] as const;

/** A stable, machine-readable reason for a {@link DomainError}. */
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * An error raised by a rule of the domain (bad input or a forbidden operation), as opposed to an
 * infrastructure failure. The message says what was wrong and what is allowed; `details` holds the
 * same facts in structured form so an API can return them without string parsing.
 */
export class DomainError extends Error {
  /** Machine-readable reason; stable across releases. */
  readonly code: DomainErrorCode;
  /** Structured facts behind the message (offending value, allowed values, …). */
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(DOMAIN_ERROR_CODES);

/**
 * True when `e` is a {@link DomainError}. Falls back to a structural check because bundlers (Next.js)
 * can load this module twice, and then `instanceof` fails for an error from the other copy.
 */
export function isDomainError(e: unknown): e is DomainError {
  if (e instanceof DomainError) return true;
  if (!(e instanceof Error) || e.name !== "DomainError") return false;
  const candidate = e as Error & { code?: unknown; details?: unknown };
  return (
    typeof candidate.code === "string" &&
    KNOWN_CODES.has(candidate.code) &&
    typeof candidate.details === "object" &&
    candidate.details !== null
  );
}
