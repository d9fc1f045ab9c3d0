import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAuditEvents } from "../audit/audit-trail.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { transitionHistory } from "../testing/order-history.ts";
import { TransitionBatcher } from "./transition-batcher.ts";

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
});
