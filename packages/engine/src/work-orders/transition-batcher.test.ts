import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAuditEvents } from "../audit/audit-trail.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { transitionHistory } from "../testing/order-history.ts";
import { applyTransition, TransitionBatcher } from "./transition-batcher.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("batcher");
});
afterAll(() => h.close());

async function submit(count: number, prefix: string) {
  const orders = await h.submitter.submitMany(
    Array.from({ length: count }, (_, i) => ({
      id: `${prefix}-${i}`,
      kind: "synthetic",
      payload: {},
      system: "NEW" as const,
      actor: "t",
    })),
  );
  return orders.map((o) => o.id);
}

const claim = (workOrderId: string, worker: string) => ({
  workOrderId,
  from: "PENDING" as const,
  event: "CLAIM" as const,
  incrementAttempts: true,
  actor: worker,
  workerId: worker,
  set: { workerId: worker },
});

describe("TransitionBatcher (group commit)", () => {
  it("writes concurrent transitions together, each with its transition row, shown in the audit trail", async () => {
    const ids = await submit(50, "many");
    const batcher = new TransitionBatcher(h.db.prisma);
    const applied = await Promise.all(ids.map((id) => batcher.apply(claim(id, "w1"))));
    expect(applied.map((a) => [a.to, a.order.attempts, a.order.workerId])).toEqual(
      ids.map(() => ["PREPARING", 1, "w1"]),
    );
    expect(await transitionHistory(h.db, ids[0] ?? "")).toEqual(["SUBMIT→PENDING", "CLAIM→PREPARING"]);
    // Written once, to the history: the audit trail shows that row, AuditEvent holds no copy.
    const trail = await findAuditEvents(h.db.prisma, { action: "work_order.transition", limit: 200 });
    expect(trail.items.filter((e) => ids.includes(e.subjectId))).toHaveLength(50);
    expect(trail.items.find((e) => e.subjectId === ids[0])).toMatchObject({
      actor: "w1", // not the worker's own name (`worker:w1`), so the history row keeps it
      subjectType: "WorkOrder",
      before: { state: "PENDING" },
      after: { state: "PREPARING", event: "CLAIM", attempt: 1 },
    });
    expect(await h.db.prisma.auditEvent.count({ where: { subjectId: { in: ids } } })).toBe(50); // the submits
    const row = await h.db.prisma.stateTransition.findFirstOrThrow({
      where: { workOrderId: ids[0], event: "CLAIM" },
    });
    expect(row).toMatchObject({ attempt: 1, workerId: "w1", fromState: "PENDING" });
  });

  it("refuses only the transition whose guard fails; the others in the batch commit", async () => {
    const [a, b] = await submit(2, "guard");
    const batcher = new TransitionBatcher(h.db.prisma);
    const results = await Promise.allSettled([
      batcher.apply(claim(a ?? "", "w1")),
      batcher.apply({ workOrderId: b ?? "", from: "PREPARING", event: "READY", actor: "w1" }),
    ]);
    expect(results[0]).toMatchObject({ status: "fulfilled" });
    expect(results[1]).toMatchObject({
      status: "rejected",
      reason: { code: "TRANSITION_CONFLICT", details: { expected: "PREPARING", actual: "PENDING" } },
    });
    expect(await transitionHistory(h.db, b ?? "")).toEqual(["SUBMIT→PENDING"]);
  });

  it("two workers racing to claim the same orders: each order is claimed exactly once", async () => {
    const ids = await submit(40, "race");
    const w1 = new TransitionBatcher(h.db.prisma);
    const w2 = new TransitionBatcher(h.db.prisma);
    const results = await Promise.allSettled(
      ids.flatMap((id) => [w1.apply(claim(id, "w1")), w2.apply(claim(id, "w2"))]),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(40);
    const claims = await h.db.prisma.stateTransition.groupBy({
      by: ["workOrderId"],
      where: { workOrderId: { in: ids }, event: "CLAIM" },
      _count: true,
    });
    expect(claims.every((c) => c._count === 1)).toBe(true);
  });

  it("isolates a row the database rejects, so one bad write fails alone", async () => {
    const [good, bad] = await submit(2, "bad");
    const batcher = new TransitionBatcher(h.db.prisma);
    const results = await Promise.allSettled([
      batcher.apply(claim(good ?? "", "w1")),
      // Not an integer: the cast fails and takes the whole batch statement with it.
      batcher.apply({ ...claim(bad ?? "", "w1"), set: { exitCode: "x" as unknown as number } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect(await transitionHistory(h.db, bad ?? "")).toEqual(["SUBMIT→PENDING"]);
  });

  it("refuses an impossible event at once, naming the state and the valid events", async () => {
    const batcher = new TransitionBatcher(h.db.prisma);
    await expect(
      batcher.apply({ workOrderId: "x", from: "COMPLETED", event: "RETRY", actor: "t" }),
    ).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
    });
  });

  it("a worker's claim and completion, through their own statements, write what the general one writes", async () => {
    const [hot, general] = await submit(2, "same");
    const batcher = new TransitionBatcher(h.db.prisma);
    const startedAt = new Date();
    const plainClaim = (workOrderId: string) => ({
      workOrderId,
      from: "PENDING" as const,
      event: "CLAIM" as const,
      followedBy: ["READY" as const],
      incrementAttempts: true,
      expectAttempts: 0,
      actor: "worker:w9",
      workerId: "w9",
      set: { workerId: "w9", startedAt },
    });
    const completion = (workOrderId: string) => ({
      workOrderId,
      from: "RUNNING" as const,
      event: "COMPLETE" as const,
      attempt: 1,
      expectAttempts: 1,
      actor: "worker:w9",
      workerId: "w9",
      set: { exitCode: 0, outputDigest: "d1", output: "hello", finishedAt: new Date(), errorClass: null },
      attemptRow: {
        system: "NEW",
        role: "PRIMARY",
        workOrderId,
        attempt: 1,
        workerId: "w9",
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        exitCode: 0,
        errorClass: null,
        errorMessage: null,
        outputDigest: "d1",
        outputBytes: 5,
        durationMs: 7,
        queuedMs: 3,
      },
    });
    const claimed = await batcher.apply(plainClaim(hot ?? ""));
    await batcher.write(completion(hot ?? ""));
    const generalClaim = await applyTransition(h.db.prisma, plainClaim(general ?? ""));
    await applyTransition(h.db.prisma, completion(general ?? ""));
    expect(claimed.order).toEqual({ ...generalClaim.order, id: hot, createdAt: claimed.order.createdAt });

    const written = async (id: string) => {
      const order = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id } });
      const history = await h.db.prisma.stateTransition.findMany({
        where: { workOrderId: id },
        orderBy: { id: "asc" },
      });
      const attempts = await h.db.prisma.executionAttempt.findMany({ where: { workOrderId: id } });
      const { createdAt, updatedAt, finishedAt, ...kept } = order;
      return {
        order: { ...kept, id: "x", finished: finishedAt !== null },
        history: history.map(({ id: _, at, workOrderId, ...row }) => row),
        attempts: attempts.map(({ id: _, workOrderId, endedAt, ...row }) => row),
      };
    };
    expect(await written(hot ?? "")).toEqual(await written(general ?? ""));
    expect((await written(hot ?? "")).attempts).toMatchObject([
      { attempt: 1, workerId: "w9", exitCode: 0, outputBytes: 5, durationMs: 7, queuedMs: 3, startedAt },
    ]);
  });

  it("a completion of an attempt that was given up, or of an order not running, changes nothing", async () => {
    const [order] = await submit(1, "late");
    const batcher = new TransitionBatcher(h.db.prisma);
    const asWorker = { actor: "worker:w1", workerId: "w1" };
    await batcher.apply({
      ...claim(order ?? "", "w1"),
      ...asWorker,
      followedBy: ["READY"],
      set: { workerId: "w1", startedAt: new Date() },
    });
    const late = {
      workOrderId: order ?? "",
      from: "RUNNING" as const,
      event: "COMPLETE" as const,
      attempt: 2,
      expectAttempts: 2,
      ...asWorker,
      set: { finishedAt: new Date() },
      attemptRow: { durationMs: 1 },
    };
    await expect(batcher.write(late)).rejects.toMatchObject({ code: "STALE_ATTEMPT" });
    await expect(
      batcher.write({ ...late, workOrderId: "no-such-order", attempt: 1, expectAttempts: 1 }),
    ).rejects.toMatchObject({ code: "WORK_ORDER_NOT_FOUND" });
    expect(await transitionHistory(h.db, order ?? "")).toEqual([
      "SUBMIT→PENDING",
      "CLAIM→PREPARING",
      "READY→RUNNING",
    ]);
    expect(await h.db.prisma.executionAttempt.count({ where: { workOrderId: order ?? "" } })).toBe(0);
  });
});
