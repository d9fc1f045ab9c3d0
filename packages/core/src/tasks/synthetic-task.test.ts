import { describe, expect, it } from "vitest";
import { planSyntheticAttempt, SyntheticPayloadSchema } from "./synthetic-task.ts";

const payload = (p: object) => SyntheticPayloadSchema.parse(p);

describe("planSyntheticAttempt", () => {
  it("is deterministic for the same id, attempt and payload", () => {
    const p = payload({ durationMs: 100, durationJitter: 0.5, failureRate: 0.5, outputBytes: 300 });
    expect(planSyntheticAttempt("order-1", 1, p)).toEqual(planSyntheticAttempt("order-1", 1, p));
  });

  it("keeps the duration within the jitter band and the output at the asked size", () => {
    const p = payload({ durationMs: 1000, durationJitter: 0.2, outputBytes: 123 });
    for (let i = 0; i < 500; i++) {
      const plan = planSyntheticAttempt(`id-${i}`, 1, p);
      expect(plan.durationMs).toBeGreaterThanOrEqual(800);
      expect(plan.durationMs).toBeLessThanOrEqual(1200);
      expect(plan.output).toHaveLength(123);
    }
  });

  it("fails at about the asked rate, with the exit code of the failure mode", () => {
    const retryable = payload({ failureRate: 0.3 });
    const fatal = payload({ failureRate: 1, failureMode: "fatal" });
    const failures = Array.from({ length: 10_000 }, (_, i) =>
      planSyntheticAttempt(`id-${i}`, 1, retryable),
    ).filter((p) => p.exitCode !== 0);
    expect(failures.length / 10_000).toBeGreaterThan(0.28);
    expect(failures.length / 10_000).toBeLessThan(0.32);
    expect(new Set(failures.map((f) => f.exitCode))).toEqual(new Set([1]));
    expect(planSyntheticAttempt("x", 1, fatal).exitCode).toBe(2);
  });

  it("lets a later attempt behave differently, while the output stays the order's", () => {
    const p = payload({ failureRate: 0.5, outputBytes: 40 });
    const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
    const differing = ids.filter(
      (id) => planSyntheticAttempt(id, 1, p).exitCode !== planSyntheticAttempt(id, 2, p).exitCode,
    );
    expect(differing.length).toBeGreaterThan(50);
    expect(planSyntheticAttempt("id-1", 1, p).output).toBe(planSyntheticAttempt("id-1", 2, p).output);
  });

  it("never fails at rate 0 and always fails at rate 1", () => {
    for (let i = 0; i < 200; i++) {
      expect(planSyntheticAttempt(`id-${i}`, 1, payload({})).exitCode).toBe(0);
      expect(planSyntheticAttempt(`id-${i}`, 1, payload({ failureRate: 1 })).exitCode).toBe(1);
    }
  });
});
