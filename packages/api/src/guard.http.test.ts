import { RollupAccumulator } from "@qmc/core";
import { writeRollups } from "@qmc/engine/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/**
 * The guard's procedures over HTTP, with a worker's guard evaluating every 200 ms. Rollups are
 * written as a worker's metrics writer writes them (guard-orders tests run real orders).
 */
let h: ApiHarness;
let viewer: string;
let operator: string;
let admin: string;

beforeAll(async () => {
  h = await createApiHarness("guard_api");
  [viewer, operator, admin] = await Promise.all([
    h.tokenFor("VIEWER"),
    h.tokenFor("OPERATOR"),
    h.tokenFor("ADMIN"),
  ]);
  await h.engine.startEngine({ workerId: "guard-worker", systems: [], guard: { intervalMs: 200 } });
});
afterAll(() => h.close());

async function finishedOrders(completed: number, failed: number) {
  const acc = new RollupAccumulator();
  for (let i = 0; i < completed; i++) acc.record("NEW", { type: "completed", runTimeMs: 10, endToEndMs: 20 });
  for (let i = 0; i < failed; i++) acc.record("NEW", { type: "failed", runTimeMs: 10, endToEndMs: 20 });
  await writeRollups(h.engine.db.prisma, "worker:seed", acc.snapshot());
}

describe("the guard's procedures", () => {
  it("show the four rules with live values; only an admin edits them, validated and audited", async () => {
    const view = h.client(h.web, viewer);
    await expect
      .poll(async () => (await view.guard.thresholds.query()).evaluatedBy, { timeout: 5_000 })
      .toBe("guard-worker");
    const table = await view.guard.thresholds.query();
    expect(table.stale).toBe(false);
    expect(table.rules.map((r) => [r.metric, r.limit, r.action, r.updatedBy])).toEqual([
      ["ERROR_RATE", 0.01, "PAUSE_ROLLOUT", null],
      ["P99_LATENCY_RATIO", 2, "ALERT", null],
      ["QUEUE_DEPTH_GROWTH", 10, "ALERT", null],
      ["MEMORY_USAGE", 0.9, "REDUCE_CONCURRENCY", null],
    ]);
    const errorRate = table.rules[0]?.evaluations[0];
    expect(errorRate).toMatchObject({ subject: "NEW", status: "insufficient-data", minSample: 100 });
    expect(errorRate?.explanation).toContain("at least 100 are needed");
    expect(table.rules[3]?.evaluations.map((e) => e.subject)).toContain("guard-worker");

    const edit = { metric: "P99_LATENCY_RATIO" as const, limit: 3, reason: "legacy p99 is noisy" };
    expect(await errorOf(h.client(h.web, operator).guard.updateThreshold.mutate(edit))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(
      await errorOf(h.client(h.web, admin).guard.updateThreshold.mutate({ ...edit, limit: 0.5 })),
    ).toMatchObject({ httpStatus: 400, domainCode: "INVALID_THRESHOLD" });
    const updated = await h.client(h.web, admin).guard.updateThreshold.mutate(edit);
    expect(updated).toMatchObject({
      metric: "P99_LATENCY_RATIO",
      limit: 3,
      updatedBy: "admin-2@example.com",
    });
    const { items } = await h.client(h.web, admin).audit.find.query({ action: "threshold.update" });
    expect(items[0]).toMatchObject({
      subjectId: "P99_LATENCY_RATIO",
      before: { limit: 2 },
      after: { limit: 3 },
    });
  });

  it("a pause refuses increases with ROLLOUT_PAUSED, blocks retirement, explains itself and lifts on acknowledgement", async () => {
    const op = h.client(h.web, operator);
    await op.rollout.set.mutate({ useNewQueueSystem: true, newQueueRolloutPercent: 10, reason: "canary" });
    await finishedOrders(95, 5);
    await expect.poll(async () => (await op.rollout.get.query()).paused, { timeout: 5_000 }).toBe(true);

    expect(
      await errorOf(op.rollout.set.mutate({ newQueueRolloutPercent: 50, reason: "more" })),
    ).toMatchObject({ httpStatus: 412, domainCode: "ROLLOUT_PAUSED" });
    expect(await op.rollout.set.mutate({ newQueueRolloutPercent: 5, reason: "less" })).toMatchObject({
      newQueueRolloutPercent: 5,
      paused: true,
    });
    expect(
      await errorOf(h.client(h.web, admin).migration.retire.mutate({ reason: "phase 4" })),
    ).toMatchObject({ domainCode: "RETIREMENT_BLOCKED" });

    const { items } = await op.guard.alerts.query({ status: ["OPEN"] });
    expect(items).toHaveLength(1);
    const decision = await op.guard.decision.query({ id: items[0]?.id ?? "" });
    expect(decision).toMatchObject({ metric: "ERROR_RATE", action: "PAUSE_ROLLOUT", status: "OPEN" });
    expect(decision.inputs).toMatchObject({
      values: { value: 0.05, failed: 5, finished: 100 },
      window: { seconds: 300 },
      sample: { size: 100, minimum: 100 },
      threshold: { limit: 0.01, action: "PAUSE_ROLLOUT" },
      action: "PAUSE_ROLLOUT",
    });

    expect(
      await errorOf(h.client(h.web, viewer).guard.acknowledge.mutate({ id: decision.id, reason: "x" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(await errorOf(op.guard.acknowledge.mutate({ id: decision.id, reason: " " }))).toMatchObject({
      httpStatus: 400,
    });
    const acknowledged = await op.guard.acknowledge.mutate({
      id: decision.id,
      reason: "bad deploy rolled back",
    });
    expect(acknowledged).toMatchObject({
      status: "ACKNOWLEDGED",
      acknowledgedReason: "bad deploy rolled back",
    });
    expect(await op.rollout.set.mutate({ newQueueRolloutPercent: 50, reason: "again" })).toMatchObject({
      newQueueRolloutPercent: 50,
      paused: false,
    });
    expect(await errorOf(op.guard.acknowledge.mutate({ id: decision.id, reason: "twice" }))).toMatchObject({
      code: "CONFLICT",
      domainCode: "GATE_DECISION_NOT_OPEN",
    });
    expect(
      await errorOf(op.guard.decision.query({ id: "00000000-0000-4000-8000-000000000000" })),
    ).toMatchObject({ code: "NOT_FOUND", domainCode: "GATE_DECISION_NOT_FOUND" });
  });

  it("pages through decisions, newest first, filtered by status and metric", async () => {
    const { prisma } = h.engine.db;
    const base = {
      subject: "NEW",
      limit: 2,
      windowSeconds: 300,
      sampleSize: 100,
      inputs: {},
      explanation: "x",
    };
    for (let i = 0; i < 5; i++) {
      await prisma.gateDecision.create({
        data: {
          ...base,
          metric: "P99_LATENCY_RATIO",
          action: "ALERT",
          status: "RESOLVED",
          at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        },
      });
    }
    const view = h.client(h.web, viewer);
    const first = await view.guard.alerts.query({
      metric: "P99_LATENCY_RATIO",
      status: ["RESOLVED"],
      limit: 2,
    });
    const second = await view.guard.alerts.query({
      metric: "P99_LATENCY_RATIO",
      status: ["RESOLVED"],
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    const third = await view.guard.alerts.query({
      metric: "P99_LATENCY_RATIO",
      status: ["RESOLVED"],
      limit: 2,
      cursor: second.nextCursor ?? undefined,
    });
    const minutes = [...first.items, ...second.items, ...third.items].map((d) => d.at.getUTCMinutes());
    expect(minutes).toEqual([4, 3, 2, 1, 0]);
    expect(third.nextCursor).toBeNull();
  });
});
