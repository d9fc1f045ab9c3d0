import { DomainError } from "./errors.ts";

/** How a task kind retries: exponential backoff with a cap and jitter. */
export interface RetryPolicy {
  /** Total attempts including the first; 1 means "never retry". */
  maxAttempts: number;
  /** Delay before the 2nd attempt, before jitter. */
  initialDelayMs: number;
  /** Upper bound of any delay, jitter included. */
  maxDelayMs: number;
  /** Growth of the delay per failed attempt (≥ 1). */
  factor: number;
  /** Fraction 0 … 1 of the delay that is randomised: 0.2 → delay × [0.8, 1.2). */
  jitter: number;
}

/** The policy a task kind gets unless its catalog entry says otherwise. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  factor: 2,
  jitter: 0.2,
});

// Bounds that keep a typo (a delay in seconds read as days, 10^6 attempts) from being accepted.
const MAX_ATTEMPTS_LIMIT = 100;
const MAX_DELAY_LIMIT_MS = 24 * 60 * 60 * 1000;
const MAX_FACTOR = 10;

function policyProblems(p: RetryPolicy): string[] {
  const problems: string[] = [];
  const int = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!int(p.maxAttempts, 1, MAX_ATTEMPTS_LIMIT))
    problems.push(`maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT} (got ${p.maxAttempts})`);
  if (!int(p.initialDelayMs, 0, MAX_DELAY_LIMIT_MS))
    problems.push(
      `initialDelayMs must be an integer from 0 to ${MAX_DELAY_LIMIT_MS} (got ${p.initialDelayMs})`,
    );
  if (!int(p.maxDelayMs, 0, MAX_DELAY_LIMIT_MS))
    problems.push(`maxDelayMs must be an integer from 0 to ${MAX_DELAY_LIMIT_MS} (got ${p.maxDelayMs})`);
  else if (Number.isFinite(p.initialDelayMs) && p.maxDelayMs < p.initialDelayMs)
    problems.push(`maxDelayMs (${p.maxDelayMs}) must be ≥ initialDelayMs (${p.initialDelayMs})`);
  if (!(Number.isFinite(p.factor) && p.factor >= 1 && p.factor <= MAX_FACTOR))
    problems.push(`factor must be a number from 1 to ${MAX_FACTOR} (got ${p.factor})`);
  if (!(Number.isFinite(p.jitter) && p.jitter >= 0 && p.jitter <= 1))
    problems.push(`jitter must be a fraction from 0 to 1 (got ${p.jitter})`);
  return problems;
}

/**
 * Checks a retry policy (task catalog entries, admin edits).
 * @throws DomainError INVALID_RETRY_POLICY listing every problem found.
 */
export function assertValidRetryPolicy(policy: RetryPolicy): void {
  const problems = policyProblems(policy);
  if (problems.length === 0) return;
  throw new DomainError("INVALID_RETRY_POLICY", `Invalid retry policy: ${problems.join("; ")}`, {
    policy: { ...policy },
    problems,
  });
}

/**
 * Checks the number of the attempt that just failed.
 * @throws DomainError INVALID_ATTEMPT unless it is an integer ≥ 1.
 */
export function assertValidAttempt(attempt: number): void {
  if (Number.isInteger(attempt) && attempt >= 1) return;
  throw new DomainError(
    "INVALID_ATTEMPT",
    `attempt must be the 1-based number of the attempt that just failed, an integer ≥ 1 (got ${attempt})`,
    { attempt },
  );
}

/**
 * Delay before the next attempt, in whole milliseconds:
 * `min(initialDelayMs × factor^(attempt − 1), maxDelayMs)`, then moved by up to ±jitter of
 * itself, and clamped to 0 … maxDelayMs.
 *
 * @param attempt - 1-based number of the attempt that just failed.
 * @param random - uniform in [0, 1) (e.g. `Math.random`); injected so tests are deterministic.
 * @throws DomainError INVALID_RETRY_POLICY or INVALID_ATTEMPT.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  assertValidRetryPolicy(policy);
  assertValidAttempt(attempt);
  // Math.min before multiplying by jitter keeps huge attempts from overflowing to Infinity × 0.
  const exponential =
    policy.initialDelayMs === 0 ? 0 : policy.initialDelayMs * policy.factor ** (attempt - 1);
  const base = Math.min(exponential, policy.maxDelayMs);
  const r = Math.min(Math.max(random(), 0), 1); // a misbehaving source must not break the bounds
  const jittered = base * (1 + policy.jitter * (2 * r - 1));
  return Math.min(Math.max(Math.round(jittered), 0), policy.maxDelayMs);
}
