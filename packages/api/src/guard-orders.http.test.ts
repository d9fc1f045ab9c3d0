import { planSyntheticAttempt, SyntheticPayloadSchema } from "@qmc/core";
import type { DecisionInputs, GuardEvaluation, GuardRunner, GuardTickReport, QueueEngine } from "@qmc/engine";
import { RollupWriter } from "@qmc/engine/metrics";
import { waitForTerminal } from "@qmc/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/**
 * The health guard end to end: real synthetic orders run by a worker whose metrics writer rolls
 * them up, its guard evaluating every 500 ms, and the control plane over HTTP.
 */
let h: ApiHarness;
let operator: string;
let admin: string;
let writer: RollupWriter;
let engine: QueueEngine;
let guard: GuardRunner;
const reports: GuardTickReport[] = [];

/** 5 % failure probability per attempt; fatal, so a failed attempt is the order's outcome. */
const FAILING = SyntheticPayloadSchema.parse({ failureRate: 0.05, failureMode: "fatal" });

/** `count` order ids of which exactly `failing` fail under FAILING (the plan is deterministic per id). */
function idsWith(prefix: string, count: number, failing: number): string[] {
  const fails: string[] = [];
  const passes: string[] = [];
  for (let i = 0; fails.length < failing || passes.length < count - failing; i++) {
    const id = `${prefix}-${i}`;
    const bucket = planSyntheticAttempt(id, 1, FAILING).exitCode === 0 ? passes : fails;
    if (bucket.length < (bucket === fails ? failing : count - failing)) bucket.push(id);
  }
  return [...fails, ...passes];
}

async function runOrders(ids: string[], system: "NEW" | "LEGACY", payload: object) {
  for (const id of ids) {
    await h.engine.submitter.submit({ id, kind: "synthetic", payload, system, actor: "test" });
  }
  await waitForTerminal(h.engine.db, ids, 60_000);
}

/** The error-rate evaluation of the next evaluation that counts at least `finished` orders. */
function nextEvaluationCounting(
  finished: number,
): Promise<{ report: GuardTickReport; rule: GuardEvaluation }> {
  return new Promise((resolve) => {
    const listener = (report: GuardTickReport) => {
      const rule = report.evaluations.find((e) => e.metric === "ERROR_RATE");
      if (!rule || rule.sampleSize < finished) return;
      guard.off("evaluated", listener);
      resolve({ report, rule });
    };
    guard.on("evaluated", listener);
  });
}

beforeAll(async () => {
  h = await createApiHarness("guard_orders");
  [operator, admin] = await Promise.all([h.tokenFor("OPERATOR"), h.tokenFor("ADMIN")]);
  writer = new RollupWriter(h.engine.db.prisma, {
    source: "worker:guard-e2e",
    flushMs: 100,
    logger: h.engine.resources.logger,
  });
  await writer.start();
  engine = await h.engine.startEngine(
    { workerId: "guard-e2e", legacyConcurrency: 16, newSystemSlots: 16, guard: { intervalMs: 500 } },
    { metrics: writer },
  );
  if (!engine.guard) throw new Error("no guard");
  guard = engine.guard;
  guard.on("evaluated", (r: GuardTickReport) => reports.push(r));
  await h.client(h.web, operator).rollout.set.mutate({
    useNewQueueSystem: true,
    newQueueRolloutPercent: 10,
    reason: "canary",
  });
});
afterAll(async () => {
  await engine.stop(2_000);
  await writer.stop();
  await h.close();
});

describe("the health guard on real orders", () => {
  it("does not act on 50 finished orders, then pauses within one evaluation at 5 % of 100; an acknowledgement lifts it", async () => {
    const api = h.client(h.web, operator);
    await runOrders(idsWith("half", 50, 5), "NEW", FAILING);
    const { rule: at50 } = await nextEvaluationCounting(50);
    expect(at50).toMatchObject({ status: "insufficient-data", sampleSize: 50, action: null });
    expect(await h.engine.db.prisma.gateDecision.count()).toBe(0);
    expect((await api.rollout.get.query()).paused).toBe(false);

    await runOrders(idsWith("full", 50, 0), "NEW", FAILING);
    const { report, rule } = await nextEvaluationCounting(100);
    expect(rule).toMatchObject({ status: "breached", action: "PAUSE_ROLLOUT", sampleSize: 100, value: 0.05 });
    // Acted in that very evaluation: its decision carries that evaluation's time.
    const [decision, ...others] = await h.engine.db.prisma.gateDecision.findMany();
    expect(others).toEqual([]);
    expect((decision?.inputs as unknown as DecisionInputs | undefined)?.evaluatedAt).toBe(
      report.at.toISOString(),
    );
    expect((await api.rollout.get.query()).paused).toBe(true);

    expect(
      await errorOf(api.rollout.set.mutate({ newQueueRolloutPercent: 50, reason: "more" })),
    ).toMatchObject({
      httpStatus: 412,
      domainCode: "ROLLOUT_PAUSED",
    });
    const stored = await api.guard.decision.query({ id: decision?.id ?? "" });
    expect(stored).toMatchObject({ metric: "ERROR_RATE", status: "OPEN", value: 0.05, sampleSize: 100 });
    expect(stored.inputs).toMatchObject({
      values: { value: 0.05, failed: 5, finished: 100, completed: 95, cancelled: 0, retried: 0 },
      window: { seconds: 300 },
      sample: { size: 100, minimum: 100 },
      threshold: { metric: "ERROR_RATE", limit: 0.01, action: "PAUSE_ROLLOUT", minSample: 100 },
      action: "PAUSE_ROLLOUT",
    });
    expect(stored.explanation).toContain("5 failed of 100 finished orders");

    await api.guard.acknowledge.mutate({ id: stored.id, reason: "failing task fixed" });
    expect(await api.rollout.set.mutate({ newQueueRolloutPercent: 50, reason: "go on" })).toMatchObject({
      newQueueRolloutPercent: 50,
      paused: false,
    });
  }, 90_000);

  it("new-system durations 3 × legacy raise the p99 alert, which blocks retirement", async () => {
    const legacy = Array.from({ length: 100 }, (_, i) => `legacy-p99-${i}`);
    const newSystem = Array.from({ length: 100 }, (_, i) => `new-p99-${i}`);
    // Durations well above the per-order overhead (claim, finish, a loaded machine's scheduling),
    // which both systems share and which would otherwise pull the measured ratio toward 1.
    await Promise.all([
      runOrders(legacy, "LEGACY", { durationMs: 300 }),
      runOrders(newSystem, "NEW", { durationMs: 900 }),
    ]);
    await expect
      .poll(() => h.engine.db.prisma.gateDecision.findMany({ where: { metric: "P99_LATENCY_RATIO" } }), {
        timeout: 20_000,
      })
      .toMatchObject([{ action: "ALERT", status: "OPEN" }]);
    const [alert] = await h.engine.db.prisma.gateDecision.findMany({
      where: { metric: "P99_LATENCY_RATIO" },
    });
    expect(alert?.value).toBeGreaterThan(2);
    expect(alert?.explanation).toMatch(/p99 latency of the new system is \d+ ms, [0-9.]+× the legacy p99/);

    const api = h.client(h.web, operator);
    await api.rollout.set.mutate({ newQueueRolloutPercent: 100, reason: "all in" });
    const blocked = await errorOf(h.client(h.web, admin).migration.retire.mutate({ reason: "phase 4" }));
    expect(blocked).toMatchObject({ domainCode: "RETIREMENT_BLOCKED" });
    expect(blocked.message).toContain("P99_LATENCY_RATIO on NEW (open)");
  }, 90_000);
});
