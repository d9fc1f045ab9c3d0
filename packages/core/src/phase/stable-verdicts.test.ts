import { describe, expect, it } from "vitest";
import { emptyHistogram, observe } from "../metrics/latency-histogram.ts";
import type { MetricStream } from "../metrics/rollup-accumulator.ts";
import { streamWindow } from "../metrics/rollup-window.ts";
import { DEFAULT_THRESHOLDS } from "../threshold-settings.ts";
import { evaluatePhase } from "./evaluate-phase.ts";
import { levelKey, switchKey } from "./phase-timeline.ts";
import type { ConfigPoint, PhaseReport, VerificationItem, WindowMeasure } from "./phase-types.ts";

// The issue's drill: phase 1 → shadow → 10 → 50 → 100 % → retired → un-retired (100 % for 74 ms)
// → 50 % for 70 s → rollback. The verdicts earned at 10, 50 and 100 % must survive the drill.
const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const H = 3_600_000;
const t = (hours: number, ms = 0) => new Date(T0 + hours * H + ms);

function history(...changes: Array<[Date, Partial<ConfigPoint>]>): ConfigPoint[] {
  let previous: ConfigPoint = {
    version: 1,
    at: t(0),
    useNewQueueSystem: false,
    shadowMode: false,
    percent: 0,
    legacyRetired: false,
    paused: false,
    actor: "system",
  };
  return [
    previous,
    ...changes.map(([at, change], i) => {
      previous = { ...previous, ...change, version: i + 2, at };
      return previous;
    }),
  ];
}

const WALK: Array<[Date, Partial<ConfigPoint>]> = [
  [t(1), { shadowMode: true }],
  [t(2), { useNewQueueSystem: true, percent: 10 }],
  [t(3), { percent: 50 }],
  [t(4), { percent: 100 }],
  [t(5), { legacyRetired: true }],
];
const DRILL: Array<[Date, Partial<ConfigPoint>]> = [
  [t(6, 15_000), { legacyRetired: false }],
  [t(6, 15_074), { percent: 50 }],
  [t(6, 85_074), { useNewQueueSystem: false }],
];

interface Numbers {
  submitted?: number;
  completed?: number;
  failed?: number;
  latencyMs?: number;
}

function measure(parts: Partial<Record<MetricStream, Numbers>>): WindowMeasure {
  const window = { from: t(0), to: t(0, 60_000) };
  const of = (stream: MetricStream) => {
    const n = parts[stream] ?? {};
    const endToEnd = emptyHistogram();
    for (let i = 0; i < (n.completed ?? 0) + (n.failed ?? 0); i++) observe(endToEnd, n.latencyMs ?? 100);
    const counts = {
      submitted: n.submitted ?? 0,
      started: 0,
      completed: n.completed ?? 0,
      failed: n.failed ?? 0,
      retried: 0,
      cancelled: 0,
    };
    return streamWindow(
      stream,
      [{ stream, minute: t(0), counts, queueWait: emptyHistogram(), runTime: emptyHistogram(), endToEnd }],
      window,
    );
  };
  return { LEGACY: of("LEGACY"), NEW: of("NEW"), SHADOW: of("SHADOW") };
}

/** `total` orders at `percent`, all finished and healthy. */
function healthyAt(percent: number, total: number): WindowMeasure {
  const newSystem = Math.round((total * percent) / 100);
  const legacy = total - newSystem;
  return measure({
    NEW: { submitted: newSystem, completed: newSystem, latencyMs: 120 },
    LEGACY: { submitted: legacy, completed: legacy, latencyMs: 100 },
  });
}

const MEASURES: Record<string, WindowMeasure> = {
  [levelKey(10)]: healthyAt(10, 2000),
  [levelKey(50)]: healthyAt(50, 2000),
  [levelKey(100)]: healthyAt(100, 2000),
};

function report(changes: Array<[Date, Partial<ConfigPoint>]>, now: Date, measures = MEASURES): PhaseReport {
  return evaluatePhase({
    now,
    history: history(...changes),
    measures,
    comparisons: null,
    thresholds: DEFAULT_THRESHOLDS,
  });
}

function itemOf(r: PhaseReport, id: string): VerificationItem {
  const found = r.phases.flatMap((p) => p.items).find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

const PHASE3 = ["rollout-percent-respected", "metrics-comparable", "no-degradation-per-level"];

describe("phase 3 verdicts along a drill", () => {
  it("are verified at 10, 50 and 100 % before retirement", () => {
    const r = report(WALK.slice(0, 4), t(5));
    expect(PHASE3.map((id) => itemOf(r, id).status)).toEqual(["pass", "pass", "pass"]);
  });

  it("stay verified after un-retire, a 74 ms stretch at 100 %, 70 s at 50 % and a rollback", () => {
    const r = report([...WALK, ...DRILL], t(6, 120_000));
    expect(r.phase).toBe(2);
    expect(PHASE3.map((id) => itemOf(r, id).status)).toEqual(["pass", "pass", "pass"]);
    const share = itemOf(r, "rollout-percent-respected").evidence;
    expect(share[1]).toMatch(
      /^At 50 % from 2026-11-01 03:00 UTC to 2026-11-01 04:00 UTC \(1 h\): 1,000 of 2,000 orders/,
    );
    expect(share[1]).toContain(
      "Stretches at 50 %: 03:00–04:00 UTC: verified, 2,000 orders (the verdict above); 06:00–06:01 UTC: not judged, under a whole minute.",
    );
    expect(share[2]).toContain(
      "Stretches at 100 %: 04:00–05:00 UTC: verified, 2,000 orders (the verdict above)",
    );
  });

  it("keep the earlier verdict when the later stretch has whole minutes but less than the minimum sample", () => {
    const later: Array<[Date, Partial<ConfigPoint>]> = [
      [t(6), { legacyRetired: false }],
      [t(6, 74), { percent: 50 }],
      [t(6, 10 * 60_000), { useNewQueueSystem: false }],
    ];
    const measures = { ...MEASURES, [levelKey(50, 1)]: healthyAt(50, 60) };
    const r = report([...WALK, ...later], t(7), measures);
    const share = itemOf(r, "rollout-percent-respected");
    expect(share.status).toBe("pass");
    expect(share.evidence[1]).toContain("06:01–06:10 UTC: not judged, only 60 orders");
  });

  it("take a later failing stretch at the same level: it replaces the earlier pass", () => {
    const later: Array<[Date, Partial<ConfigPoint>]> = [
      [t(6), { legacyRetired: false }],
      [t(6, 74), { percent: 50 }],
      [t(7), { useNewQueueSystem: false }],
    ];
    const failing = measure({
      NEW: { submitted: 1000, completed: 900, failed: 100, latencyMs: 120 },
      LEGACY: { submitted: 1000, completed: 1000, latencyMs: 100 },
    });
    const r = report([...WALK, ...later], t(8), { ...MEASURES, [levelKey(50, 1)]: failing });
    const degradation = itemOf(r, "no-degradation-per-level");
    expect(degradation.status).toBe("fail");
    expect(degradation.evidence[1]).toMatch(
      /^At 50 % from 2026-11-01 06:01 UTC to 2026-11-01 07:00 UTC .*error rate 10 %/,
    );
  });

  it("do not wait on a level only passed through in under a minute, but do on the level held now", () => {
    const passedThrough: Array<[Date, Partial<ConfigPoint>]> = [
      [t(1), { useNewQueueSystem: true, percent: 10 }],
      [t(2), { percent: 37 }],
      [t(2, 74), { percent: 50 }],
      [t(3), { useNewQueueSystem: false }],
    ];
    const measures = { [levelKey(10)]: healthyAt(10, 2000), [levelKey(50)]: healthyAt(50, 2000) };
    const r = report(passedThrough, t(4), measures);
    const share = itemOf(r, "rollout-percent-respected");
    expect(share.status).toBe("pass");
    expect(share.evidence).toContain(
      "37 % was only passed through, in under a whole minute (from 2026-11-01 02:00 UTC): no orders belong to it alone, so it is not judged.",
    );
    const atNew = report([...passedThrough.slice(0, 3), [t(3), { percent: 60 }]], t(3, 30_000), measures);
    expect(itemOf(atNew, "rollout-percent-respected").status).toBe("pending");
  });

  it("mark phase 3 as reached after the rollback, though it is upcoming again", () => {
    const r = report([...WALK, ...DRILL], t(6, 120_000));
    expect(itemOf(r, "no-orphaned-code").evidence).toEqual([
      "Legacy is not retired now: it was retired and then un-retired; these are judged again from the next retirement.",
    ]);
    expect(r.phases.map((p) => [p.phase, p.state, p.reached])).toEqual([
      [1, "done", true],
      [2, "current", true],
      [3, "upcoming", true],
      [4, "upcoming", true],
    ]);
  });
});

describe("words along the walk", () => {
  it("phase 1 is verified only with the minimum sample of orders, none to the new system", () => {
    const before = (legacy: number) =>
      itemOf(
        report([[t(1), { shadowMode: true }]], t(2), { phase1: measure({ LEGACY: { submitted: legacy } }) }),
        "no-behavior-change",
      );
    expect(before(69)).toMatchObject({ status: "pending" });
    expect(before(69).evidence[0]).toBe(
      "Only 69 orders went to legacy before any flag was on, from 2026-11-01 00:00 UTC to 2026-11-01 01:00 UTC (1 h), none to the new system; 100 are needed to call it verified (the error-rate rule's minimum sample).",
    );
    expect(before(100).status).toBe("pass");
  });

  it("the flag item keeps the earlier switch-on's verdict when the drill's stretch is too short", () => {
    const r = report([...WALK, ...DRILL], t(6, 120_000), {
      ...MEASURES,
      [switchKey(0)]: healthyAt(50, 1000),
    });
    const flag = itemOf(r, "flag-switches-systems");
    expect(flag.status).toBe("pass");
    expect(flag.evidence[0]).toBe(
      "500 orders in legacy and 500 in the new system since the switch went on at 2026-11-01 02:00 UTC until legacy was retired at 2026-11-01 05:00 UTC.",
    );
    expect(flag.evidence[1]).toMatch(
      /^Latest switch-on, not judged yet: the switch's stretch on held for less than a whole minute/,
    );
  });

  it("the switch's run ends at retirement, not at a switch-off", () => {
    const r = report(WALK, t(6), { ...MEASURES, switch: healthyAt(50, 1000) });
    const evidence = itemOf(r, "flag-switches-systems").evidence.join(" ");
    expect(evidence).toContain("until legacy was retired at 2026-11-01 05:00 UTC");
    expect(evidence).not.toContain("went off");
  });
});
