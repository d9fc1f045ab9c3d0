import { type DomainErrorCode, isDomainError } from "@qmc/core";
import type { Logger } from "@qmc/runtime";
import { TRPCError } from "@trpc/server";
import { infrastructureFault, RETRY_AFTER_SECONDS } from "./infra-errors.ts";

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
  /** The key was first used with another request (IETF idempotency-key draft: 422). */
  IDEMPOTENCY_KEY_REUSED: "UNPROCESSABLE_CONTENT",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INVALID_INPUT: "BAD_REQUEST",
  STALE_ATTEMPT: "CONFLICT",
  RUN_IN_PROGRESS: "CONFLICT",
  RUN_NOT_ACTIVE: "CONFLICT",
  LEGACY_RETIRED: "PRECONDITION_FAILED",
  LAST_ADMIN: "PRECONDITION_FAILED",
  PASSWORD_CHANGE_REQUIRED: "FORBIDDEN",
  SESSION_REQUIRED: "FORBIDDEN",
  SCOPE_MISSING: "FORBIDDEN",
  SCOPE_NOT_ALLOWED: "FORBIDDEN",
  BATCH_TOO_LARGE: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  GATE_DECISION_NOT_FOUND: "NOT_FOUND",
  GATE_DECISION_NOT_OPEN: "CONFLICT",
};

/** What every 500 says: the cause (driver text, stack) stays in the server log. */
export const INTERNAL_ERROR_MESSAGE = "Internal error; it has been logged.";

/**
 * Domain errors become typed tRPC errors, and so do infrastructure faults (Postgres or Redis not
 * answering → SERVICE_UNAVAILABLE; a value Postgres cannot store → INVALID_INPUT); anything else
 * is an internal error whose text never reaches the client.
 */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  const domainError = isDomainError(error) ? error : infrastructureFault(error);
  if (domainError) {
    return new TRPCError({
      code: STATUS_OF[domainError.code] ?? "BAD_REQUEST",
      message: domainError.message,
      cause: domainError,
    });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_ERROR_MESSAGE, cause: error });
}

/**
 * Seconds a client should wait before retrying `error` (the `Retry-After` header) when it is a
 * service that does not answer or a throttled caller; null when waiting will not help.
 */
export function retryAfterSeconds(error: TRPCError): number | null {
  const hint = isDomainError(error.cause) ? error.cause.details.retryAfterSeconds : undefined;
  if (error.code === "SERVICE_UNAVAILABLE") return typeof hint === "number" ? hint : RETRY_AFTER_SECONDS;
  if (error.code === "TOO_MANY_REQUESTS" && typeof hint === "number") return hint;
  return null;
}

const logged = new WeakSet<TRPCError>();

/**
 * Logs a failure once (a procedure's middleware and the HTTP handler both see it): internal
 * errors with their cause and stack, unavailable services as a warning; client errors not at all.
 */
export function logFailure(logger: Logger, error: TRPCError, path: string | undefined): void {
  if (logged.has(error)) return;
  logged.add(error);
  if (error.code === "INTERNAL_SERVER_ERROR") {
    logger.error({ err: error.cause ?? error, path }, "request failed");
  } else if (error.code === "SERVICE_UNAVAILABLE") {
    const cause = isDomainError(error.cause) ? error.cause : undefined;
    logger.warn(
      { err: cause?.cause ?? cause ?? error, path, service: cause?.details.service },
      "service unavailable",
    );
  }
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
