import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS, type ThresholdMetric, type ThresholdSetting } from "./threshold-settings.ts";
import { evaluateThresholds } from "./thresholds.ts";
import type { WindowStats } from "./window-stats.ts";

const setting = (metric: ThresholdMetric, overrides: Partial<ThresholdSetting> = {}): ThresholdSetting => {
  const found = DEFAULT_THRESHOLDS.find((s) => s.metric === metric);
  if (!found) throw new Error(`no default for ${metric}`);
  return { ...found, ...overrides };
};

const stats = (overrides: Partial<WindowStats> = {}): WindowStats => ({
  windowSeconds: 300,
  newSystem: { finished: 200, failed: 0, p99LatencyMs: 1000 },
  legacy: { finished: 200, p99LatencyMs: 1000 },
  queueDepth: { samples: [] },
  workers: [],
  ...overrides,
});

const one = (s: ThresholdSetting, w: WindowStats) => {
  const [evaluation, ...rest] = evaluateThresholds([s], w);
  expect(rest).toHaveLength(0);
  if (!evaluation) throw new Error("no evaluation");
  return evaluation;
};

describe("ERROR_RATE (> 1 % pauses the rollout)", () => {
  const rule = setting("ERROR_RATE");
  it.each([
    [1, 200, "ok", null],
    [2, 200, "ok", null], // exactly 1 %: at the limit is not above it
    [3, 200, "breached", "PAUSE_ROLLOUT"],
    [1, 100, "ok", null], // 1 of 100 = 0.01 exactly
    [2, 100, "breached", "PAUSE_ROLLOUT"],
  ])("%i failed of %i → %s", (failed, finished, status, action) => {
    const e = one(rule, stats({ newSystem: { finished, failed, p99LatencyMs: 1 } }));
    expect(e).toMatchObject({
      metric: "ERROR_RATE",
      subject: "NEW",
      status,
      action,
      value: failed / finished,
    });
    expect(e).toMatchObject({ limit: 0.01, sampleSize: finished, minSample: 100, windowSeconds: 300 });
  });

  it("explains a breach with the numbers and the action", () => {
    const e = one(rule, stats({ newSystem: { finished: 200, failed: 6, p99LatencyMs: 1 } }));
    expect(e.explanation).toBe(
      "Error rate of the new system is 3.00 % over the last 300 s: 6 failed of 200 finished orders (finished = completed + failed orders; cancellations excluded; a retried attempt is not a failure); limit 1.00 %: pause the rollout (no increase until acknowledged).",
    );
  });

  it.each([
    [99, 99],
    [0, 0],
  ])("with %i finished (%i failed) is insufficient data and never acts", (finished, failed) => {
    const e = one(rule, stats({ newSystem: { finished, failed, p99LatencyMs: null } }));
    expect(e.status).toBe("insufficient-data");
    expect(e.action).toBeNull();
    expect(e.explanation).toContain("at least 100");
  });
});

describe("P99_LATENCY_RATIO (> 2 × legacy p99 alerts)", () => {
  const rule = setting("P99_LATENCY_RATIO");
  const latencies = (newP99: number | null, legacyP99: number | null, finished = 200) =>
    stats({
      newSystem: { finished, failed: 0, p99LatencyMs: newP99 },
      legacy: { finished, p99LatencyMs: legacyP99 },
    });

  it.each([
    [1500, 1000, "ok", null],
    [2000, 1000, "ok", null],
    [2001, 1000, "breached", "ALERT"],
  ])("new %i ms vs legacy %i ms → %s", (newP99, legacyP99, status, action) => {
    const e = one(rule, latencies(newP99, legacyP99));
    expect(e).toMatchObject({ status, action, value: newP99 / legacyP99, limit: 2, sampleSize: 200 });
  });

  it.each<[string, WindowStats]>([
    ["too few new orders", stats({ newSystem: { finished: 99, failed: 0, p99LatencyMs: 5000 } })],
    ["too few legacy orders", stats({ legacy: { finished: 10, p99LatencyMs: 100 } })],
    ["no new p99", latencies(null, 1000)],
    ["no legacy p99", latencies(5000, null)],
    ["a legacy p99 of 0", latencies(5000, 0)],
  ])("is insufficient data with %s", (_label, w) => {
    const e = one(rule, w);
    expect(e.status).toBe("insufficient-data");
    expect(e.action).toBeNull();
  });

  it("reports the smaller of the two systems as the sample size", () => {
    const e = one(rule, stats({ legacy: { finished: 150, p99LatencyMs: 1000 } }));
    expect(e.sampleSize).toBe(150);
  });
});

describe("evaluateThresholds", () => {
  it("evaluates only enabled settings, one per setting", () => {
    const evaluations = evaluateThresholds(
      [
        setting("ERROR_RATE"),
        setting("P99_LATENCY_RATIO", { enabled: false }),
        setting("QUEUE_DEPTH_GROWTH"),
      ],
      stats(),
    );
    expect(evaluations.map((e) => e.metric)).toEqual(["ERROR_RATE", "QUEUE_DEPTH_GROWTH"]);
  });

  it("never acts on statistics of another window", () => {
    const wide = setting("ERROR_RATE", { windowSeconds: 600 });
    const e = one(wide, stats({ newSystem: { finished: 1000, failed: 900, p99LatencyMs: 1 } }));
    expect(e).toMatchObject({ status: "insufficient-data", action: null, value: null });
    expect(e.explanation).toContain("window is 600 s but the statistics cover 300 s");
  });

  it("reports a window mismatch once per worker for memory", () => {
    const memory = setting("MEMORY_USAGE", { windowSeconds: 60 });
    const w = stats({
      workers: [
        { workerId: "a", memoryUsedRatio: 0.99, concurrencyReduced: false },
        { workerId: "b", memoryUsedRatio: 0.99, concurrencyReduced: false },
      ],
    });
    expect(evaluateThresholds([memory], w).map((e) => [e.subject, e.status, e.action])).toEqual([
      ["a", "insufficient-data", null],
      ["b", "insufficient-data", null],
    ]);
  });

  it("rejects an invalid setting with INVALID_THRESHOLD", () => {
    expect(() => evaluateThresholds([setting("ERROR_RATE", { limit: 5 })], stats())).toThrow(
      expect.objectContaining({ code: "INVALID_THRESHOLD" }),
    );
  });

  it("ignores an invalid setting that is disabled", () => {
    expect(evaluateThresholds([setting("ERROR_RATE", { limit: 5, enabled: false })], stats())).toEqual([]);
  });

  it("returns nothing to act on when there is no data at all", () => {
    const empty = stats({
      newSystem: { finished: 0, failed: 0, p99LatencyMs: null },
      legacy: { finished: 0, p99LatencyMs: null },
    });
    const evaluations = evaluateThresholds([...DEFAULT_THRESHOLDS], empty);
    expect(evaluations).toHaveLength(4);
    for (const e of evaluations) {
      expect(e.status).toBe("insufficient-data");
      expect(e.action).toBeNull();
    }
  });
});
