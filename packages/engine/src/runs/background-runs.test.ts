import { isDomainError } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectEachOrderInOneSystem,
  migrationFor,
  OPERATOR,
  queuedLegacyIds,
  submitLegacy,
} from "../migration/migration-test-support.ts";
import { startBulkResubmit } from "../resubmission/bulk-resubmit.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { pollUntil } from "../testing/order-history.ts";
import { holdLegacyRow } from "../testing/row-lock.ts";
import { findRun, requestCancel } from "./run-store.ts";

/**
 * Background runs executed by engines (workers) on real Postgres and Redis. A batch is held in
 * the middle of a run by locking one of its legacy rows from the test, so "mid-run" is a state
 * the test sees (a waiting lock and the progress so far), never a guess about timing.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("background_runs", 12);
});
afterAll(() => h.close());

const ONCALL = { actor: "oncall@example.com", reason: "stop it" };

const holdRow = (id: string) => holdLegacyRow(h.db, id);

/** Waits until the run has saved `processed` and its next batch is waiting on a row lock. */
async function waitUntilHeldAt(runId: string, processed: number) {
  await pollUntil(
    async () => {
      const [run, waiting] = await Promise.all([
        findRun(h.db.prisma, runId),
        h.db.prisma.$queryRaw<[{ n: bigint }]>`
          SELECT count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      ]);
      return { processed: run.processed, waiting: Number(waiting[0].n) };
    },
    (s) => s.processed === processed && s.waiting > 0,
  );
}

const waitForEnd = (runId: string) =>
  pollUntil(
    () => findRun(h.db.prisma, runId),
    (run) => run.status !== "QUEUED" && run.status !== "RUNNING",
  );

const auditOf = async (runId: string) =>
  (await h.db.prisma.auditEvent.findMany({ where: { subjectId: runId }, orderBy: { id: "asc" } })).map(
    (e) => [e.action, e.actor],
  );

/** Each id was moved at most once: one new-system order, one SUBMIT, one migrate event. */
async function expectMovedOnce(ids: string[]) {
  const [transitions, events] = await Promise.all([
    h.db.prisma.stateTransition.groupBy({
      by: ["workOrderId"],
      where: { workOrderId: { in: ids } },
      _count: true,
    }),
    h.db.prisma.auditEvent.groupBy({
      by: ["subjectId"],
      where: { subjectId: { in: ids }, action: "work_order.migrate" },
      _count: true,
    }),
  ]);
  expect(transitions.filter((t) => t._count !== 1)).toEqual([]);
  expect(events.filter((e) => e._count !== 1)).toEqual([]);
  return expectEachOrderInOneSystem(h, ids);
}

describe("background runs", () => {
  it("lock one run per type: a second migration is refused, a bulk resubmission may run beside it", async () => {
    const migration = migrationFor(h);
    const first = await migration.start(OPERATOR);
    expect(first).toMatchObject({ status: "QUEUED", activeLock: "IN_FLIGHT_MIGRATION" });
    const refused = await migration.start(OPERATOR).catch((e: unknown) => e);
    expect(isDomainError(refused) && refused.code).toBe("RUN_IN_PROGRESS");
    expect(isDomainError(refused) && refused.details).toMatchObject({ runId: first.id, status: "QUEUED" });
    expect(isDomainError(refused) && refused.message).toBe(
      `An in-flight migration is already waiting for a worker (run ${first.id}, started by ${OPERATOR.actor}); wait for it to end or cancel it first.`,
    );
    const deps = { prisma: h.db.prisma, queues: h.queues, logger: h.resources.logger };
    const bulk = await startBulkResubmit(deps, { filter: { kind: "none" }, upToId: 0n, ...OPERATOR });
    expect(bulk).toMatchObject({ status: "QUEUED", type: "BULK_RESUBMIT", total: 0 });

    // No worker has them: cancelled at once, and the lock is free again.
    for (const run of [first, bulk]) {
      expect(await requestCancel(h.db.prisma, run.id, ONCALL)).toMatchObject({
        status: "CANCELLED",
        activeLock: null,
      });
    }
    const next = await migration.start(OPERATOR);
    expect(await requestCancel(h.db.prisma, next.id, ONCALL)).toMatchObject({ status: "CANCELLED" });
    const again = await requestCancel(h.db.prisma, next.id, ONCALL).catch((e: unknown) => e);
    expect(isDomainError(again) && again.code).toBe("RUN_NOT_ACTIVE");
  });

  it("saves progress batch by batch, and a cancel stops the run between two batches, leaving the rest untouched", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `cancel-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids);
    const order = await queuedLegacyIds(h);
    const release = await holdRow(order[12] ?? ""); // in the third batch of 5
    const run = await migrationFor(h).start({ ...OPERATOR, batchSize: 5 });
    const engine = await h.startEngine({ systems: [], workerId: "cancel-worker" });

    await waitUntilHeldAt(run.id, 10);
    expect(await findRun(h.db.prisma, run.id)).toMatchObject({
      status: "RUNNING",
      ownerWorkerId: "cancel-worker",
      total: 30,
      moved: 10,
    });
    const asked = await requestCancel(h.db.prisma, run.id, ONCALL);
    expect(asked).toMatchObject({ status: "RUNNING", cancelRequestedBy: ONCALL.actor });
    await release();

    const ended = await waitForEnd(run.id);
    // The batch under way finished; no further batch started.
    expect(ended).toMatchObject({ status: "CANCELLED", processed: 15, moved: 15, activeLock: null });
    const untouched = order.slice(15);
    expect(await queuedLegacyIds(h)).toEqual(untouched);
    expect(await h.db.prisma.workOrder.count({ where: { id: { in: untouched } } })).toBe(0);
    const jobs = await Promise.all(untouched.map((id) => h.queues.legacy.getJob(id)));
    expect(jobs.every((job) => job !== undefined)).toBe(true);
    expect((await expectMovedOnce(ids)).size).toBe(15);
    expect(await auditOf(run.id)).toEqual([
      ["migration.start", OPERATOR.actor],
      ["migration.cancel_request", ONCALL.actor],
      ["migration.cancel", ONCALL.actor],
    ]);
    await engine.stop(5_000);
  });

  it("a worker that stops hands its run back between batches; another worker finishes it, each order moved once", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `handback-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids);
    const order = await queuedLegacyIds(h);
    const release = await holdRow(order[12] ?? "");
    const first = await h.startEngine({ systems: [], workerId: "stopping-worker" });
    const run = await migrationFor(h).start({ ...OPERATOR, batchSize: 5 });
    await waitUntilHeldAt(run.id, 10);
    const second = await h.startEngine({ systems: [], workerId: "next-worker" });

    const stopped = first.stop(20_000);
    await release();
    await stopped;
    const ended = await waitForEnd(run.id);
    expect(ended).toMatchObject({ status: "COMPLETED", ownerWorkerId: "next-worker" });
    expect(ended.processed).toBe(ended.total);
    expect(ended.moved).toBe(order.length);
    expect((await expectMovedOnce(order)).size).toBe(order.length);
    // Handed back cleanly: no takeover, the run simply changed hands.
    expect((await auditOf(run.id)).map(([action]) => action)).toEqual([
      "migration.start",
      "migration.finish",
    ]);
    await second.stop(5_000);
  });

  it("a run whose job was lost (Redis flushed) gets it back from a worker's sweep and completes", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `flushed-${i}`);
    await submitLegacy(h, ids);
    const run = await migrationFor(h).start(OPERATOR);
    await h.flushRedis();
    expect(await h.queues.runs.getJob(run.id)).toBeUndefined();

    const engine = await h.startEngine({ systems: [], workerId: "sweeping-worker" });
    expect(await waitForEnd(run.id)).toMatchObject({ status: "COMPLETED", moved: 8, total: 8 });
    expect((await expectMovedOnce(ids)).size).toBe(8);
    await engine.stop(5_000);
  });
});
