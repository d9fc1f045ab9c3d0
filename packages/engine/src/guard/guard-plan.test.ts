import { DEFAULT_THRESHOLDS, type ThresholdMetric, type ThresholdSetting } from "@qmc/core";
import { describe, expect, it } from "vitest";
import type { GuardEvaluation } from "./decision-inputs.ts";
import {
  type GuardPlanInput,
  pauseRearmMs,
  planGuardActions,
  type UnresolvedDecision,
} from "./guard-plan.ts";

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const settings: ThresholdSetting[] = DEFAULT_THRESHOLDS.map((s) => ({ ...s }));
const rule = (metric: ThresholdMetric) => settings.find((s) => s.metric === metric) as ThresholdSetting;

function evaluation(
  metric: ThresholdMetric,
  status: GuardEvaluation["status"],
  action: GuardEvaluation["action"],
  subject = "NEW",
  setting: ThresholdSetting = rule(metric),
): GuardEvaluation {
  return {
    metric,
    subject,
    status,
    action,
    value: 0.5,
    limit: setting.limit,
    sampleSize: 100,
    minSample: 100,
    explanation: `${metric} is ${status}`,
    windowSeconds: setting.windowSeconds,
    window: { from: "", to: "" },
    values: {},
    setting,
  };
}

function decision(
  metric: ThresholdMetric,
  action: string,
  status: UnresolvedDecision["status"] = "OPEN",
  subject = "NEW",
  acknowledgedAt: Date | null = null,
): UnresolvedDecision {
  return { id: `${metric}-${subject}`, metric, subject, action, status, acknowledgedAt };
}

const plan = (input: Partial<GuardPlanInput>) =>
  planGuardActions({
    evaluations: [],
    settings,
    unresolved: [],
    workers: [],
    belowSince: new Map(),
    now: NOW,
    ...input,
  });
const kinds = (intents: ReturnType<typeof plan>) =>
  intents.map((i) => (i.kind === "open" ? `open ${i.action}` : i.kind));

describe("the guard's plan for the system-wide rules", () => {
  it("opens one decision on a breach, and none while one is unresolved (level-triggered → once)", () => {
    const breach = evaluation("ERROR_RATE", "breached", "PAUSE_ROLLOUT");
    expect(kinds(plan({ evaluations: [breach] }))).toEqual(["open PAUSE_ROLLOUT"]);
    expect(plan({ evaluations: [breach], unresolved: [decision("ERROR_RATE", "PAUSE_ROLLOUT")] })).toEqual(
      [],
    );
    const alert = evaluation("P99_LATENCY_RATIO", "breached", "ALERT");
    expect(kinds(plan({ evaluations: [alert] }))).toEqual(["open ALERT"]);
    const acked = decision("P99_LATENCY_RATIO", "ALERT", "ACKNOWLEDGED", "NEW", new Date(NOW - 1000));
    expect(plan({ evaluations: [alert], unresolved: [acked] })).toEqual([]);
  });

  it("never acts on insufficient data: nothing opens, nothing resolves", () => {
    const none = evaluation("ERROR_RATE", "insufficient-data", null);
    expect(plan({ evaluations: [none] })).toEqual([]);
    const alert = decision("QUEUE_DEPTH_GROWTH", "ALERT");
    expect(
      plan({
        evaluations: [evaluation("QUEUE_DEPTH_GROWTH", "insufficient-data", null)],
        unresolved: [alert],
      }),
    ).toEqual([]);
  });

  it("resolves an alert, acknowledged or not, when its rule is ok again", () => {
    for (const status of ["OPEN", "ACKNOWLEDGED"] as const) {
      const d = decision("QUEUE_DEPTH_GROWTH", "ALERT", status);
      const intents = plan({ evaluations: [evaluation("QUEUE_DEPTH_GROWTH", "ok", null)], unresolved: [d] });
      expect(intents).toEqual([
        { kind: "resolve", decisionId: d.id, resolution: "Recovered: QUEUE_DEPTH_GROWTH is ok" },
      ]);
    }
  });

  it("keeps a pause until it is acknowledged, even when the rate recovers; then resolves it", () => {
    const ok = evaluation("ERROR_RATE", "ok", null);
    expect(plan({ evaluations: [ok], unresolved: [decision("ERROR_RATE", "PAUSE_ROLLOUT")] })).toEqual([]);
    const acked = decision("ERROR_RATE", "PAUSE_ROLLOUT", "ACKNOWLEDGED", "NEW", new Date(NOW - 1000));
    expect(kinds(plan({ evaluations: [ok], unresolved: [acked] }))).toEqual(["resolve"]);
  });

  it("pauses again after an acknowledgement only if still breached a full window later", () => {
    const breach = evaluation("ERROR_RATE", "breached", "PAUSE_ROLLOUT");
    const rearm = pauseRearmMs(300);
    expect(rearm).toBe(360_000);
    const recent = decision("ERROR_RATE", "PAUSE_ROLLOUT", "ACKNOWLEDGED", "NEW", new Date(NOW - rearm + 1));
    expect(plan({ evaluations: [breach], unresolved: [recent] })).toEqual([]);
    const old = decision("ERROR_RATE", "PAUSE_ROLLOUT", "ACKNOWLEDGED", "NEW", new Date(NOW - rearm));
    expect(kinds(plan({ evaluations: [breach], unresolved: [old] }))).toEqual([
      "resolve",
      "open PAUSE_ROLLOUT",
    ]);
  });

  it("replaces a decision whose rule now prescribes another action", () => {
    const pause = evaluation("P99_LATENCY_RATIO", "breached", "PAUSE_ROLLOUT");
    const intents = plan({ evaluations: [pause], unresolved: [decision("P99_LATENCY_RATIO", "ALERT")] });
    expect(kinds(intents)).toEqual(["resolve", "open PAUSE_ROLLOUT"]);
  });

  it("resolves the decisions of a disabled rule, but an open pause waits for its acknowledgement", () => {
    const disabled = settings.map((s) => ({ ...s, enabled: s.metric === "MEMORY_USAGE" }));
    const alert = decision("P99_LATENCY_RATIO", "ALERT", "ACKNOWLEDGED");
    const pause = decision("ERROR_RATE", "PAUSE_ROLLOUT", "OPEN");
    const intents = plan({ settings: disabled, unresolved: [alert, pause] });
    expect(intents).toEqual([
      {
        kind: "resolve",
        decisionId: alert.id,
        resolution: expect.stringContaining("P99_LATENCY_RATIO rule was disabled"),
      },
    ]);
  });
});

describe("the guard's plan for worker memory", () => {
  const w = (memoryUsedRatio: number, concurrencyLimit = 8) => ({
    workerId: "w1",
    memoryUsedRatio,
    slotsTotal: 8,
    concurrencyLimit,
  });
  const mem = (
    status: GuardEvaluation["status"],
    action: GuardEvaluation["action"],
    setting = rule("MEMORY_USAGE"),
  ) => evaluation("MEMORY_USAGE", status, action, "w1", setting);

  it("reduces to half the slots and opens a decision; repeats the command until the heartbeat shows it", () => {
    const breach = mem("breached", "REDUCE_CONCURRENCY");
    expect(plan({ evaluations: [breach], workers: [w(0.95)] })).toEqual([
      { kind: "open", action: "REDUCE_CONCURRENCY", evaluation: breach },
      { kind: "reduce", workerId: "w1", limit: 4 },
    ]);
    const open = decision("MEMORY_USAGE", "REDUCE_CONCURRENCY", "OPEN", "w1");
    expect(plan({ evaluations: [breach], workers: [w(0.95)], unresolved: [open] })).toEqual([
      { kind: "reduce", workerId: "w1", limit: 4 },
    ]);
    expect(plan({ evaluations: [breach], workers: [w(0.95, 4)], unresolved: [open] })).toEqual([]);
  });

  it("restores only after memory stayed below the restore level for the hold time", () => {
    const below = mem("ok", "RESTORE_CONCURRENCY");
    const open = decision("MEMORY_USAGE", "REDUCE_CONCURRENCY", "OPEN", "w1");
    const reduced = [w(0.5, 4)];
    expect(plan({ evaluations: [below], workers: reduced, unresolved: [open] })).toEqual([
      { kind: "hold-start", workerId: "w1" },
    ]);
    const holding = new Map([["w1", NOW - 59_999]]);
    expect(plan({ evaluations: [below], workers: reduced, unresolved: [open], belowSince: holding })).toEqual(
      [],
    );
    const held = new Map([["w1", NOW - 60_000]]);
    expect(
      kinds(plan({ evaluations: [below], workers: reduced, unresolved: [open], belowSince: held })),
    ).toEqual(["restore", "resolve", "hold-clear"]);
  });

  it("breaks the hold when memory rises above the restore level again", () => {
    const between = mem("ok", null);
    const open = decision("MEMORY_USAGE", "REDUCE_CONCURRENCY", "OPEN", "w1");
    const holding = new Map([["w1", NOW - 30_000]]);
    expect(
      plan({ evaluations: [between], workers: [w(0.85, 4)], unresolved: [open], belowSince: holding }),
    ).toEqual([{ kind: "hold-clear", workerId: "w1" }]);
  });

  it("restores at once with a hold time of 0", () => {
    const setting = { ...rule("MEMORY_USAGE"), holdSeconds: 0 };
    const open = decision("MEMORY_USAGE", "REDUCE_CONCURRENCY", "OPEN", "w1");
    const intents = plan({
      evaluations: [mem("ok", "RESTORE_CONCURRENCY", setting)],
      workers: [w(0.5, 4)],
      unresolved: [open],
    });
    expect(kinds(intents)).toEqual(["restore", "resolve"]);
  });

  it("resolves the decision of a worker that stopped reporting, and forgets its hold", () => {
    const open = decision("MEMORY_USAGE", "REDUCE_CONCURRENCY", "OPEN", "gone");
    const intents = plan({ unresolved: [open], belowSince: new Map([["gone", NOW]]) });
    expect(intents).toEqual([
      { kind: "resolve", decisionId: open.id, resolution: expect.stringContaining("stopped reporting") },
      { kind: "hold-clear", workerId: "gone" },
    ]);
  });

  it("restores every reduced worker when the memory rule is disabled", () => {
    const disabled = settings.map((s) => (s.metric === "MEMORY_USAGE" ? { ...s, enabled: false } : s));
    const open = decision("MEMORY_USAGE", "REDUCE_CONCURRENCY", "ACKNOWLEDGED", "w1");
    expect(kinds(plan({ settings: disabled, workers: [w(0.95, 4)], unresolved: [open] }))).toEqual([
      "restore",
      "resolve",
    ]);
    expect(kinds(plan({ settings: disabled, workers: [w(0.95, 4)] }))).toEqual(["restore"]);
  });
});
