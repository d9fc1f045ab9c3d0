import { describe, expect, it } from "vitest";
import { emptyHistogram, observe } from "../metrics/latency-histogram.ts";
import type { MetricStream } from "../metrics/rollup-accumulator.ts";
import { streamWindow } from "../metrics/rollup-window.ts";
import { DEFAULT_THRESHOLDS } from "../threshold-settings.ts";
import { evaluatePhase } from "./evaluate-phase.ts";
import { levelKey } from "./phase-timeline.ts";
import type { ConfigPoint, PhaseFacts, VerificationItem, WindowMeasure } from "./phase-types.ts";

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const H = 3_600_000;
const now = (hours: number) => new Date(T0 + hours * H);

function history(...changes: Array<Partial<ConfigPoint>>): ConfigPoint[] {
  let previous: ConfigPoint = {
    version: 0,
    at: new Date(T0),
    useNewQueueSystem: false,
    shadowMode: false,
    percent: 0,
    legacyRetired: false,
    paused: false,
    actor: "system",
  };
  return [{}, ...changes].map((change, i) => {
    previous = { ...previous, ...change, version: i + 1, at: new Date(T0 + i * H) };
    return previous;
  });
}

/** The whole plan: shadow at 1 h, on at 0 % at 2 h, 10 % at 3 h, 50 % at 4 h, rollback at 5 h, 50 % at 6 h, 100 % at 7 h, retired at 8 h. */
const FULL = history(
  { shadowMode: true },
  { useNewQueueSystem: true },
  { percent: 10, shadowMode: false },
  { percent: 50 },
  { useNewQueueSystem: false },
  { useNewQueueSystem: true },
  { percent: 100 },
  { legacyRetired: true },
);

interface Numbers {
  submitted?: number;
  started?: number;
  completed?: number;
  failed?: number;
  /** Every finished order's end-to-end latency, ms (omit for no latency data). */
  latencyMs?: number;
}

/** A stream's window as the rollups of one minute would give it. */
function measure(parts: Partial<Record<MetricStream, Numbers>>): WindowMeasure {
  const window = { from: new Date(T0), to: new Date(T0 + 60_000) };
  const of = (stream: MetricStream) => {
    const n = parts[stream] ?? {};
    const endToEnd = emptyHistogram();
    const finished = (n.completed ?? 0) + (n.failed ?? 0);
    if (n.latencyMs !== undefined) for (let i = 0; i < finished; i++) observe(endToEnd, n.latencyMs);
    const row = {
      stream,
      minute: new Date(T0),
      counts: {
        submitted: n.submitted ?? 0,
        started: n.started ?? 0,
        completed: n.completed ?? 0,
        failed: n.failed ?? 0,
        retried: 0,
        cancelled: 0,
      },
      queueWait: emptyHistogram(),
      runTime: emptyHistogram(),
      endToEnd,
    };
    return streamWindow(stream, [row], window);
  };
  return { LEGACY: of("LEGACY"), NEW: of("NEW"), SHADOW: of("SHADOW") };
}

function evaluate(
  measures: Record<string, WindowMeasure>,
  overrides: Partial<PhaseFacts> = {},
): ReturnType<typeof evaluatePhase> {
  return evaluatePhase({ now: now(10), history: FULL, measures, comparisons: null, ...overrides });
}

function itemOf(report: ReturnType<typeof evaluatePhase>, id: string): VerificationItem {
  const found = report.phases.flatMap((p) => p.items).find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

const healthy = { completed: 990, failed: 10, latencyMs: 200 };

describe("the report", () => {
  it("names the current phase, marks the others done or upcoming, and words the plan's items", () => {
    const report = evaluatePhase({ now: now(5), history: FULL.slice(0, 5), measures: {}, comparisons: null });
    expect(report).toMatchObject({ phase: 3, name: "Gradual rollout", since: now(3) });
    expect(report.summary).toBe(
      "Phase 3, gradual rollout: the switch is on at 50 % since 2026-11-01 04:00 UTC.",
    );
    expect(report.phases.map((p) => [p.phase, p.state])).toEqual([
      [1, "done"],
      [2, "done"],
      [3, "current"],
      [4, "upcoming"],
    ]);
    expect(report.phases.map((p) => p.items.map((i) => i.title))).toEqual([
      ["All unit tests pass", "All integration tests pass", "No changes to existing behavior"],
      [
        "Feature flag correctly switches systems",
        "Shadow mode logs differences",
        "No regression in existing behavior",
      ],
      [
        "Rollout percentage is respected",
        "Metrics are comparable between systems",
        "No degradation at each percentage level",
      ],
      ["All functionality works without flags", "No orphaned code", "Documentation is updated"],
    ]);
  });

  it("summarises each phase in a sentence", () => {
    const summary = (h: ConfigPoint[], at = 10) =>
      evaluatePhase({ now: now(at), history: h, measures: {}, comparisons: null }).summary;
    expect(summary(history())).toBe(
      "Phase 1, parallel implementation: no flag has ever been on; every order goes to legacy.",
    );
    expect(summary(history({ shadowMode: true }))).toBe(
      "Phase 2, feature flag integration: shadow mode is on since 2026-11-01 01:00 UTC; the switch is off.",
    );
    expect(summary(history({ useNewQueueSystem: true }))).toBe(
      "Phase 2, feature flag integration: the switch is on at 0 %, so every order still goes to legacy.",
    );
    expect(summary(FULL.slice(0, 6))).toBe(
      "Phase 2, feature flag integration: rolled back at 2026-11-01 05:00 UTC; the switch is off and every order goes to legacy.",
    );
    expect(summary(FULL)).toBe(
      "Phase 4, legacy removal: legacy was retired at 2026-11-01 08:00 UTC; every order goes to the new system.",
    );
  });

  it("says which items live data cannot show, and keeps them grey", () => {
    const report = evaluate({});
    for (const id of ["unit-tests", "integration-tests", "documentation-updated"]) {
      expect(itemOf(report, id)).toMatchObject({ status: "pending", live: false });
    }
  });
});

describe("phase 1: no changes to existing behavior", () => {
  it("passes when every order before any flag went to legacy", () => {
    const item = itemOf(evaluate({ phase1: measure({ LEGACY: { submitted: 500 } }) }), "no-behavior-change");
    expect(item.status).toBe("pass");
    expect(item.evidence[0]).toBe(
      "All 500 orders went to legacy before any flag was on, from 2026-11-01 00:00 UTC to 2026-11-01 01:00 UTC (1 h); none went to the new system.",
    );
  });

  it("fails when the new system took orders before any flag, pending without orders", () => {
    const fail = evaluate({ phase1: measure({ LEGACY: { submitted: 500 }, NEW: { submitted: 3 } }) });
    expect(itemOf(fail, "no-behavior-change")).toMatchObject({ status: "fail" });
    expect(itemOf(fail, "no-behavior-change").evidence[0]).toContain(
      "3 orders went to the new system (3 new, 0 shadow)",
    );
    expect(itemOf(evaluate({}), "no-behavior-change").status).toBe("pending");
  });

  it("is pending when the metrics of that time are past the retention", () => {
    const report = evaluate(
      { phase1: measure({ LEGACY: { submitted: 500 } }) },
      { now: new Date(T0 + 31 * 24 * H) },
    );
    expect(itemOf(report, "no-behavior-change")).toMatchObject({ status: "pending" });
    expect(itemOf(report, "no-behavior-change").evidence[0]).toContain("past the retention");
  });
});

describe("phase 2: feature flag correctly switches systems", () => {
  const item = (h: ConfigPoint[], measures: Record<string, WindowMeasure>) =>
    itemOf(
      evaluatePhase({ now: now(h.length), history: h, measures, comparisons: null }),
      "flag-switches-systems",
    );
  const at10 = history({ useNewQueueSystem: true, percent: 10 });

  it("is pending while the switch was never on, or is on at 0 %", () => {
    expect(item(history(), {}).evidence).toEqual([
      "The switch has never been on: every order goes to legacy.",
    ]);
    const atZero = item(history({ useNewQueueSystem: true }), {
      switch: measure({ LEGACY: { submitted: 40 } }),
    });
    expect(atZero.status).toBe("pending");
    expect(atZero.evidence[0]).toContain("every order still goes to legacy (40 so far)");
  });

  it("passes with orders observed in both systems since the switch went on", () => {
    const pass = item(at10, { switch: measure({ LEGACY: { submitted: 412 }, NEW: { submitted: 388 } }) });
    expect(pass).toMatchObject({ status: "pass" });
    expect(pass.evidence).toEqual([
      "412 orders in legacy and 388 in the new system since the switch went on at 2026-11-01 01:00 UTC.",
    ]);
  });

  it("fails when the new system got nothing though it should have had ≥ 20, pending below that", () => {
    expect(item(at10, { switch: measure({ LEGACY: { submitted: 200 } }) }).status).toBe("fail");
    expect(item(at10, { switch: measure({ LEGACY: { submitted: 199 } }) }).status).toBe("pending");
  });

  it("fails when orders went to the new system while the switch was off after a rollback", () => {
    const h = history({ useNewQueueSystem: true, percent: 10 }, { useNewQueueSystem: false });
    const measures = { switch: measure({ LEGACY: { submitted: 900 }, NEW: { submitted: 100 } }) };
    const clean = item(h, { ...measures, rollback: measure({ LEGACY: { submitted: 70 } }) });
    expect(clean.status).toBe("pass");
    expect(clean.evidence[1]).toBe(
      "After the rollback at 2026-11-01 02:00 UTC all 70 orders went to legacy, none to the new system.",
    );
    const strayed = item(h, {
      ...measures,
      rollback: measure({ LEGACY: { submitted: 70 }, NEW: { submitted: 2 } }),
    });
    expect(strayed.status).toBe("fail");
  });
});

describe("phase 2: shadow mode logs differences", () => {
  it("is pending while shadow mode was never on", () => {
    const report = evaluatePhase({ now: now(2), history: history(), measures: {}, comparisons: null });
    expect(itemOf(report, "shadow-logs-differences").evidence).toEqual(["Shadow mode has never been on."]);
  });

  it("passes with comparisons recorded, reporting the consistency rate", () => {
    const item = itemOf(
      evaluate({}, { comparisons: { compared: 1204, matched: 1198 } }),
      "shadow-logs-differences",
    );
    expect(item.status).toBe("pass");
    expect(item.evidence[0]).toBe(
      "1,204 shadow runs compared since shadow mode first went on at 2026-11-01 01:00 UTC: 1,198 matched (99.5 % consistent), 6 differences logged.",
    );
  });

  it("fails when the minimum sample of shadow runs finished and none was compared; pending below", () => {
    const many = evaluate(
      { shadow: measure({ SHADOW: { completed: 100 } }) },
      { comparisons: { compared: 0, matched: 0 } },
    );
    expect(itemOf(many, "shadow-logs-differences").status).toBe("fail");
    const few = evaluate(
      { shadow: measure({ SHADOW: { completed: 99 } }) },
      { comparisons: { compared: 0, matched: 0 } },
    );
    expect(itemOf(few, "shadow-logs-differences").status).toBe("pending");
  });
});

describe("phase 2: no regression in existing behavior", () => {
  const base = { phase1: measure({ LEGACY: { completed: 990, failed: 10, latencyMs: 300 } }) };

  it("is pending without flags, without a baseline, or with too few legacy orders during the flags", () => {
    expect(
      itemOf(
        evaluatePhase({ now: now(1), history: history(), measures: {}, comparisons: null }),
        "no-regression",
      ).status,
    ).toBe("pending");
    expect(itemOf(evaluate({ flags: measure({ LEGACY: healthy }) }), "no-regression").evidence[0]).toContain(
      "No legacy baseline",
    );
    expect(
      itemOf(evaluate({ ...base, flags: measure({ LEGACY: { completed: 50 } }) }), "no-regression").status,
    ).toBe("pending");
  });

  it("passes when legacy's error rate and p99 held, fails when either got worse than the limits", () => {
    const pass = itemOf(
      evaluate({ ...base, flags: measure({ LEGACY: { completed: 985, failed: 15, latencyMs: 310 } }) }),
      "no-regression",
    );
    expect(pass.status).toBe("pass");
    expect(pass.evidence[0]).toMatch(
      /^Legacy with flags on, from 2026-11-01 01:00 UTC to 2026-11-01 03:00 UTC \(2 h\): error rate 1\.5 % \(15 of 1,000 finished\), p99 3\d\d ms; before the flags: error rate 1 %/,
    );
    const errors = evaluate({
      ...base,
      flags: measure({ LEGACY: { completed: 970, failed: 30, latencyMs: 300 } }),
    });
    expect(itemOf(errors, "no-regression").status).toBe("fail");
    const slow = evaluate({
      ...base,
      flags: measure({ LEGACY: { completed: 990, failed: 10, latencyMs: 700 } }),
    });
    expect(itemOf(slow, "no-regression").status).toBe("fail");
  });
});

describe("phase 3: rollout percentage is respected", () => {
  const at10 = (newSystem: number, legacy: number) =>
    itemOf(
      evaluatePhase({
        now: now(2),
        history: history({ useNewQueueSystem: true, percent: 10 }),
        measures: {
          [levelKey(10)]: measure({ NEW: { submitted: newSystem }, LEGACY: { submitted: legacy } }),
        },
        comparisons: null,
      }),
      "rollout-percent-respected",
    );

  it("is pending before the rollout goes above 0 %", () => {
    const report = evaluatePhase({ now: now(3), history: FULL.slice(0, 3), measures: {}, comparisons: null });
    expect(itemOf(report, "rollout-percent-respected").evidence).toEqual([
      "The rollout has not gone above 0 % yet.",
    ]);
  });

  it("holds a level to a 4σ binomial bound: exactly on the bound passes, one order beyond fails", () => {
    // n = 10,000 at 10 %: σ = 0.3 points, 4σ = 1.2 points → 880 … 1,120 orders to the new system.
    expect(at10(1120, 8880).status).toBe("pass");
    expect(at10(1121, 8879).status).toBe("fail");
    expect(at10(880, 9120).status).toBe("pass");
    expect(at10(879, 9121).status).toBe("fail");
    expect(at10(1000, 9000).evidence).toContain(
      "At 10 % since 2026-11-01 01:00 UTC (1 h): 1,000 of 10,000 orders (10 %) went to the new system; the 4σ binomial bound for 10,000 orders allows 10 % ± 1.2 points.",
    );
  });

  it("is pending below the minimum sample of 100 orders", () => {
    expect(at10(10, 89).status).toBe("pending");
    expect(at10(10, 89).evidence.join(" ")).toContain("only 99 orders; at least 100 are needed");
  });

  it("allows no order off route at 100 %, where routing is exact", () => {
    const at100 = (legacy: number) =>
      itemOf(
        evaluate({
          [levelKey(10)]: measure({ NEW: { submitted: 100 }, LEGACY: { submitted: 900 } }),
          [levelKey(50)]: measure({ NEW: { submitted: 500 }, LEGACY: { submitted: 500 } }),
          [levelKey(100)]: measure({ NEW: { submitted: 1000 }, LEGACY: { submitted: legacy } }),
        }),
        "rollout-percent-respected",
      );
    expect(at100(0).status).toBe("pass");
    expect(at100(1).status).toBe("fail");
  });
});

describe("phase 3: metrics are comparable between systems", () => {
  it("passes on the latest level where both systems have the minimum sample with latencies", () => {
    const item = itemOf(
      evaluate({
        [levelKey(50)]: measure({ NEW: healthy, LEGACY: healthy }),
        [levelKey(100)]: measure({ NEW: healthy }),
      }),
      "metrics-comparable",
    );
    expect(item.status).toBe("pass");
    expect(item.evidence[0]).toMatch(
      /^At 50 % .*: new system error rate 1 % \(10 of 1,000 finished\), p99 2\d\d ms; legacy/,
    );
  });

  it("fails when a system reports finished orders without latencies, pending below the sample", () => {
    const noLatency = { completed: 500 };
    expect(
      itemOf(evaluate({ [levelKey(50)]: measure({ NEW: noLatency, LEGACY: healthy }) }), "metrics-comparable")
        .status,
    ).toBe("fail");
    expect(
      itemOf(
        evaluate({ [levelKey(50)]: measure({ NEW: { completed: 99, latencyMs: 5 }, LEGACY: healthy }) }),
        "metrics-comparable",
      ).status,
    ).toBe("pending");
  });
});

describe("phase 3: no degradation at each percentage level", () => {
  const levels = (at100: Numbers) => ({
    [levelKey(10)]: measure({ NEW: healthy, LEGACY: { ...healthy, latencyMs: 300 } }),
    [levelKey(50)]: measure({ NEW: healthy, LEGACY: { ...healthy, latencyMs: 300 } }),
    [levelKey(100)]: measure({ NEW: at100 }),
  });

  it("passes when every level held, carrying legacy's p99 to 100 % where legacy has no orders", () => {
    const item = itemOf(evaluate(levels(healthy)), "no-degradation-per-level");
    expect(item.status).toBe("pass");
    expect(item.evidence[2]).toMatch(
      /^At 100 % .*: new-system error rate 1 % \(10 of 1,000\) ≤ 1 %; new-system p99 2\d\d ms = 0\.\d\d× legacy p99 3\d\d ms \(measured at 50 % from 2026-11-01 04:00 UTC to 2026-11-01 05:00 UTC, the latest stretch with 100\+ legacy orders\) ≤ 2×\.$/,
    );
  });

  it("fails a level whose error rate exceeds the limit, or whose p99 exceeds 2× legacy", () => {
    expect(
      itemOf(evaluate(levels({ completed: 979, failed: 21, latencyMs: 200 })), "no-degradation-per-level")
        .status,
    ).toBe("fail");
    expect(
      itemOf(evaluate(levels({ completed: 990, failed: 10, latencyMs: 900 })), "no-degradation-per-level")
        .status,
    ).toBe("fail");
  });

  it("uses the current threshold settings instead of the defaults", () => {
    const lenient = DEFAULT_THRESHOLDS.map((s) =>
      s.metric === "ERROR_RATE" ? { ...s, limit: 0.05 } : { ...s },
    );
    const item = itemOf(
      evaluate(levels({ completed: 979, failed: 21, latencyMs: 200 }), { thresholds: lenient }),
      "no-degradation-per-level",
    );
    expect(item.status).toBe("pass");
  });

  it("is pending below the minimum sample or without any legacy p99 to compare with", () => {
    expect(
      itemOf(evaluate(levels({ completed: 99, latencyMs: 200 })), "no-degradation-per-level").status,
    ).toBe("pending");
    const noBaseline = itemOf(
      evaluate({ [levelKey(10)]: measure({ NEW: healthy }) }),
      "no-degradation-per-level",
    );
    expect(noBaseline.status).toBe("pending");
    expect(noBaseline.evidence[0]).toContain("no legacy p99 to compare with");
  });
});

describe("phase 4", () => {
  it("is pending before retirement", () => {
    const report = evaluatePhase({ now: now(8), history: FULL.slice(0, 8), measures: {}, comparisons: null });
    expect(itemOf(report, "works-without-flags").evidence).toEqual(["Legacy has not been retired."]);
    expect(itemOf(report, "no-orphaned-code").status).toBe("pending");
  });

  it("all functionality works without flags: the new system alone, within the error limit", () => {
    const item = (newSystem: Numbers) =>
      itemOf(evaluate({ retired: measure({ NEW: newSystem }) }), "works-without-flags");
    expect(item(healthy).status).toBe("pass");
    expect(item(healthy).evidence[0]).toBe(
      "The new system alone finished 1,000 orders since legacy was retired at 2026-11-01 08:00 UTC (2 h), error rate 1 % (10 failed), within the 1 % limit.",
    );
    expect(item({ completed: 900, failed: 100 }).status).toBe("fail");
    expect(item({ completed: 50 }).status).toBe("pending");
  });

  it("no orphaned code: no legacy traffic after retirement", () => {
    const item = (legacy: Numbers) =>
      itemOf(evaluate({ retired: measure({ NEW: { submitted: 800 }, LEGACY: legacy }) }), "no-orphaned-code");
    expect(item({}).status).toBe("pass");
    expect(item({}).evidence[0]).toBe(
      "No legacy traffic since legacy was retired at 2026-11-01 08:00 UTC (2 h): 0 orders submitted to or started in legacy; 800 went to the new system.",
    );
    expect(item({ submitted: 1 }).status).toBe("fail");
    expect(item({ started: 1 }).status).toBe("fail");
  });

  it("is pending while retirement is less than a whole minute old", () => {
    const retiredAt = new Date(T0 + 8 * H + 10_000);
    const justRetired = evaluatePhase({
      now: new Date(retiredAt.getTime() + 30_000),
      history: FULL.map((c) => (c.legacyRetired ? { ...c, at: retiredAt } : c)),
      measures: {},
      comparisons: null,
    });
    expect(itemOf(justRetired, "no-orphaned-code")).toMatchObject({ status: "pending" });
    expect(itemOf(justRetired, "no-orphaned-code").evidence[0]).toContain("less than a whole minute");
  });
});
