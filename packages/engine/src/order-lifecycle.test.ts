import { randomUUID } from "node:crypto";
import { planSyntheticAttempt, SyntheticPayloadSchema } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "./testing/engine-harness.ts";
import { idsFailingOn, legacyHistory, pollUntil, transitionHistory } from "./testing/order-history.ts";
import { cancelWorkOrder } from "./work-orders/cancel.ts";

/**
 * 200 synthetic orders per system through the real engine on real Redis and Postgres, each
 * ending where its behaviour says, with the whole transition history checked.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("lifecycle");
});
afterAll(() => h.close());

const FLAKY = { failureRate: 0.5, durationMs: 5 };
const flakyPlan = (id: string, attempt: number) =>
  planSyntheticAttempt(id, attempt, SyntheticPayloadSchema.parse(FLAKY)).exitCode;
const run = ["CLAIM→PREPARING", "READY→RUNNING"];
const retry = ["FAIL→WAITING_RETRY", "RETRY→PENDING"];

describe("200 orders per system reach their expected terminal states", () => {
  const expected = new Map<string, string[]>();
  const expectedLegacy = new Map<string, string[]>();
  const cancel = (deps: EngineHarness, id: string) =>
    cancelWorkOrder(
      { prisma: deps.db.prisma, queues: deps.queues, publisher: deps.redis, queuePrefix: deps.prefix },
      id,
      "operator",
    );

  it("runs them", async () => {
    const submit = (id: string, payload: object, system: "NEW" | "LEGACY", priority = 5) =>
      h.submitter.submit({ id, kind: "synthetic", payload, system, actor: "test", priority });

    // Cancelled while PENDING: submitted and cancelled before any worker runs.
    for (let i = 0; i < 10; i++) {
      const id = `cancel-pending-${i}`;
      await submit(id, { durationMs: 5 }, "NEW");
      expect(await cancel(h, id)).toEqual({ workOrderId: id, outcome: "cancelled" });
      expected.set(id, ["SUBMIT→PENDING", "CANCEL→CANCELLED"]);
    }

    await h.startEngine({ newSystemSlots: 16, legacyConcurrency: 16 });

    // Cancelled while RUNNING: long orders, cancelled once they run; the sandbox stops at once.
    const longIds = Array.from({ length: 10 }, (_, i) => `cancel-running-${i}`);
    for (const id of longIds) await submit(id, { durationMs: 60_000 }, "NEW", 10);
    await pollUntil(
      () => h.db.prisma.workOrder.count({ where: { id: { in: longIds }, state: "RUNNING" } }),
      (n) => n === longIds.length,
    );
    for (const id of longIds) {
      expect((await cancel(h, id)).outcome).toBe("cancel-requested");
      expected.set(id, ["SUBMIT→PENDING", ...run, "CANCEL→CANCELLED"]);
    }

    const batch: Parameters<typeof h.submitter.submitMany>[0] = [];
    const add = (id: string, payload: object, system: "NEW" | "LEGACY") =>
      batch.push({ id, kind: "synthetic", payload, system, actor: "test" });
    for (let i = 0; i < 100; i++) {
      const id = `ok-${i}`;
      add(id, { durationMs: 5, outputBytes: 100 }, "NEW");
      expected.set(id, ["SUBMIT→PENDING", ...run, "COMPLETE→COMPLETED"]);
    }
    for (const id of idsFailingOn(flakyPlan, [1], 2, 40)) {
      add(id, FLAKY, "NEW");
      expected.set(id, ["SUBMIT→PENDING", ...run, ...retry, ...run, "COMPLETE→COMPLETED"]);
    }
    for (let i = 0; i < 20; i++) {
      const id = `exhausted-${i}`;
      add(id, { failureRate: 1 }, "NEW");
      expected.set(id, ["SUBMIT→PENDING", ...run, ...retry, ...run, ...retry, ...run, "FAIL→FAILED"]);
    }
    for (let i = 0; i < 20; i++) {
      const id = `fatal-${i}`;
      add(id, { failureRate: 1, failureMode: "fatal" }, "NEW");
      expected.set(id, ["SUBMIT→PENDING", ...run, "FAIL→FAILED"]);
    }
    for (let i = 0; i < 150; i++) {
      const id = `legacy-ok-${i}`;
      add(id, { durationMs: 5 }, "LEGACY");
      expectedLegacy.set(id, ["queued", "building", "running", "completed"]);
    }
    for (let i = 0; i < 50; i++) {
      const id = `legacy-fail-${i}`;
      add(id, { failureRate: 1, failureMode: i % 2 ? "fatal" : "retryable" }, "LEGACY");
      expectedLegacy.set(id, ["queued", "building", "running", "failed"]);
    }
    await h.submitter.submitMany(batch);
    await waitForTerminal(h.db, [...expected.keys(), ...expectedLegacy.keys()], 60_000);
  }, 90_000);

  it("every new-system order has exactly its expected history", async () => {
    expect(expected.size).toBe(200);
    for (const [id, history] of expected)
      expect([id, await transitionHistory(h.db, id)]).toEqual([id, history]);
  });

  it("every legacy order has exactly its expected statuses, with no retry", async () => {
    expect(expectedLegacy.size).toBe(200);
    for (const [id, statuses] of expectedLegacy)
      expect([id, await legacyHistory(h.db, id)]).toEqual([id, statuses]);
    const attempts = await h.db.prisma.executionAttempt.groupBy({
      by: ["attempt"],
      where: { system: "LEGACY" },
      _count: true,
    });
    expect(attempts).toEqual([{ attempt: 1, _count: 200 }]);
  });

  it("records outcome facts: attempts, exit codes, error classes, output digests", async () => {
    const ok = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "ok-0" } });
    expect(ok).toMatchObject({ attempts: 1, exitCode: 0, errorClass: null });
    expect(ok.outputDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ok.output).toHaveLength(100);
    expect(await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "fatal-0" } })).toMatchObject({
      attempts: 1,
      exitCode: 2,
      errorClass: "EXIT_FATAL",
    });
    expect(await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "exhausted-0" } })).toMatchObject({
      attempts: 3,
      errorClass: "EXIT_NONZERO",
    });
    const cancelled = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "cancel-running-0" } });
    expect(
      cancelled.finishedAt &&
        cancelled.startedAt &&
        cancelled.finishedAt.getTime() - cancelled.startedAt.getTime(),
    ).toBeLessThan(30_000);
  });

  it("no order has more than one terminal transition", async () => {
    const terminalCounts = await h.db.prisma.stateTransition.groupBy({
      by: ["workOrderId"],
      where: { toState: { in: ["COMPLETED", "FAILED", "CANCELLED"] } },
      _count: true,
    });
    expect(terminalCounts.filter((c) => c._count !== 1)).toEqual([]);
    expect(terminalCounts).toHaveLength(200);
  });

  it("cancelling a finished order is refused with a typed error naming its state", async () => {
    const error = await cancel(h, "ok-1").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_TRANSITION" });
    expect((error as Error).message).toMatch(/COMPLETED/);
    await expect(cancel(h, randomUUID())).rejects.toMatchObject({ code: "WORK_ORDER_NOT_FOUND" });
  });

  it("cancelling a legacy order is refused: legacy cannot cancel, the order finishes there", async () => {
    const error = await cancel(h, "legacy-ok-1").catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "INVALID_TRANSITION",
      details: { system: "LEGACY", validEvents: [] },
    });
    expect((error as Error).message).toMatch(/legacy system, which cannot cancel orders/);
  });
});
