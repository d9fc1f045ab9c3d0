import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CLASSES, type ErrorClass, RETRYABLE_ERROR_CLASSES } from "./error-classes.ts";
import { decideRetry, type RetryInput } from "./retry-decision.ts";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.ts";

const now = new Date("2025-01-01T00:00:00.000Z");
const input = (overrides: Partial<RetryInput> = {}): RetryInput => ({
  policy: { ...DEFAULT_RETRY_POLICY, jitter: 0 },
  attempt: 1,
  errorClass: "TIMEOUT",
  now,
  random: () => 0.5,
  cancelRequested: false,
  ...overrides,
});

const FATAL: ErrorClass[] = ["OUTPUT_LIMIT", "INVALID_PAYLOAD", "NOT_ALLOWED"];
const RETRYABLE: ErrorClass[] = ["TIMEOUT", "EXIT_NONZERO", "CRASH", "STALLED", "INTERNAL"];

describe("decideRetry", () => {
  it("retries a retryable failure with the backoff delay, from `now`", () => {
    expect(decideRetry(input({ attempt: 2 }))).toEqual({
      type: "retry",
      retryAt: new Date("2025-01-01T00:00:02.000Z"),
      delayMs: 2000,
      nextAttempt: 3,
    });
  });

  it.each(RETRYABLE)("retries %s while attempts are left", (errorClass) => {
    expect(decideRetry(input({ errorClass })).type).toBe("retry");
  });

  it.each(FATAL)("never retries %s, even on the first attempt", (errorClass) => {
    expect(decideRetry(input({ errorClass, attempt: 1 }))).toEqual({ type: "fail", reason: "fatal-error" });
  });

  it("gives up exactly after maxAttempts: 3 attempts → retry, retry, fail", () => {
    expect(decideRetry(input({ attempt: 1 })).type).toBe("retry");
    expect(decideRetry(input({ attempt: 2 })).type).toBe("retry");
    expect(decideRetry(input({ attempt: 3 }))).toEqual({ type: "fail", reason: "attempts-exhausted" });
    expect(decideRetry(input({ attempt: 4 }))).toEqual({ type: "fail", reason: "attempts-exhausted" });
  });

  it("never retries when maxAttempts is 1", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };
    expect(decideRetry(input({ policy }))).toEqual({ type: "fail", reason: "attempts-exhausted" });
  });

  it("lets a requested cancel win over everything, even a broken policy", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ERROR_CLASSES),
        fc.integer({ min: 1, max: 10 }),
        (errorClass, attempt) => {
          expect(decideRetry(input({ errorClass, attempt, cancelRequested: true }))).toEqual({
            type: "cancel",
          });
        },
      ),
      { seed: 3, numRuns: 100 },
    );
    const broken = { ...DEFAULT_RETRY_POLICY, maxAttempts: 0 };
    expect(decideRetry(input({ policy: broken, cancelRequested: true }))).toEqual({ type: "cancel" });
  });

  it("retries iff retryable class and attempts left; retryAt is never before now", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ERROR_CLASSES),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (errorClass, attempt, r) => {
          const decision = decideRetry(
            input({ errorClass, attempt, random: () => r, policy: DEFAULT_RETRY_POLICY }),
          );
          const shouldRetry =
            RETRYABLE_ERROR_CLASSES.has(errorClass) && attempt < DEFAULT_RETRY_POLICY.maxAttempts;
          expect(decision.type).toBe(shouldRetry ? "retry" : "fail");
          if (decision.type === "retry") {
            expect(decision.retryAt.getTime() - now.getTime()).toBe(decision.delayMs);
            expect(decision.delayMs).toBeGreaterThanOrEqual(0);
            expect(decision.nextAttempt).toBe(attempt + 1);
          }
        },
      ),
      { seed: 17, numRuns: 500 },
    );
  });

  it("rejects an invalid policy or attempt when not cancelling", () => {
    expect(() => decideRetry(input({ policy: { ...DEFAULT_RETRY_POLICY, jitter: 3 } }))).toThrow("jitter");
    expect(() => decideRetry(input({ attempt: 0 }))).toThrow("integer ≥ 1");
  });

  it("does not mutate its inputs", () => {
    const args = input();
    decideRetry(args);
    expect(args.now.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    expect(args.policy).toEqual({ ...DEFAULT_RETRY_POLICY, jitter: 0 });
  });
});
