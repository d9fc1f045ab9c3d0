import { isDomainError } from "@qmc/core";
import { QUEUE_NAMES } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";
import { pollUntil } from "../testing/order-history.ts";
import { applyTransition } from "../work-orders/transition-batcher.ts";

/**
 * Fencing: every worker write is guarded by state AND attempt, so a worker that lost an order
 * (its lock expired, the attempt was failed as stalled and retried elsewhere) cannot finish
 * the attempt that replaced its own.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("fencing");
});
afterAll(() => h.close());

describe("fenced worker writes", () => {
  it("refuse a late finish of an earlier attempt with STALE_ATTEMPT and change nothing", async () => {
    const order = await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" });
    const write = (
      event: "CLAIM" | "FAIL" | "RETRY",
      from: "PENDING" | "RUNNING" | "WAITING_RETRY",
      expect: number,
    ) =>
      applyTransition(h.db.prisma, {
        workOrderId: order.id,
        from,
        event,
        expectAttempts: expect,
        actor: "worker:test",
        ...(event === "CLAIM"
          ? { incrementAttempts: true, followedBy: ["READY" as const] }
          : { attempt: expect }),
        ...(event === "FAIL" ? { failOutcome: "retry" as const } : {}),
      });
    await write("CLAIM", "PENDING", 0); // attempt 1 RUNNING
    await write("FAIL", "RUNNING", 1); // given up as stalled
    await write("RETRY", "WAITING_RETRY", 1);
    await write("CLAIM", "PENDING", 1); // attempt 2 RUNNING, elsewhere
    const before = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: order.id } });
    const transitionsBefore = await h.db.prisma.stateTransition.count({ where: { workOrderId: order.id } });

    // The worker of attempt 1 comes back and finishes "its" RUNNING order.
    const late = await applyTransition(h.db.prisma, {
      workOrderId: order.id,
      from: "RUNNING",
      event: "COMPLETE",
      attempt: 1,
      expectAttempts: 1,
      actor: "worker:stale",
      set: { exitCode: 0, finishedAt: new Date() },
      attemptRow: {
        system: "NEW",
        role: "PRIMARY",
        attempt: 1,
        workerId: "stale",
        startedAt: new Date().toISOString(),
      },
    }).catch((error: unknown) => error);
    expect(isDomainError(late) && late.code).toBe("STALE_ATTEMPT");
    expect(isDomainError(late) && late.details).toMatchObject({ expectedAttempt: 1, actualAttempt: 2 });

    expect(await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: order.id } })).toEqual(before);
    expect(await h.db.prisma.stateTransition.count({ where: { workOrderId: order.id } })).toBe(
      transitionsBefore,
    );
    expect(await h.db.prisma.executionAttempt.count({ where: { workOrderId: order.id } })).toBe(0);
  });

  it("a worker that lost its lock finishes late, and the retry that replaced its attempt is what counts", async () => {
    const order = await h.submitter.submit({
      kind: "synthetic",
      payload: { durationMs: 6_000 },
      system: "NEW",
      actor: "t",
    });
    // Worker A runs attempt 1 in its only slot.
    const a = await h.startEngine({ workerId: "worker-a", systems: ["NEW"], newSystemSlots: 1 });
    await pollUntil(
      () => h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: order.id } }),
      (o) => o.state === "RUNNING",
    );
    // A loses its lock (an event-loop stall, a Redis blip) and its heartbeat goes stale.
    await h.redis.del(`${h.prefix}:${QUEUE_NAMES.newSystem}:${order.id}:lock`);
    await h.db.prisma.workerHeartbeat.update({
      where: { workerId: "worker-a" },
      data: { lastSeenAt: new Date(0) },
    });
    // Worker B gets the redelivered job: attempt 1 fails as STALLED and attempt 2 runs on B.
    const b = await h.startEngine({ workerId: "worker-b", systems: ["NEW"], newSystemSlots: 1 });
    await waitForTerminal(h.db, [order.id], 30_000);
    await Promise.all([a.stop(5_000), b.stop(5_000)]);

    const transitions = await h.db.prisma.stateTransition.findMany({
      where: { workOrderId: order.id },
      orderBy: { id: "asc" },
    });
    expect(transitions.map((t) => `${t.event}→${t.toState}@${t.attempt}`)).toEqual([
      "SUBMIT→PENDING@0",
      "CLAIM→PREPARING@1",
      "READY→RUNNING@1",
      "FAIL→WAITING_RETRY@1",
      "RETRY→PENDING@1",
      "CLAIM→PREPARING@2",
      "READY→RUNNING@2",
      "COMPLETE→COMPLETED@2",
    ]);
    // Attempt 1 was A's, given up by B; whoever ran attempt 2 (A's slot freed up too) completed it.
    expect(transitions.slice(1, 4).map((t) => t.workerId)).toEqual(["worker-a", "worker-a", "worker-b"]);
    // A's finish of attempt 1 (it ran to the end: 6 s) wrote nothing; B's attempt row for 1 says STALLED.
    const attempts = await h.db.prisma.executionAttempt.findMany({
      where: { workOrderId: order.id },
      orderBy: { attempt: "asc" },
    });
    expect(attempts.map((r) => [r.attempt, r.workerId, r.errorClass])).toEqual([
      [1, "worker-a", "STALLED"],
      [2, transitions[7]?.workerId, null],
    ]);
  }, 60_000);
});
