import { emptyHistogram, type MetricStream, type MinuteRollup, observe } from "@qmc/core";
import { writeRollups } from "@qmc/engine/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterOutputs } from "./root-router.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";

/**
 * The migration plan walked from phase 1 to 4 through the real HTTP API: every config change is
 * made with `rollout.set`, `rollout.rollback` and `migration.retire`, then dated an hour after the
 * previous one (the version row's createdAt, nothing else), so an hour of traffic per step fits in
 * a test run. Traffic is what the workers' metrics writers would have flushed for that hour
 * (rollups written with the writer's own store); shadow comparisons are rows as the comparator
 * stores them. At every step `health.phase` must name the phase and judge each item.
 */
let h: ApiHarness;
let viewer: string;
let operator: string;
let admin: string;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const base = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const hour = (k: number) => new Date(base + k * HOUR);
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

beforeAll(async () => {
  h = await createApiHarness("health_phase_walk");
  [viewer, operator, admin] = await Promise.all([
    h.tokenFor("VIEWER"),
    h.tokenFor("OPERATOR"),
    h.tokenFor("ADMIN"),
  ]);
  await dateLatestVersion(0);
});
afterAll(() => h.close());

/** The newest config version took effect `k` hours after the walk's start. */
async function dateLatestVersion(k: number): Promise<void> {
  const latest = await h.engine.db.prisma.queueConfig.findFirstOrThrow({ orderBy: { version: "desc" } });
  await h.engine.db.prisma.queueConfig.update({
    where: { version: latest.version },
    data: { createdAt: hour(k) },
  });
}

interface Traffic {
  submitted?: number;
  completed?: number;
  failed?: number;
  latencyMs?: number;
}

/** Split `n` over `parts` minutes, the remainder in the first. */
const share = (n: number, parts: number, i: number) => Math.floor(n / parts) + (i === 0 ? n % parts : 0);

/** What the metrics writers flushed for `streams` over 10 minutes starting at `at`. */
async function traffic(source: string, at: Date, streams: Partial<Record<MetricStream, Traffic>>) {
  const rows: MinuteRollup[] = [];
  for (const [stream, t] of Object.entries(streams) as Array<[MetricStream, Traffic]>) {
    for (let i = 0; i < 10; i++) {
      const completed = share(t.completed ?? 0, 10, i);
      const failed = share(t.failed ?? 0, 10, i);
      const endToEnd = emptyHistogram();
      for (let n = 0; n < completed + failed; n++) observe(endToEnd, t.latencyMs ?? 100);
      rows.push({
        stream,
        minute: new Date(at.getTime() + (5 + i) * MINUTE),
        counts: {
          submitted: share(t.submitted ?? 0, 10, i),
          started: completed + failed,
          completed,
          failed,
          retried: 0,
          cancelled: 0,
        },
        queueWait: emptyHistogram(),
        runTime: emptyHistogram(),
        endToEnd,
      });
    }
  }
  await writeRollups(h.engine.db.prisma, `worker:${source}`, rows);
}

type Report = RouterOutputs["health"]["phase"];
type Status = "pass" | "fail" | "pending";

async function phase(): Promise<Report> {
  return h.client(h.web, viewer).health.phase.query();
}

function statuses(report: Report): Record<string, Status> {
  return Object.fromEntries(report.phases.flatMap((p) => p.items).map((i) => [i.id, i.status]));
}

function evidence(report: Report, id: string): string {
  return (
    report.phases
      .flatMap((p) => p.items)
      .find((i) => i.id === id)
      ?.evidence.join(" | ") ?? ""
  );
}

/** Every item pending but those given: the twelve items of the plan, judged at one step. */
function expected(changes: Partial<Record<string, Status>>): Record<string, Status> {
  const all: Record<string, Status> = {
    "unit-tests": "pending",
    "integration-tests": "pending",
    "no-behavior-change": "pending",
    "flag-switches-systems": "pending",
    "shadow-logs-differences": "pending",
    "no-regression": "pending",
    "rollout-percent-respected": "pending",
    "metrics-comparable": "pending",
    "no-degradation-per-level": "pending",
    "works-without-flags": "pending",
    "no-orphaned-code": "pending",
    "documentation-updated": "pending",
  };
  return { ...all, ...changes } as Record<string, Status>;
}

const legacy = (n: number, failed = Math.round(n / 100)): Traffic => ({
  submitted: n,
  completed: n - failed,
  failed,
  latencyMs: 300,
});

describe("the phase walk, 1 → 4", () => {
  it("phase 1: no flag yet, every order in legacy", async () => {
    await traffic("phase-1", hour(0), { LEGACY: legacy(300) });
    const report = await phase();
    expect(report).toMatchObject({ phase: 1, name: "Parallel implementation", since: hour(0) });
    expect(report.phases.map((p) => p.state)).toEqual(["current", "upcoming", "upcoming", "upcoming"]);
    expect(statuses(report)).toEqual(expected({ "no-behavior-change": "pass" }));
    expect(evidence(report, "no-behavior-change")).toContain(
      `All 300 orders went to legacy before any flag was on, since ${utc(hour(0))}`,
    );
    expect(evidence(report, "flag-switches-systems")).toBe(
      "The switch has never been on: every order goes to legacy.",
    );
    expect(report.phases[0]?.items.filter((i) => !i.live).map((i) => i.id)).toEqual([
      "unit-tests",
      "integration-tests",
    ]);
  });

  it("phase 2: shadow mode on, its comparisons counted", async () => {
    await h.client(h.web, operator).rollout.set.mutate({ shadowMode: true, reason: "shadow on" });
    await dateLatestVersion(1);
    await traffic("phase-2-shadow", hour(1), {
      LEGACY: legacy(300),
      SHADOW: { submitted: 300, completed: 300, latencyMs: 280 },
    });
    await h.engine.db.prisma.shadowComparison.createMany({
      data: Array.from({ length: 202 }, (_, i) => ({
        legacyWorkOrderId: `legacy-${i}`,
        shadowWorkOrderId: `shadow-${i}`,
        outcome: i < 200 ? ("MATCH" as const) : ("MISMATCH" as const),
        differences: i < 200 ? [] : [{ field: "exitCode", legacy: 0, shadow: 1 }],
        legacyOutcome: {},
        shadowOutcome: {},
        comparedAt: new Date(hour(1).getTime() + 20 * MINUTE),
      })),
    });
    const report = await phase();
    expect(report).toMatchObject({ phase: 2, since: hour(1) });
    expect(report.summary).toBe(
      `Phase 2, feature flag integration: shadow mode is on since ${utc(hour(1))}; the switch is off.`,
    );
    expect(statuses(report)).toEqual(
      expected({ "no-behavior-change": "pass", "shadow-logs-differences": "pass", "no-regression": "pass" }),
    );
    expect(evidence(report, "shadow-logs-differences")).toBe(
      `202 shadow runs compared since shadow mode first went on at ${utc(hour(1))}: 200 matched (99.01 % consistent), 2 differences logged.`,
    );
    expect(evidence(report, "no-behavior-change")).toContain(
      `All 300 orders went to legacy before any flag was on, from ${utc(hour(0))} to ${utc(hour(1))} (1 h)`,
    );
  });

  it("phase 2: the switch on at 0 % sends nothing to the new system yet", async () => {
    await h
      .client(h.web, operator)
      .rollout.set.mutate({ useNewQueueSystem: true, reason: "switch on at 0 %" });
    await dateLatestVersion(2);
    await traffic("phase-2-zero", hour(2), { LEGACY: legacy(300) });
    const report = await phase();
    expect(report).toMatchObject({
      phase: 2,
      since: hour(1),
      config: { useNewQueueSystem: true, percent: 0 },
    });
    expect(statuses(report)).toEqual(
      expected({ "no-behavior-change": "pass", "shadow-logs-differences": "pass", "no-regression": "pass" }),
    );
    expect(evidence(report, "flag-switches-systems")).toContain(
      `The switch went on at ${utc(hour(2))} at 0 %: every order still goes to legacy (300 so far)`,
    );
  });

  it("phase 3 at 10 %: share, metrics and degradation judged for the level", async () => {
    await h.client(h.web, operator).rollout.set.mutate({
      newQueueRolloutPercent: 10,
      shadowMode: false,
      reason: "canary 10 %",
    });
    await dateLatestVersion(3);
    await traffic("phase-3-10", hour(3), {
      NEW: { submitted: 200, completed: 198, failed: 2, latencyMs: 250 },
      LEGACY: legacy(1800),
    });
    const report = await phase();
    expect(report).toMatchObject({ phase: 3, name: "Gradual rollout", since: hour(3) });
    expect(report.phases.map((p) => p.state)).toEqual(["done", "done", "current", "upcoming"]);
    expect(statuses(report)).toEqual(
      expected({
        "no-behavior-change": "pass",
        "flag-switches-systems": "pass",
        "shadow-logs-differences": "pass",
        "no-regression": "pass",
        "rollout-percent-respected": "pass",
        "metrics-comparable": "pass",
        "no-degradation-per-level": "pass",
      }),
    );
    expect(evidence(report, "flag-switches-systems")).toBe(
      `2,100 orders in legacy and 200 in the new system since the switch went on at ${utc(hour(2))}.`,
    );
    expect(evidence(report, "rollout-percent-respected")).toContain(
      "200 of 2,000 orders (10 %) went to the new system; the 4σ binomial bound for 2,000 orders allows 10 % ± 2.68 points.",
    );
    expect(evidence(report, "no-degradation-per-level")).toMatch(
      /^At 10 % since .*: new-system error rate 1 % \(2 of 200\) ≤ 1 %; new-system p99 2\d\d ms = 0\.\d\d× legacy p99 3\d\d ms ≤ 2×\.$/,
    );
  });

  it("phase 3 at 50 %: a level whose error rate breaks the limit fails the degradation item", async () => {
    await h.client(h.web, operator).rollout.set.mutate({ newQueueRolloutPercent: 50, reason: "50 %" });
    await dateLatestVersion(4);
    await traffic("phase-3-50", hour(4), {
      NEW: { submitted: 1000, completed: 970, failed: 30, latencyMs: 250 },
      LEGACY: legacy(1000),
    });
    const report = await phase();
    expect(report.phase).toBe(3);
    expect(statuses(report)).toMatchObject({
      "rollout-percent-respected": "pass",
      "metrics-comparable": "pass",
      "no-degradation-per-level": "fail",
    });
    expect(evidence(report, "no-degradation-per-level")).toContain(
      "new-system error rate 3 % (30 of 1,000) > 1 %",
    );
  });

  it("a rollback goes back to phase 2; the new system gets nothing while the switch is off", async () => {
    await h.client(h.web, operator).rollout.rollback.mutate({ reason: "error rate 3 %" });
    await dateLatestVersion(5);
    await traffic("rollback", hour(5), { LEGACY: legacy(500) });
    const report = await phase();
    // A rollback leaves the percent at 0: switching on again starts there.
    expect(report).toMatchObject({
      phase: 2,
      since: hour(5),
      config: { useNewQueueSystem: false, percent: 0 },
    });
    expect(report.summary).toBe(
      `Phase 2, feature flag integration: rolled back at ${utc(hour(5))}; the switch is off and every order goes to legacy.`,
    );
    expect(report.phases.map((p) => [p.state, p.reached])).toEqual([
      ["done", true],
      ["current", true],
      ["upcoming", true],
      ["upcoming", false],
    ]);
    expect(statuses(report)).toMatchObject({
      "flag-switches-systems": "pass",
      "no-degradation-per-level": "fail",
    });
    expect(evidence(report, "flag-switches-systems")).toBe(
      `3,100 orders in legacy and 1,200 in the new system since the switch went on at ${utc(hour(2))} until it went off at ${utc(hour(5))}.` +
        ` | After the rollback at ${utc(hour(5))} all 500 orders went to legacy, none to the new system.`,
    );
  });

  it("back at 50 % with a healthy new system, the level holds", async () => {
    await h.client(h.web, operator).rollout.set.mutate({
      useNewQueueSystem: true,
      newQueueRolloutPercent: 50,
      reason: "fixed, back to 50 %",
    });
    await dateLatestVersion(6);
    await traffic("phase-3-50-again", hour(6), {
      NEW: { submitted: 1000, completed: 995, failed: 5, latencyMs: 250 },
      LEGACY: legacy(1000),
    });
    const report = await phase();
    expect(report).toMatchObject({ phase: 3, since: hour(6) });
    expect(statuses(report)).toEqual(
      expected({
        "no-behavior-change": "pass",
        "flag-switches-systems": "pass",
        "shadow-logs-differences": "pass",
        "no-regression": "pass",
        "rollout-percent-respected": "pass",
        "metrics-comparable": "pass",
        "no-degradation-per-level": "pass",
      }),
    );
    expect(evidence(report, "flag-switches-systems")).toContain(
      `1,000 orders in legacy and 1,000 in the new system since the switch went on at ${utc(hour(6))}.`,
    );
  });

  it("phase 3 at 100 %: every order in the new system, legacy's p99 carried over as the baseline", async () => {
    await h
      .client(h.web, operator)
      .rollout.set.mutate({ newQueueRolloutPercent: 100, reason: "full rollout" });
    await dateLatestVersion(7);
    await traffic("phase-3-100", hour(7), {
      NEW: { submitted: 2000, completed: 1990, failed: 10, latencyMs: 260 },
    });
    const report = await phase();
    expect(report).toMatchObject({ phase: 3, config: { percent: 100 } });
    expect(statuses(report)).toMatchObject({
      "rollout-percent-respected": "pass",
      "metrics-comparable": "pass",
      "no-degradation-per-level": "pass",
    });
    expect(evidence(report, "rollout-percent-respected")).toContain(
      "2,000 of 2,000 orders (100 %) went to the new system; routing by hash sends every order there, so the share must be exactly 100 %.",
    );
    expect(evidence(report, "no-degradation-per-level")).toContain(
      `(measured at 50 % from ${utc(hour(6))} to ${utc(hour(7))}, the latest stretch with 100+ legacy orders) ≤ 2×`,
    );
    // 50 % failed at its first stretch and held at its second: the latest whole verdict counts.
    expect(evidence(report, "no-degradation-per-level")).toContain("Stretches at 50 %:");
  });

  it("phase 4: legacy retired, the new system alone does the work, no legacy traffic", async () => {
    await h.client(h.web, admin).migration.retire.mutate({ reason: "100 % stable for a week" });
    await dateLatestVersion(8);
    await traffic("phase-4", hour(8), { NEW: { submitted: 500, completed: 498, failed: 2, latencyMs: 260 } });
    const report = await phase();
    expect(report).toMatchObject({ phase: 4, name: "Legacy removal", since: hour(8) });
    expect(report.phases.map((p) => p.state)).toEqual(["done", "done", "done", "current"]);
    expect(statuses(report)).toEqual(
      expected({
        "no-behavior-change": "pass",
        "flag-switches-systems": "pass",
        "shadow-logs-differences": "pass",
        "no-regression": "pass",
        "rollout-percent-respected": "pass",
        "metrics-comparable": "pass",
        "no-degradation-per-level": "pass",
        "works-without-flags": "pass",
        "no-orphaned-code": "pass",
      }),
    );
    // 2–3 h: the hours are aligned when the file loads, and a run may cross the next hour.
    expect(evidence(report, "works-without-flags")).toMatch(
      new RegExp(
        `^The new system alone finished 500 orders since legacy was retired at ${utc(hour(8))} \\([23] h( \\d+ min)?\\), error rate 0\\.4 % \\(2 failed\\), within the 1 % limit\\.$`,
      ),
    );
    expect(evidence(report, "no-orphaned-code")).toContain(
      "0 orders submitted to or started in legacy; 500 went to the new system.",
    );
    // The switch did not go off at retirement: routing stopped asking it.
    expect(evidence(report, "flag-switches-systems")).toContain(
      `since the switch went on at ${utc(hour(6))} until legacy was retired at ${utc(hour(8))}.`,
    );
  });

  it("phase 4: a legacy order after retirement fails 'No orphaned code'", async () => {
    await traffic("stray-legacy", new Date(hour(8).getTime() + 40 * MINUTE), { LEGACY: { submitted: 3 } });
    const report = await phase();
    expect(report.phase).toBe(4);
    expect(statuses(report)["no-orphaned-code"]).toBe("fail");
    expect(evidence(report, "no-orphaned-code")).toContain("3 orders submitted to it, 0 started in it");
  });
});
