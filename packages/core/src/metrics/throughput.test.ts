import { describe, expect, it } from "vitest";
import { RollupAccumulator } from "./rollup-accumulator.ts";
import { streamWindow } from "./rollup-window.ts";
import { throughputOf } from "./throughput.ts";

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const MINUTE = 60_000;
const at = (ms: number) => new Date(ms);

describe("throughput: finished orders per minute, one definition", () => {
  it("counts completed and failed orders, never cancellations", () => {
    const rollups = new RollupAccumulator();
    for (let i = 0; i < 50; i++)
      rollups.record("NEW", { type: "completed", runTimeMs: 1, endToEndMs: 5 }, T0 + i * 1000);
    for (let i = 0; i < 10; i++)
      rollups.record("NEW", { type: "failed", runTimeMs: 1, endToEndMs: 5 }, T0 + i * 1000);
    for (let i = 0; i < 40; i++)
      rollups.record("NEW", { type: "cancelled", runTimeMs: null, endToEndMs: 5 }, T0 + i * 1000);
    const w = streamWindow("NEW", rollups.snapshot(T0), { from: at(T0), to: at(T0 + 2 * MINUTE) });
    expect(w.cancelled).toBe(40);
    expect(w.throughputPerMinute).toBe(60 / 2);
  });

  it("averages over the window's whole minutes: from the minute its start falls in to its end", () => {
    const t = throughputOf(300, { from: at(T0 + 30_000), to: at(T0 + 10 * MINUTE) });
    expect(t).toMatchObject({ minutes: 10, perMinute: 30, clipped: false, from: at(T0) });
  });

  it("averages a window reaching back before the first order over the minutes that have data, and says so", () => {
    // 20 minutes of traffic at 1,190 orders/min, read through a 24-hour window.
    const firstData = at(T0 - 20 * MINUTE);
    const window = { from: at(T0 - 24 * 60 * MINUTE), to: at(T0) };
    const t = throughputOf(20 * 1190, window, firstData);
    expect(t).toMatchObject({ perMinute: 1190, minutes: 20, clipped: true, from: firstData });
    const w = streamWindow("LEGACY", [], { ...window, firstDataAt: firstData });
    expect(w.throughputPerMinute).toBe(0);
  });

  it("does not clip a window that starts after the first data, or whose data starts after it ends", () => {
    const window = { from: at(T0), to: at(T0 + 15 * MINUTE) };
    expect(throughputOf(150, window, at(T0 - MINUTE)).clipped).toBe(false);
    expect(throughputOf(0, window, at(T0 + 20 * MINUTE))).toMatchObject({ clipped: false, minutes: 15 });
  });

  it("counts a first minute still running as one minute, never less (no extrapolated spikes)", () => {
    const t = throughputOf(12, { from: at(T0 - 15 * MINUTE), to: at(T0 + 10_000) }, at(T0 + 2_000));
    expect(t).toMatchObject({ minutes: 1, perMinute: 12, clipped: true });
  });
});
