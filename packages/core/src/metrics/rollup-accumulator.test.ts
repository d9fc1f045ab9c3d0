import { describe, expect, it } from "vitest";
import { histogramCount } from "./latency-histogram.ts";
import { minuteOf, RollupAccumulator } from "./rollup-accumulator.ts";

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

describe("the rollup accumulator", () => {
  it("counts per stream and minute, with latencies in the right histograms", () => {
    const acc = new RollupAccumulator();
    acc.record("NEW", { type: "submitted" }, T0 + 1000);
    acc.record("NEW", { type: "started", queueWaitMs: 40 }, T0 + 2000);
    acc.record("NEW", { type: "retried", runTimeMs: 100 }, T0 + 3000);
    acc.record("NEW", { type: "started", queueWaitMs: 1000 }, T0 + 4000);
    acc.record("NEW", { type: "completed", runTimeMs: 120, endToEndMs: 1300 }, T0 + 5000);
    acc.record("LEGACY", { type: "failed", runTimeMs: 90, endToEndMs: 95 }, T0 + 61_000);
    const rows = acc.snapshot(T0 + 62_000);
    const newSystem = rows.find((r) => r.stream === "NEW");
    expect(newSystem?.minute).toEqual(new Date(T0));
    expect(newSystem?.counts).toEqual({
      submitted: 1,
      started: 2,
      completed: 1,
      failed: 0,
      retried: 1,
      cancelled: 0,
    });
    expect(histogramCount(newSystem?.queueWait ?? [])).toBe(2);
    expect(histogramCount(newSystem?.runTime ?? [])).toBe(2); // the retried attempt and the completed one
    expect(histogramCount(newSystem?.endToEnd ?? [])).toBe(1);
    const legacy = rows.find((r) => r.stream === "LEGACY");
    expect(legacy?.minute).toEqual(new Date(T0 + 60_000));
    expect(legacy?.counts.failed).toBe(1);
  });

  it("hands out running totals of changed minutes only, so a repeated flush is harmless", () => {
    const acc = new RollupAccumulator();
    acc.record("NEW", { type: "submitted" }, T0);
    expect(acc.snapshot(T0)[0]?.counts.submitted).toBe(1);
    expect(acc.snapshot(T0)).toEqual([]);
    acc.record("NEW", { type: "submitted" }, T0 + 10);
    expect(acc.snapshot(T0)[0]?.counts.submitted).toBe(2); // the total, not the delta
  });

  it("sends failed flushes again, and forgets old minutes once flushed", () => {
    const acc = new RollupAccumulator(2);
    acc.record("SHADOW", { type: "submitted" }, T0);
    const failed = acc.snapshot(T0);
    acc.restore(failed);
    expect(acc.snapshot(T0)).toEqual(failed);
    acc.record("SHADOW", { type: "submitted" }, T0 + 10 * 60_000);
    const later = acc.snapshot(T0 + 10 * 60_000);
    expect(later.map((r) => r.minute)).toEqual([new Date(T0 + 10 * 60_000)]);
    expect(later[0]?.counts.submitted).toBe(1);
  });

  it("puts timestamps on minute boundaries in UTC", () => {
    expect(minuteOf(new Date(T0 + 59_999))).toEqual(new Date(T0));
    expect(minuteOf(T0 + 60_000)).toEqual(new Date(T0 + 60_000));
  });
});
