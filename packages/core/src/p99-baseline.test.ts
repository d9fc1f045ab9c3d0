import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS } from "./threshold-settings.ts";
import { evaluateThresholds } from "./thresholds.ts";
import type { LegacyP99Baseline, WindowStats } from "./window-stats.ts";

const rule = DEFAULT_THRESHOLDS.find((s) => s.metric === "P99_LATENCY_RATIO");
if (!rule) throw new Error("no P99 default");

/** At 100 %: the new system finished 500 orders in the window, legacy none. */
const at100 = (baseline: LegacyP99Baseline | null, legacyFinished = 0): WindowStats => ({
  windowSeconds: 300,
  newSystem: { finished: 500, failed: 0, p99LatencyMs: 140 },
  legacy: { finished: legacyFinished, p99LatencyMs: legacyFinished > 0 ? 90 : null, baseline },
  queueDepth: { samples: [] },
  workers: [],
});

const baseline: LegacyP99Baseline = {
  p99LatencyMs: 100,
  finished: 240,
  from: new Date("2026-11-29T15:02:00Z"),
  to: new Date("2026-11-29T15:07:00Z"),
  ageSeconds: 372,
};

const evaluate = (stats: WindowStats) => {
  const [e] = evaluateThresholds([rule], stats);
  if (!e) throw new Error("no evaluation");
  return e;
};

describe("P99_LATENCY_RATIO when legacy traffic has ended", () => {
  it("compares with the last legacy window that had the minimum sample, and says which and how old", () => {
    const e = evaluate(at100(baseline));
    expect(e).toMatchObject({ status: "ok", value: 1.4, sampleSize: 240 });
    expect(e.explanation).toBe(
      "p99 latency of the new system is 140 ms, 1.40× the legacy p99 of 100 ms measured 15:02–15:07 UTC, 6 min ago (legacy finished 0 orders in the last 300 s, so the baseline is its last window with 100+) (limit 2×, 240+ orders each): within the limit.",
    );
  });

  it("alerts against that baseline like against a live one", () => {
    const e = evaluate({ ...at100(baseline), newSystem: { finished: 500, failed: 0, p99LatencyMs: 201 } });
    expect(e).toMatchObject({ status: "breached", action: "ALERT" });
  });

  it("uses the window's own legacy numbers whenever they have the minimum sample", () => {
    const e = evaluate(at100(baseline, 150));
    expect(e.value).toBeCloseTo(140 / 90);
    expect(e.explanation).not.toContain("baseline");
  });

  it("is not enough data without any earlier window, and says none had enough", () => {
    const e = evaluate(at100(null));
    expect(e.status).toBe("insufficient-data");
    expect(e.explanation).toContain("and no earlier legacy window had enough");
  });

  it("ignores a baseline below the minimum sample", () => {
    expect(evaluate(at100({ ...baseline, finished: 99 })).status).toBe("insufficient-data");
  });
});
