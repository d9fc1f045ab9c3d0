import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors.ts";
import {
  assertValidThresholdSetting,
  DEFAULT_MEMORY_HOLD_SECONDS,
  DEFAULT_THRESHOLDS,
  MEMORY_RESTORE_BELOW,
  memoryHoldSeconds,
  memoryRestoreLevel,
  type ThresholdSetting,
  thresholdWindows,
} from "./threshold-settings.ts";

const errorRate: ThresholdSetting = {
  metric: "ERROR_RATE",
  limit: 0.01,
  action: "PAUSE_ROLLOUT",
  windowSeconds: 300,
  minSample: 100,
  enabled: true,
};
const memory: ThresholdSetting = {
  ...errorRate,
  metric: "MEMORY_USAGE",
  limit: 0.9,
  action: "REDUCE_CONCURRENCY",
};

describe("DEFAULT_THRESHOLDS", () => {
  it("are the seed's four rules", () => {
    expect(DEFAULT_THRESHOLDS.map((s) => [s.metric, s.limit, s.action])).toEqual([
      ["ERROR_RATE", 0.01, "PAUSE_ROLLOUT"],
      ["P99_LATENCY_RATIO", 2, "ALERT"],
      ["QUEUE_DEPTH_GROWTH", 10, "ALERT"],
      ["MEMORY_USAGE", 0.9, "REDUCE_CONCURRENCY"],
    ]);
  });

  it("use a 300 s window, 100 finished orders for the rate rules, and are all valid and enabled", () => {
    for (const s of DEFAULT_THRESHOLDS) {
      expect(s.windowSeconds).toBe(300);
      expect(s.enabled).toBe(true);
      expect(() => assertValidThresholdSetting(s)).not.toThrow();
    }
    expect(DEFAULT_THRESHOLDS.filter((s) => s.minSample === 100).map((s) => s.metric)).toEqual([
      "ERROR_RATE",
      "P99_LATENCY_RATIO",
    ]);
  });

  it("restore memory concurrency below 80 % held for a minute", () => {
    const mem = DEFAULT_THRESHOLDS.find((s) => s.metric === "MEMORY_USAGE");
    expect(mem && memoryRestoreLevel(mem)).toBe(MEMORY_RESTORE_BELOW);
    expect(MEMORY_RESTORE_BELOW).toBe(0.8);
    expect(mem && memoryHoldSeconds(mem)).toBe(60);
    expect(memoryHoldSeconds(memory)).toBe(DEFAULT_MEMORY_HOLD_SECONDS);
  });
});

describe("memoryRestoreLevel", () => {
  it("uses restoreBelow when set, otherwise the limit minus 0.1", () => {
    expect(memoryRestoreLevel({ ...memory, restoreBelow: 0.5 })).toBe(0.5);
    expect(memoryRestoreLevel({ ...memory, limit: 0.75 })).toBeCloseTo(0.65, 10);
    expect(memoryRestoreLevel({ ...memory, limit: 0.05 })).toBe(0);
  });
});

describe("assertValidThresholdSetting", () => {
  it.each<[Partial<ThresholdSetting>, string]>([
    [{ limit: -0.01 }, "limit of ERROR_RATE must be a fraction from 0 to 1"],
    [{ limit: 1.5 }, "limit of ERROR_RATE"],
    [{ limit: Number.NaN }, "limit of ERROR_RATE"],
    [
      { metric: "P99_LATENCY_RATIO", action: "ALERT", limit: 0.5 },
      "multiple of the legacy p99 from 1 to 100",
    ],
    [{ metric: "QUEUE_DEPTH_GROWTH", action: "ALERT", limit: Number.POSITIVE_INFINITY }, "orders per minute"],
    [{ metric: "MEMORY_USAGE", limit: 1.2 }, "fraction of memory"],
    [{ metric: "LATENCY" as never }, "metric must be one of ERROR_RATE, P99_LATENCY_RATIO"],
    [{ action: "PANIC" as never }, "action must be one of PAUSE_ROLLOUT, ALERT, REDUCE_CONCURRENCY"],
    [{ action: "REDUCE_CONCURRENCY" }, "only allowed for MEMORY_USAGE"],
    [{ windowSeconds: 59 }, "windowSeconds must be an integer from 60 to 86400 (got 59)"],
    [{ windowSeconds: 86401 }, "windowSeconds"],
    [{ windowSeconds: 90.5 }, "windowSeconds"],
    [{ minSample: 0 }, "minSample must be an integer from 1"],
    [{ enabled: "yes" as never }, "enabled must be true or false"],
    [{ restoreBelow: 0.005 }, "restoreBelow is only meaningful for MEMORY_USAGE"],
    [{ holdSeconds: 30 }, "holdSeconds is only meaningful for MEMORY_USAGE"],
    [{ ...memory, holdSeconds: -1 }, "holdSeconds must be an integer from 0 to 86400 (got -1)"],
    [{ ...memory, holdSeconds: 1.5 }, "holdSeconds must be an integer"],
    [{ metric: "QUEUE_DEPTH_GROWTH", action: "ALERT", limit: 10, windowSeconds: 19 }, "from 20 to 86400"],
    [{ ...memory, restoreBelow: 0.9 }, "restoreBelow must be ≥ 0 and below the limit 0.9"],
  ])("rejects %j", (override, message) => {
    const setting = { ...errorRate, ...override };
    let caught: unknown;
    try {
      assertValidThresholdSetting(setting);
    } catch (e) {
      caught = e;
    }
    expect(isDomainError(caught) && caught.code).toBe("INVALID_THRESHOLD");
    expect((caught as Error).message).toContain(message);
  });

  it.each<Partial<ThresholdSetting>>([
    { limit: 0 },
    { limit: 1 },
    { windowSeconds: 60 },
    { windowSeconds: 86400 },
    { minSample: 1 },
    { metric: "P99_LATENCY_RATIO", action: "ALERT", limit: 1 },
    { ...memory, restoreBelow: 0 },
    { ...memory, holdSeconds: 0 },
    { ...memory, holdSeconds: 86_400 },
    { metric: "QUEUE_DEPTH_GROWTH", action: "ALERT", limit: 10, windowSeconds: 20 },
  ])("accepts the edge %j", (override) => {
    expect(() => assertValidThresholdSetting({ ...errorRate, ...override })).not.toThrow();
  });
});

describe("thresholdWindows", () => {
  it("lists the distinct windows of enabled settings, ascending", () => {
    const settings = [
      { ...errorRate, windowSeconds: 600 },
      { ...errorRate, windowSeconds: 300 },
      { ...memory, windowSeconds: 600 },
      { ...errorRate, windowSeconds: 60, enabled: false },
    ];
    expect(thresholdWindows(settings)).toEqual([300, 600]);
  });
});
