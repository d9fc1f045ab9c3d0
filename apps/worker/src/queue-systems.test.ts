import {
  createEngineHarness,
  type EngineHarness,
  pollUntil,
  transitionHistory,
  waitForTerminal,
} from "@qmc/engine/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { workerFleet } from "./testing/spawn-worker.ts";

/**
 * Both queue systems run by real worker processes against real Redis and Postgres: crashes,
 * restarts, several workers, a flushed Redis and graceful shutdown.
 */
let h: EngineHarness;
const fleet = workerFleet({ databaseUrl: () => h.db.url, prefix: () => h.prefix });

beforeAll(async () => {
  h = await createEngineHarness("queue_systems");
});
afterEach(() => fleet.killAll());
afterAll(() => h.close());

const start = (workerId: string, extra: Record<string, string> = {}) =>
  fleet.start(workerId, { NEW_SYSTEM_SLOTS: "16", LEGACY_CONCURRENCY: "16", ...extra });

async function submitBoth(prefix: string, count: number, payload: object) {
  const requests = (["NEW", "LEGACY"] as const).flatMap((system) =>
    Array.from({ length: count }, (_, i) => ({
      id: `${prefix}-${system.toLowerCase()}-${i}`,
      kind: "synthetic",
      payload,
      system,
      actor: "test",
    })),
  );
  await h.submitter.submitMany(requests);
  return requests.map((r) => r.id);
}

async function terminalTransitionCounts(ids: string[]) {
  const rows = await h.db.prisma.stateTransition.groupBy({
    by: ["workOrderId"],
    where: { workOrderId: { in: ids }, toState: { in: ["COMPLETED", "FAILED", "CANCELLED"] } },
    _count: true,
  });
  return rows.map((r) => r._count);
}

describe("worker processes", () => {
  it("a worker SIGKILLed mid-run and then restarted leaves every order terminal, none twice", async () => {
    const ids = await submitBoth("killed", 12, { durationMs: 3000 });
    const first = start("killed-worker");
    await first.waitForLine(/"msg":"worker started"/);
    await pollUntil(
      async () => [
        await h.db.prisma.workOrder.count({ where: { id: { in: ids }, state: "RUNNING" } }),
        await h.db.prisma.legacyWorkOrder.count({ where: { id: { in: ids }, status: "running" } }),
      ],
      ([n, l]) => (n ?? 0) >= 12 && (l ?? 0) >= 12,
    );
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = start("restarted-worker");
    await second.waitForLine(/"msg":"worker started"/);
    await waitForTerminal(h.db, ids, 45_000);

    const newIds = ids.filter((id) => id.includes("-new-"));
    expect(await terminalTransitionCounts(newIds)).toEqual(newIds.map(() => 1));
    // The killed attempt failed as STALLED and was retried to completion by the new worker.
    const history = await transitionHistory(h.db, newIds[0] ?? "");
    expect(history).toEqual([
      "SUBMIT→PENDING",
      "CLAIM→PREPARING",
      "READY→RUNNING",
      "FAIL→WAITING_RETRY",
      "RETRY→PENDING",
      "CLAIM→PREPARING",
      "READY→RUNNING",
      "COMPLETE→COMPLETED",
    ]);
    const stalled = await h.db.prisma.workOrder.findMany({ where: { id: { in: newIds } } });
    expect(stalled.every((o) => o.state === "COMPLETED" && o.workerId === "restarted-worker")).toBe(true);
    // Legacy has no retries: what was running when its worker died is failed, once.
    const legacy = await h.db.prisma.legacyWorkOrder.findMany({
      where: { id: { in: ids.filter((i) => i.includes("-legacy-")) } },
    });
    expect(
      legacy.every(
        (o) => o.status === "failed" && /stopped while the order was running/.test(o.errorMessage ?? ""),
      ),
    ).toBe(true);
    for (const o of legacy) {
      const changes = await h.db.prisma.legacyStatusChange.findMany({ where: { workOrderId: o.id } });
      expect(changes.filter((c) => c.toStatus === "failed" || c.toStatus === "completed")).toHaveLength(1);
    }
  }, 90_000);

  it("a restarted worker loses no scheduled retry, even when Redis lost the delayed jobs too", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `retry-${i}`);
    // Every first attempt fails (retryable); the retry is due about a second later.
    await h.submitter.submitMany(
      ids.map((id) => ({
        id,
        kind: "synthetic",
        payload: { failureRate: 1 },
        system: "NEW" as const,
        actor: "test",
      })),
    );
    const first = start("retry-first", { WORKER_SYSTEMS: "new" });
    await pollUntil(
      () => h.db.prisma.workOrder.count({ where: { id: { in: ids }, state: "WAITING_RETRY" } }),
      (n) => n === ids.length,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    await h.flushRedis(); // the delayed retry jobs are gone; nextRetryAt in Postgres is not
    start("retry-second", { WORKER_SYSTEMS: "new" });
    await waitForTerminal(h.db, ids, 30_000);
    const orders = await h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    // failureRate 1: all three attempts ran and failed; none was lost on the way.
    expect(orders.map((o) => [o.state, o.attempts])).toEqual(ids.map(() => ["FAILED", 3]));
  }, 60_000);

  it("two worker processes together execute each order exactly once", async () => {
    const ids = await submitBoth("pair", 200, { durationMs: 20 });
    const a = start("pair-a");
    const b = start("pair-b");
    await Promise.all([a.waitForLine(/"msg":"worker started"/), b.waitForLine(/"msg":"worker started"/)]);
    await waitForTerminal(h.db, ids, 60_000);

    const attempts = await h.db.prisma.executionAttempt.findMany({ where: { workOrderId: { in: ids } } });
    expect(attempts).toHaveLength(400);
    const perOrder = new Map<string, number>();
    for (const at of attempts)
      perOrder.set(
        `${at.system}:${at.workOrderId}`,
        (perOrder.get(`${at.system}:${at.workOrderId}`) ?? 0) + 1,
      );
    expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
    const claims = await h.db.prisma.stateTransition.count({
      where: { workOrderId: { in: ids }, event: "CLAIM" },
    });
    expect(claims).toBe(200);
    // Both processes really took part.
    expect(new Set(attempts.map((at) => at.workerId))).toEqual(new Set(["pair-a", "pair-b"]));
  }, 90_000);

  it("orders whose jobs were flushed from Redis between commit and processing are healed by the reconciler", async () => {
    const ids = await submitBoth("flushed", 20, { durationMs: 5 });
    // What FLUSHALL does to this deployment: every key under its prefix is gone.
    await h.flushRedis();
    expect(await h.queues.newSystem.count()).toBe(0);
    const worker = start("healer");
    await waitForTerminal(h.db, ids, 30_000);
    expect(worker.lines.some((line) => line.includes('"msg":"reconciled"'))).toBe(true);
    expect(await h.db.prisma.workOrder.count({ where: { id: { in: ids }, state: "COMPLETED" } })).toBe(20);
    expect(await h.db.prisma.legacyWorkOrder.count({ where: { id: { in: ids }, status: "completed" } })).toBe(
      20,
    );
  }, 60_000);

  it("graceful shutdown hands running orders back to another worker without using up an attempt", async () => {
    const ids = Array.from({ length: 4 }, (_, i) => `handback-${i}`);
    await h.submitter.submitMany(
      ids.map((id) => ({
        id,
        kind: "synthetic",
        payload: { durationMs: 4000 },
        system: "NEW" as const,
        actor: "test",
      })),
    );
    const leaving = start("leaving", { SHUTDOWN_TIMEOUT_MS: "3000", WORKER_SYSTEMS: "new" });
    await pollUntil(
      () => h.db.prisma.workOrder.count({ where: { id: { in: ids }, state: "RUNNING" } }),
      (n) => n === 4,
    );
    const stoppedAt = Date.now();
    leaving.child.kill("SIGTERM");
    expect(await leaving.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    const handedBack = await h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    expect(handedBack.map((o) => [o.state, o.errorClass, o.maxAttempts])).toEqual(
      ids.map(() => ["WAITING_RETRY", "INTERRUPTED", 4]),
    );

    start("taking-over", { WORKER_SYSTEMS: "new" });
    await waitForTerminal(h.db, ids, 30_000);
    const done = await h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    expect(
      done.every((o) => o.state === "COMPLETED" && o.attempts === 2 && o.workerId === "taking-over"),
    ).toBe(true);
  }, 60_000);
});
