import { describe, expect, it } from "vitest";
import { RollupAccumulator } from "./rollup-accumulator.ts";
import { streamWindow } from "./rollup-window.ts";

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

describe("a window over minute rollups", () => {
  it("sums the counts of every source and minute inside it, and counts errors per order outcome", () => {
    const workerA = new RollupAccumulator();
    const workerB = new RollupAccumulator();
    for (let i = 0; i < 97; i++)
      workerA.record("NEW", { type: "completed", runTimeMs: 100, endToEndMs: 200 }, T0 + i * 1000);
    for (let i = 0; i < 3; i++)
      workerB.record("NEW", { type: "failed", runTimeMs: 100, endToEndMs: 4000 }, T0 + i * 1000);
    workerB.record("NEW", { type: "retried", runTimeMs: 100 }, T0);
    workerB.record("NEW", { type: "cancelled", runTimeMs: null, endToEndMs: 50 }, T0);
    workerA.record("NEW", { type: "completed", runTimeMs: 1, endToEndMs: 1 }, T0 + 10 * 60_000); // outside
    const rows = [...workerA.snapshot(T0), ...workerB.snapshot(T0)];
    const w = streamWindow("NEW", rows, { from: new Date(T0), to: new Date(T0 + 5 * 60_000) });
    expect(w).toMatchObject({ completed: 97, failed: 3, cancelled: 1, retried: 1, finished: 100 });
    expect(w.errorRate).toBeCloseTo(0.03);
    expect(w.throughputPerMinute).toBeCloseTo(100 / 5); // finished orders: the cancellation is apart
    expect(w.p50LatencyMs).toBeGreaterThan(180);
    expect(w.p50LatencyMs).toBeLessThan(220);
    expect(w.p99LatencyMs).toBeGreaterThan(3600);
  });

  it("has no rates or latencies without data, never zeros", () => {
    const w = streamWindow("LEGACY", [], { from: new Date(T0), to: new Date(T0 + 60_000) });
    expect(w).toMatchObject({ finished: 0, errorRate: null, p50LatencyMs: null, p99LatencyMs: null });
  });
});
