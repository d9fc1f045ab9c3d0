import { type ErrorClass, isRetryableErrorClass } from "./error-classes.ts";
import {
  assertValidAttempt,
  assertValidRetryPolicy,
  backoffDelayMs,
  type RetryPolicy,
} from "./retry-policy.ts";

/** What to do after an attempt failed. Pure data: the caller applies it. */
export type RetryDecision =
  | { type: "retry"; retryAt: Date; delayMs: number; nextAttempt: number }
  | { type: "fail"; reason: "fatal-error" | "attempts-exhausted" }
  | { type: "cancel" };

/** Inputs of {@link decideRetry}. */
export interface RetryInput {
  policy: RetryPolicy;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  errorClass: ErrorClass;
  /** The time of the failure; `retryAt` is computed from it. */
  now: Date;
  /** Uniform in [0, 1), for jitter. */
  random: () => number;
  /** An operator asked to cancel: never retry a cancelled order. */
  cancelRequested: boolean;
}

/**
 * Decides retry vs. give-up after a failed attempt, in this order: a requested cancel wins; a
 * fatal error class fails at once; the last allowed attempt (`attempt ≥ maxAttempts`) fails as
 * exhausted; otherwise retry after the backoff delay. Map the result to the state machine with
 * `failOutcome = decision.type === "retry" ? "retry" : "fail"` (a cancel is the CANCEL event).
 * @throws DomainError INVALID_RETRY_POLICY or INVALID_ATTEMPT (not when a cancel is requested).
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { policy, attempt, errorClass, now, random, cancelRequested } = input;
  // Checked before validation: a broken policy must never keep an operator from cancelling.
  if (cancelRequested) return { type: "cancel" };
  assertValidRetryPolicy(policy);
  assertValidAttempt(attempt);
  if (!isRetryableErrorClass(errorClass)) return { type: "fail", reason: "fatal-error" };
  if (attempt >= policy.maxAttempts) return { type: "fail", reason: "attempts-exhausted" };
  const delayMs = backoffDelayMs(policy, attempt, random);
  return { type: "retry", retryAt: new Date(now.getTime() + delayMs), delayMs, nextAttempt: attempt + 1 };
}
