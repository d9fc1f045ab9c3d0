import { describe, expect, it } from "vitest";
import { NO_WORKERS_SUBJECT } from "./threshold-evaluation.ts";
import { minDepthSpanSeconds } from "./threshold-rules.ts";
import { DEFAULT_THRESHOLDS, type ThresholdMetric, type ThresholdSetting } from "./threshold-settings.ts";
import { evaluateThresholds } from "./thresholds.ts";
import type { WindowStats } from "./window-stats.ts";

const setting = (metric: ThresholdMetric, overrides: Partial<ThresholdSetting> = {}): ThresholdSetting => {
  const found = DEFAULT_THRESHOLDS.find((s) => s.metric === metric);
  if (!found) throw new Error(`no default for ${metric}`);
  return { ...found, ...overrides };
};

const base: WindowStats = {
  windowSeconds: 300,
  newSystem: { finished: 0, failed: 0, p99LatencyMs: null },
  legacy: { finished: 0, p99LatencyMs: null },
  queueDepth: { samples: [] },
  workers: [],
};
const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds));
const depths = (...points: Array<[number, number]>): WindowStats => ({
  ...base,
  queueDepth: { samples: points.map(([s, depth]) => ({ at: at(s), depth })) },
});

describe("QUEUE_DEPTH_GROWTH (> 10 / min alerts)", () => {
  const rule = setting("QUEUE_DEPTH_GROWTH");
  it.each<[string, WindowStats, number, string, string | null]>([
    ["shrinking", depths([0, 50], [60, 20]), -30, "ok", null],
    ["below", depths([0, 0], [60, 5], [120, 10]), 5, "ok", null],
    ["at the limit", depths([0, 0], [30, 5], [60, 10]), 10, "ok", null],
    ["above", depths([0, 0], [60, 11]), 11, "breached", "ALERT"],
    ["well above", depths([0, 0], [150, 100], [300, 200]), 40, "breached", "ALERT"],
  ])("%s", (_label, w, value, status, action) => {
    const [e] = evaluateThresholds([rule], w);
    expect(e).toMatchObject({ metric: "QUEUE_DEPTH_GROWTH", subject: "NEW", status, action, limit: 10 });
    expect(e?.value).toBeCloseTo(value, 9);
  });

  it.each<[string, WindowStats]>([
    ["no samples", depths()],
    ["one sample", depths([0, 100])],
    ["samples spanning under 60 s", depths([0, 0], [59, 500])],
  ])("is insufficient data with %s", (_label, w) => {
    const [e] = evaluateThresholds([rule], w);
    expect(e).toMatchObject({ status: "insufficient-data", action: null, minSample: 2 });
    expect(e?.explanation).toContain("over 60 s are needed");
  });

  it("needs half a window shorter than two minutes, and a minute of any longer one", () => {
    expect(minDepthSpanSeconds(20)).toBe(10);
    expect(minDepthSpanSeconds(60)).toBe(30);
    expect(minDepthSpanSeconds(120)).toBe(60);
    expect(minDepthSpanSeconds(300)).toBe(60);
    const short = setting("QUEUE_DEPTH_GROWTH", { windowSeconds: 20 });
    const of = (...points: Array<[number, number]>) => ({ ...depths(...points), windowSeconds: 20 });
    const [tooShort] = evaluateThresholds([short], of([0, 0], [9, 50]));
    expect(tooShort).toMatchObject({ status: "insufficient-data", action: null });
    expect(tooShort?.explanation).toContain("over 10 s are needed");
    const [grown] = evaluateThresholds([short], of([0, 0], [5, 10], [10, 20]));
    expect(grown).toMatchObject({ status: "breached", action: "ALERT" });
    expect(grown?.value).toBeCloseTo(120, 9);
  });

  it("honours a larger minSample", () => {
    const [e] = evaluateThresholds(
      [setting("QUEUE_DEPTH_GROWTH", { minSample: 4 })],
      depths([0, 0], [60, 100], [120, 200]),
    );
    expect(e).toMatchObject({ status: "insufficient-data", sampleSize: 3, minSample: 4 });
  });
});

const workers = (...list: Array<[string, number, boolean]>): WindowStats => ({
  ...base,
  workers: list.map(([workerId, memoryUsedRatio, concurrencyReduced]) => ({
    workerId,
    memoryUsedRatio,
    concurrencyReduced,
  })),
});

describe("MEMORY_USAGE (> 90 % reduces concurrency, restored below 80 %)", () => {
  const rule = setting("MEMORY_USAGE");
  it.each<[string, number, boolean, string, string | null]>([
    ["below, normal", 0.5, false, "ok", null],
    ["at the limit, normal", 0.9, false, "ok", null],
    ["above, normal", 0.91, false, "breached", "REDUCE_CONCURRENCY"],
    ["above, already reduced", 0.95, true, "breached", "REDUCE_CONCURRENCY"],
    ["between restore and limit, reduced: hold", 0.85, true, "ok", null],
    ["at the restore level, reduced: hold", 0.8, true, "ok", null],
    ["below the restore level, reduced: restore", 0.79, true, "ok", "RESTORE_CONCURRENCY"],
    ["below the restore level, normal", 0.79, false, "ok", null],
  ])("%s", (_label, ratio, reduced, status, action) => {
    const [e, ...rest] = evaluateThresholds([rule], workers(["w1", ratio, reduced]));
    expect(rest).toHaveLength(0);
    expect(e).toMatchObject({
      metric: "MEMORY_USAGE",
      subject: "w1",
      status,
      action,
      value: ratio,
      limit: 0.9,
    });
    expect(e).toMatchObject({ sampleSize: 1, minSample: 1 });
  });

  it("explains the hold so an operator knows why concurrency stays reduced", () => {
    const [e] = evaluateThresholds([rule], workers(["w1", 0.85, true]));
    expect(e?.explanation).toBe(
      "Worker w1 uses 85.00 % of its memory, limit 90.00 %; concurrency stays reduced until usage is below 80.00 % (hysteresis).",
    );
  });

  it("evaluates each worker separately", () => {
    const evaluations = evaluateThresholds(
      [rule],
      workers(["a", 0.95, false], ["b", 0.5, false], ["c", 0.7, true]),
    );
    expect(evaluations.map((e) => [e.subject, e.action])).toEqual([
      ["a", "REDUCE_CONCURRENCY"],
      ["b", null],
      ["c", "RESTORE_CONCURRENCY"],
    ]);
  });

  it("only restores when the rule's action is REDUCE_CONCURRENCY", () => {
    const alertOnly = setting("MEMORY_USAGE", { action: "ALERT" });
    expect(evaluateThresholds([alertOnly], workers(["w", 0.5, true]))[0]?.action).toBeNull();
    expect(evaluateThresholds([alertOnly], workers(["w", 0.95, false]))[0]?.action).toBe("ALERT");
  });

  it("uses the configured restore level", () => {
    const custom = setting("MEMORY_USAGE", { restoreBelow: 0.6 });
    expect(evaluateThresholds([custom], workers(["w", 0.7, true]))[0]?.action).toBeNull();
    expect(evaluateThresholds([custom], workers(["w", 0.59, true]))[0]?.action).toBe("RESTORE_CONCURRENCY");
  });

  it.each([Number.NaN, -0.1, 1.5])("treats a reading of %s as insufficient data", (ratio) => {
    const [e] = evaluateThresholds([rule], workers(["w", ratio, true]));
    expect(e).toMatchObject({ status: "insufficient-data", action: null, value: null, sampleSize: 0 });
  });

  it("reports one insufficient-data evaluation when no worker reports", () => {
    expect(evaluateThresholds([rule], base)).toEqual([
      expect.objectContaining({
        subject: NO_WORKERS_SUBJECT,
        status: "insufficient-data",
        action: null,
        value: null,
      }),
    ]);
  });
});
