import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors.ts";
import {
  assertValidRetryPolicy,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from "./retry-policy.ts";

const exact: RetryPolicy = { ...DEFAULT_RETRY_POLICY, jitter: 0 };
const mid = () => 0.5; // jitter term 2r − 1 = 0

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isDomainError(e) ? e.code : "not-a-domain-error";
  }
  return undefined;
}

describe("DEFAULT_RETRY_POLICY", () => {
  it("is 3 attempts, 1 s doubling up to 60 s, 20 % jitter, and valid", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 3,
      initialDelayMs: 1000,
      maxDelayMs: 60000,
      factor: 2,
      jitter: 0.2,
    });
    expect(() => assertValidRetryPolicy(DEFAULT_RETRY_POLICY)).not.toThrow();
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe("backoffDelayMs", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32000],
    [7, 60000],
    [50, 60000],
    [100000, 60000],
  ])("without jitter, attempt %i waits exactly %i ms (capped)", (attempt, ms) => {
    expect(backoffDelayMs(exact, attempt, () => 0.99)).toBe(ms);
    expect(backoffDelayMs(exact, attempt, () => 0)).toBe(ms);
  });

  it("applies jitter symmetrically around the exponential delay", () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, () => 0)).toBe(1600); // 2000 × 0.8
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, mid)).toBe(2000);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, () => 0.75)).toBe(2200); // 2000 × 1.1
  });

  it("never exceeds the cap, even with upward jitter at the cap", () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 10, () => 0.999999)).toBe(60000);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 10, () => 0)).toBe(48000);
  });

  it("is 0 for a zero initial delay, whatever the attempt", () => {
    expect(backoffDelayMs({ ...DEFAULT_RETRY_POLICY, initialDelayMs: 0 }, 2000, mid)).toBe(0);
  });

  it("stays within [base × (1 − jitter), base × (1 + jitter)] ∩ [0, maxDelayMs] for any policy", () => {
    const policyArb = fc
      .record({
        maxAttempts: fc.integer({ min: 1, max: 100 }),
        initialDelayMs: fc.integer({ min: 0, max: 100_000 }),
        extraCapMs: fc.integer({ min: 0, max: 1_000_000 }),
        factor: fc.double({ min: 1, max: 10, noNaN: true }),
        jitter: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ extraCapMs, ...p }) => ({ ...p, maxDelayMs: p.initialDelayMs + extraCapMs }));
    const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 200 }), randomArb, (policy, attempt, r) => {
        const delay = backoffDelayMs(policy, attempt, () => r);
        const base = Math.min(policy.initialDelayMs * policy.factor ** (attempt - 1), policy.maxDelayMs);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(policy.maxDelayMs);
        // ±0.5 for rounding to whole milliseconds.
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - policy.jitter)) - 0.5);
        expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + policy.jitter)) + 0.5);
      }),
      { seed: 99, numRuns: 2000 },
    );
  });

  it("is non-decreasing in the attempt when there is no jitter", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (attempt) => {
        expect(backoffDelayMs(exact, attempt + 1, mid)).toBeGreaterThanOrEqual(
          backoffDelayMs(exact, attempt, mid),
        );
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it("keeps its bounds when the random source misbehaves", () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, () => -5)).toBe(1600);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, () => 7)).toBe(2400);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects attempt %s", (attempt) => {
    expect(codeOf(() => backoffDelayMs(DEFAULT_RETRY_POLICY, attempt, mid))).toBe("INVALID_ATTEMPT");
  });
});

describe("assertValidRetryPolicy", () => {
  it.each<[Partial<RetryPolicy>, string]>([
    [{ maxAttempts: 0 }, "maxAttempts must be an integer from 1 to 100 (got 0)"],
    [{ maxAttempts: 2.5 }, "maxAttempts"],
    [{ initialDelayMs: -1 }, "initialDelayMs must be an integer"],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, "maxDelayMs must be an integer"],
    [{ initialDelayMs: 5000, maxDelayMs: 1000 }, "maxDelayMs (1000) must be ≥ initialDelayMs (5000)"],
    [{ factor: 0.5 }, "factor must be a number from 1 to 10 (got 0.5)"],
    [{ factor: Number.NaN }, "factor"],
    [{ jitter: 1.5 }, "jitter must be a fraction from 0 to 1 (got 1.5)"],
    [{ jitter: -0.1 }, "jitter"],
  ])("rejects %j", (override, message) => {
    const policy = { ...DEFAULT_RETRY_POLICY, ...override };
    expect(codeOf(() => assertValidRetryPolicy(policy))).toBe("INVALID_RETRY_POLICY");
    expect(() => assertValidRetryPolicy(policy)).toThrow(message);
  });

  it("lists every problem at once", () => {
    try {
      assertValidRetryPolicy({ maxAttempts: 0, initialDelayMs: 1, maxDelayMs: 1, factor: 0, jitter: 2 });
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e) && e.details.problems).toHaveLength(3);
    }
  });

  it("accepts the edges: one attempt, no delay, factor 1, full jitter", () => {
    expect(() =>
      assertValidRetryPolicy({ maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 1 }),
    ).not.toThrow();
  });
});
