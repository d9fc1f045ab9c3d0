import { describe, expect, it } from "vitest";
import { queueDepthTrend } from "./window-stats.ts";

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds));

describe("queueDepthTrend", () => {
  it("is the slope per minute through two samples", () => {
    expect(
      queueDepthTrend([
        { at: at(0), depth: 5 },
        { at: at(120), depth: 45 },
      ]),
    ).toEqual({ perMinute: 20, samples: 2, spanSeconds: 120 });
  });

  it("sorts samples by time before fitting", () => {
    const trend = queueDepthTrend([
      { at: at(60), depth: 10 },
      { at: at(0), depth: 0 },
      { at: at(30), depth: 5 },
    ]);
    expect(trend).toEqual({ perMinute: 10, samples: 3, spanSeconds: 60 });
  });

  it("fits least squares, so one spike at the end moves it less than first-to-last would", () => {
    const samples = [0, 30, 60, 90, 120].map((s) => ({ at: at(s), depth: 10 }));
    samples.push({ at: at(150), depth: 60 }); // first-to-last would say +20/min
    const trend = queueDepthTrend(samples);
    expect(trend?.perMinute).toBeGreaterThan(0);
    expect(trend?.perMinute).toBeLessThan(20);
  });

  it("reports shrinking queues as negative growth", () => {
    expect(
      queueDepthTrend([
        { at: at(0), depth: 100 },
        { at: at(60), depth: 40 },
      ])?.perMinute,
    ).toBe(-60);
  });

  it("ignores unusable samples and returns null with fewer than two or one timestamp", () => {
    expect(queueDepthTrend([])).toBeNull();
    expect(queueDepthTrend([{ at: at(0), depth: 1 }])).toBeNull();
    expect(
      queueDepthTrend([
        { at: at(0), depth: 1 },
        { at: at(0), depth: 9 },
      ]),
    ).toBeNull();
    expect(
      queueDepthTrend([
        { at: at(0), depth: 1 },
        { at: new Date(Number.NaN), depth: 9 },
        { at: at(60), depth: Number.NaN },
      ]),
    ).toBeNull();
  });
});
