import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareOutcomes,
  DEFAULT_DURATION_TOLERANCE,
  durationsMatch,
  type ExecutionOutcome,
} from "./comparison.ts";

const legacy: ExecutionOutcome = {
  state: "COMPLETED",
  exitCode: 0,
  outputDigest: "sha256:aaa",
  durationMs: 1000,
};

describe("compareOutcomes", () => {
  it("reports equal outcomes as equal", () => {
    expect(compareOutcomes(legacy, { ...legacy })).toEqual({ equal: true });
  });

  it("treats two missing outputs and two missing exit codes as equal", () => {
    const noOutput = { ...legacy, state: "CANCELLED" as const, exitCode: null, outputDigest: null };
    expect(compareOutcomes(noOutput, { ...noOutput })).toEqual({ equal: true });
  });

  it.each<[string, Partial<ExecutionOutcome>]>([
    ["state", { state: "FAILED" }],
    ["exitCode", { exitCode: 1 }],
    ["exitCode", { exitCode: null }],
    ["outputDigest", { outputDigest: "sha256:bbb" }],
    ["outputDigest", { outputDigest: null }],
    ["durationMs", { durationMs: 2001 }],
  ])("reports a single differing %s with both values", (field, change) => {
    const shadow = { ...legacy, ...change };
    expect(compareOutcomes(legacy, shadow)).toEqual({
      equal: false,
      differences: [
        {
          field,
          legacy: legacy[field as keyof ExecutionOutcome],
          shadow: shadow[field as keyof ExecutionOutcome],
        },
      ],
    });
  });

  it("reports several differences at once, in field order", () => {
    const shadow: ExecutionOutcome = {
      state: "FAILED",
      exitCode: 137,
      outputDigest: "sha256:aaa",
      durationMs: 9000,
    };
    expect(compareOutcomes(legacy, shadow)).toEqual({
      equal: false,
      differences: [
        { field: "state", legacy: "COMPLETED", shadow: "FAILED" },
        { field: "exitCode", legacy: 0, shadow: 137 },
        { field: "durationMs", legacy: 1000, shadow: 9000 },
      ],
    });
  });

  it("uses a custom tolerance when given", () => {
    const shadow = { ...legacy, durationMs: 1100 };
    expect(compareOutcomes(legacy, shadow, { ratio: 0, absoluteMs: 0 }).equal).toBe(false);
    expect(compareOutcomes(legacy, shadow, { ratio: 0, absoluteMs: 100 }).equal).toBe(true);
  });

  it("is symmetric in whether outcomes are equal", () => {
    const outcome = fc.record({
      state: fc.constantFrom("COMPLETED" as const, "FAILED" as const, "CANCELLED" as const),
      exitCode: fc.option(fc.integer({ min: 0, max: 3 })),
      outputDigest: fc.option(fc.constantFrom("a", "b")),
      durationMs: fc.integer({ min: 0, max: 5000 }),
    });
    fc.assert(
      fc.property(outcome, outcome, (a, b) => {
        expect(compareOutcomes(a, b).equal).toBe(compareOutcomes(b, a).equal);
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});

describe("duration tolerance { ratio 0.5, absoluteMs 250 }", () => {
  it("is the default", () => {
    expect(DEFAULT_DURATION_TOLERANCE).toEqual({ ratio: 0.5, absoluteMs: 250 });
  });

  it.each([
    // Ratio edge: allowed = 0.5 × the larger.
    [1000, 500, true],
    [1000, 499, false],
    [500, 1000, true],
    [2000, 1000, true],
    [2001, 1000, false],
    // Absolute floor wins for short runs: allowed = 250 ms.
    [0, 250, true],
    [0, 251, false],
    [100, 350, true],
    [100, 351, false],
    [400, 150, true],
    [0, 0, true],
  ])("%i ms vs %i ms → equal: %s", (a, b, equal) => {
    expect(durationsMatch(a, b)).toBe(equal);
    expect(compareOutcomes({ ...legacy, durationMs: a }, { ...legacy, durationMs: b }).equal).toBe(equal);
  });
});
