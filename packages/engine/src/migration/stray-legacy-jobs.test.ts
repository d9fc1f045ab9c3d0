import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobOptions } from "../queues/system-queues.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { pollUntil } from "../testing/order-history.ts";
import { holdLegacyRow } from "../testing/row-lock.ts";
import { migrationFor, OPERATOR, queuedLegacyIds, submitLegacy } from "./migration-test-support.ts";

/**
 * Legacy jobs of orders the in-flight migration moved: none is left behind. Between the run
 * taking an order's legacy job away and its commit, the order reads as queued without a job;
 * the reconciler used to give it back, leaving a job no legacy order stands behind (hundreds per
 * run, counted in the legacy queue's depth). The batch is held in exactly that gap by a row lock
 * the test owns, and the reconciler's pass is run there.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("stray_legacy_jobs", 10);
});
afterAll(() => h.close());

const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60_000);

/** Legacy jobs waiting to start, as `system.queueDepths` counts them (active ones aside). */
async function legacyDepth(): Promise<number> {
  const counts = await h.queues.legacy.getJobCounts("waiting", "prioritized", "delayed");
  return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
}

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe("legacy jobs of migrated orders", () => {
  it("a reconciler pass in the middle of a batch leaves no legacy job behind: legacy's depth equals its queued orders", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `race-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids);
    // Old enough for the reconciler to look at them (its grace is for submits between commit and enqueue).
    await h.db.prisma.legacyWorkOrder.updateMany({
      where: { id: { in: ids } },
      data: { updatedAt: TEN_MINUTES_AGO() },
    });
    // No legacy processor: a stray job would wait for ever, as under a retired legacy.
    const engine = await h.startEngine({
      systems: [],
      workerId: "race-worker",
      reconcileIntervalMs: 600_000,
      reconcileGraceMs: 1_000,
    });
    const order = await queuedLegacyIds(h);
    const release = await holdLegacyRow(h.db, order[7] ?? "");
    const run = await migrationFor(h).start({ ...OPERATOR, batchSize: 50 });

    // The batch took the legacy jobs away and now waits on the lock, uncommitted.
    await pollUntil(
      () => Promise.all(ids.map((id) => h.queues.legacy.getJob(id))),
      (jobs) => jobs.every((job) => job === undefined),
    );
    await pollUntil(
      async () =>
        Number(
          (
            await h.db.prisma.$queryRaw<[{ n: bigint }]>`
              SELECT count(*) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`
          )[0].n,
        ),
      (waiting) => waiting > 0,
    );
    // The reconciler sees queued orders without a job, and gives them their job back.
    const pass = await engine.reconcileNow();
    expect(pass.reenqueued).toBe(12);
    await release();

    const ended = await pollUntil(
      () => migrationFor(h).getRun(run.id),
      (r) => r.status !== "QUEUED" && r.status !== "RUNNING",
    );
    expect(ended).toMatchObject({ status: "COMPLETED", total: 12, moved: 12 });
    // Orders submitted after the run stay in legacy, with their jobs.
    const later = ["later-0", "later-1", "later-2"];
    await submitLegacy(h, later);

    const jobs = await Promise.all(ids.map((id) => h.queues.legacy.getJob(id)));
    expect(jobs.filter((job) => job !== undefined).map((job) => job?.id)).toEqual([]);
    expect(await legacyDepth()).toBe(3);
    expect(await h.db.prisma.legacyWorkOrder.count({ where: { status: "queued", migratedAt: null } })).toBe(
      3,
    );
    await engine.stop(5_000);
  });

  it("a reconciler pass removes the waiting legacy jobs of migrated and finished orders, logging each, and keeps the others", async () => {
    // Strays of every kind an earlier version left: migrated orders' jobs, waiting and prioritized,
    // and a finished order's job; then the queued orders, whose jobs must stay.
    const migrated = ["race-00", "race-05", "race-11"];
    const finished = "later-2";
    await h.db.prisma.legacyWorkOrder.update({ where: { id: finished }, data: { status: "completed" } });
    for (const [i, id] of [...migrated, finished].entries()) {
      await h.queues.legacy.add("synthetic", { workOrderId: id }, jobOptions(id, 1, i % 3));
    }
    expect(await legacyDepth()).toBe(3 + 4 - 1); // later-2's own job was still there
    const { logger, lines } = capturedLogger();
    const engine = await h.startEngine(
      { systems: [], workerId: "sweep-worker", reconcileIntervalMs: 600_000, reconcileGraceMs: 1_000 },
      { logger },
    );

    const pass = await engine.reconcileNow();
    expect(pass.strayRemoved).toBe(4);
    const removed = lines.filter((l) => l.msg === "removed a stray legacy job");
    expect(removed.map((l) => [l.workOrderId, l.why]).sort()).toEqual([
      ["later-2", "its order is completed"],
      ["race-00", "its order moved to the new system"],
      ["race-05", "its order moved to the new system"],
      ["race-11", "its order moved to the new system"],
    ]);
    expect(await legacyDepth()).toBe(2);
    expect(await h.queues.legacy.getJob("later-0")).toBeDefined();
    expect(await h.queues.legacy.getJob("later-1")).toBeDefined();
    expect((await engine.reconcileNow()).strayRemoved).toBe(0);
    await engine.stop(5_000);
  });
});
