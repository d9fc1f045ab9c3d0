import { type DomainErrorCode, isDomainError } from "@qmc/core";
import { TRPCError } from "@trpc/server";

type TrpcCode = TRPCError["code"];

/** How each domain error reaches a client: an HTTP-meaningful tRPC code plus the domain code. */
const STATUS_OF: Record<DomainErrorCode, TrpcCode> = {
  INVALID_TRANSITION: "CONFLICT",
  UNKNOWN_LEGACY_STATUS: "BAD_REQUEST",
  INVALID_ROLLOUT_PERCENT: "BAD_REQUEST",
  INVALID_RETRY_POLICY: "BAD_REQUEST",
  INVALID_THRESHOLD: "BAD_REQUEST",
  INVALID_ATTEMPT: "BAD_REQUEST",
  UNKNOWN_TASK_KIND: "BAD_REQUEST",
  INVALID_PAYLOAD: "BAD_REQUEST",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  INVALID_PRIORITY: "BAD_REQUEST",
  COMMAND_NOT_ALLOWED: "FORBIDDEN",
  BACKPRESSURE: "TOO_MANY_REQUESTS",
  TRANSITION_CONFLICT: "CONFLICT",
  WORK_ORDER_NOT_FOUND: "NOT_FOUND",
  REASON_REQUIRED: "BAD_REQUEST",
  ROLLOUT_PAUSED: "PRECONDITION_FAILED",
  INVALID_SALT: "BAD_REQUEST",
  CONFIG_VERSION_CONFLICT: "CONFLICT",
  RETIREMENT_BLOCKED: "PRECONDITION_FAILED",
  MIGRATION_RUN_NOT_FOUND: "NOT_FOUND",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  INVALID_EMAIL: "BAD_REQUEST",
  WEAK_PASSWORD: "BAD_REQUEST",
  EMAIL_TAKEN: "CONFLICT",
  USER_NOT_FOUND: "NOT_FOUND",
  AUDIT_EVENT_NOT_RESUBMITTABLE: "NOT_FOUND",
  IDEMPOTENCY_KEY_IN_USE: "CONFLICT",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INVALID_INPUT: "BAD_REQUEST",
  STALE_ATTEMPT: "CONFLICT",
  RUN_IN_PROGRESS: "CONFLICT",
  RUN_NOT_ACTIVE: "CONFLICT",
  LEGACY_RETIRED: "PRECONDITION_FAILED",
};

/** Domain errors become typed tRPC errors; anything else stays an internal error (logged, not leaked). */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (isDomainError(error)) {
    return new TRPCError({
      code: STATUS_OF[error.code] ?? "BAD_REQUEST",
      message: error.message,
      cause: error,
    });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "Internal error; it has been logged.",
    cause: error,
  });
}

/** What a client sees in `error.data`: the domain code and its facts, never a stack. */
export function domainErrorData(cause: unknown): {
  domainCode: DomainErrorCode | null;
  details: Record<string, unknown> | null;
} {
  return isDomainError(cause)
    ? { domainCode: cause.code, details: cause.details }
    : { domainCode: null, details: null };
}
