import { describe, expect, it } from "vitest";
import type { DomainError } from "../errors.ts";
import { assertReason, initialQueueConfig, planConfigChange } from "./queue-config.ts";

const base = initialQueueConfig("salt1");
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return undefined;
};

describe("planConfigChange", () => {
  it("applies a valid change and normalises the percent to 0.01 steps", () => {
    expect(planConfigChange(base, { useNewQueueSystem: true, newQueueRolloutPercent: 10.1 })).toMatchObject({
      useNewQueueSystem: true,
      newQueueRolloutPercent: 10.1,
      salt: "salt1",
    });
  });

  it.each([101, -1, Number.NaN, "50", 10.005])("refuses the percent %s", (p) => {
    expect(code(() => planConfigChange(base, { newQueueRolloutPercent: p as number }))).toBe(
      "INVALID_ROLLOUT_PERCENT",
    );
  });

  it("refuses an invalid salt", () => {
    expect(code(() => planConfigChange(base, { salt: "has space" }))).toBe("INVALID_SALT");
  });

  it("refuses raising the percent while paused, but allows lowering it, rollback and resuming", () => {
    const paused = {
      ...base,
      useNewQueueSystem: true,
      newQueueRolloutPercent: 10,
      paused: true,
      pausedReason: "error rate",
    };
    expect(code(() => planConfigChange(paused, { newQueueRolloutPercent: 50 }))).toBe("ROLLOUT_PAUSED");
    expect(planConfigChange(paused, { newQueueRolloutPercent: 5 }).newQueueRolloutPercent).toBe(5);
    expect(planConfigChange(paused, { useNewQueueSystem: false }).useNewQueueSystem).toBe(false);
    expect(planConfigChange(paused, { shadowMode: true }).shadowMode).toBe(true);
    const off = { ...paused, useNewQueueSystem: false, newQueueRolloutPercent: 0 };
    expect(code(() => planConfigChange(off, { useNewQueueSystem: true }))).toBe("ROLLOUT_PAUSED");
    expect(code(() => planConfigChange(paused, { newQueueRolloutPercent: 10.01 }))).toBe("ROLLOUT_PAUSED");
    expect(planConfigChange(paused, { paused: false, newQueueRolloutPercent: 50 })).toMatchObject({
      paused: false,
      pausedReason: null,
      newQueueRolloutPercent: 50,
    });
  });
});

describe("assertReason", () => {
  it.each(["", "   ", undefined, "x".repeat(501)])("refuses %j", (reason) => {
    expect(code(() => assertReason(reason))).toBe("REASON_REQUIRED");
  });
  it("accepts a real reason", () => expect(() => assertReason("error rate back to normal")).not.toThrow());
});
