import { QUEUE_NAMES, redisConnectionOptions } from "@qmc/transport";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setLegacyStatus } from "../legacy/legacy-status-writer.ts";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";
import { legacyHistory, pollUntil } from "../testing/order-history.ts";
import {
  expectEachOrderInOneSystem,
  migrationFor,
  OPERATOR,
  submitLegacy,
} from "./migration-test-support.ts";

/** Orders long enough that the migration runs while legacy is executing some of them. */
const LONG = { durationMs: 3000 };

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("migration_started", 10);
});
afterAll(() => h.close());

const startedIn = (ids: string[]) =>
  h.db.prisma.legacyWorkOrder.findMany({
    where: { id: { in: ids }, status: { in: ["building", "running"] } },
    select: { id: true },
  });

describe("orders legacy has started stay in legacy", () => {
  it("moves only the queued ones after the legacy engine stopped, and the started ones finish in legacy", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `stopped-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids, LONG);
    const legacyEngine = await h.startEngine({ systems: ["LEGACY"], legacyConcurrency: 3 });
    const started = await pollUntil(
      () => startedIn(ids),
      (rows) => rows.length === 3,
    );
    // Stop without waiting for the running orders: they are still "running" when we migrate.
    await legacyEngine.stop(50);

    const run = await migrationFor(h).startAndFinish(OPERATOR);
    expect(run).toMatchObject({ status: "COMPLETED", total: 9, moved: 9, skipped: 0 });
    const moved = await expectEachOrderInOneSystem(h, ids);
    const startedIds = started.map((r) => r.id);
    expect(startedIds.filter((id) => moved.has(id))).toEqual([]);
    expect(moved.size).toBe(9);

    // Restarted, legacy finishes what it had started; it never starts a moved order.
    const restarted = await h.startEngine({ systems: ["LEGACY"] });
    await waitForTerminal(h.db, startedIds, 20_000);
    await restarted.stop(5_000);
    for (const id of startedIds) expect(await legacyHistory(h.db, id)).toContain("running");
    for (const id of moved) expect(await legacyHistory(h.db, id)).toEqual(["queued"]);
    await expectEachOrderInOneSystem(h, ids);
  }, 40_000);

  it("moves only the queued ones while a legacy engine runs the others", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `live-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids, LONG);
    const legacyEngine = await h.startEngine({ systems: ["LEGACY"], legacyConcurrency: 4 });
    await pollUntil(
      () => startedIn(ids),
      (rows) => rows.length === 4,
    );

    // The 4 started orders are no longer queued: the run does not even look at them.
    const run = await migrationFor(h).startAndFinish({ ...OPERATOR, batchSize: 5 });
    expect(run).toMatchObject({ status: "COMPLETED", total: 8, processed: 8, moved: 8, skipped: 0 });
    const moved = await expectEachOrderInOneSystem(h, ids);

    const kept = ids.filter((id) => !moved.has(id));
    expect(kept).toHaveLength(4);
    await waitForTerminal(h.db, kept, 20_000);
    for (const id of kept) {
      expect(await legacyHistory(h.db, id)).toEqual(["queued", "building", "running", "completed"]);
    }
    for (const id of moved) expect(await legacyHistory(h.db, id)).toEqual(["queued"]);
    await legacyEngine.stop(5_000);
  }, 40_000);

  it("counts the orders legacy started after the run was planned as skipped: the run ends at 100 %", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `raced-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids);
    const migration = migrationFor(h);
    const queued = await migration.start({ ...OPERATOR, batchSize: 4 });
    expect(queued.total).toBe(10);
    // Legacy claims three between the plan and the run's first page, as a legacy worker does.
    const raced = [ids[1], ids[5], ids[9]].map((id) => id ?? "");
    for (const id of raced) {
      const claim = { workerId: "legacy-worker", startedAt: new Date() };
      expect(
        await setLegacyStatus(h.db.prisma, id, {
          from: "queued",
          to: "building",
          workerId: claim.workerId,
          fields: claim,
        }),
      ).toBe(true);
    }

    const run = await migration.resumeAndFinish(queued.id);
    expect(run).toMatchObject({
      status: "COMPLETED",
      total: 10,
      processed: 10,
      moved: 7,
      skipped: 3,
      failed: 0,
    });
    expect(run.moved + run.skipped + run.failed).toBe(run.total);
    const moved = await expectEachOrderInOneSystem(h, ids);
    expect(raced.filter((id) => moved.has(id))).toEqual([]);
    const finish = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { subjectId: run.id, action: "migration.finish" },
    });
    expect(finish.after).toMatchObject({ total: 10, processed: 10, moved: 7, skipped: 3 });
    // Tidy for the next test: the three finish in legacy, which consumed their jobs.
    for (const id of raced) {
      await h.db.prisma.legacyWorkOrder.update({ where: { id }, data: { status: "completed" } });
      await h.queues.legacy.remove(id);
    }
  });

  it("skips an order whose legacy job a worker holds, and moves it on a later run once free", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `held-${i}`);
    await submitLegacy(h, ids);
    // A legacy worker between delivery and its claim: the job is active and locked, the order
    // still "queued". A bare BullMQ worker that holds its jobs until released stands for it.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = new Worker(QUEUE_NAMES.legacy, () => gate, {
      connection: redisConnectionOptions(h.redisUrl),
      prefix: h.prefix,
      concurrency: 2,
    });
    const active = await pollUntil(
      () => h.queues.legacy.getJobs(["active"]),
      (jobs) => jobs.length === 2,
    );
    const held = active.map((job) => job.data.workOrderId).sort();

    const run = await migrationFor(h).startAndFinish(OPERATOR);
    expect(run).toMatchObject({ status: "COMPLETED", total: 6, processed: 6, moved: 4, skipped: 2 });
    const moved = await expectEachOrderInOneSystem(h, ids);
    expect(ids.filter((id) => !moved.has(id)).sort()).toEqual(held);
    const heldJobs = await Promise.all(held.map((id) => h.queues.legacy.getJobState(id)));
    expect(heldJobs).toEqual(["active", "active"]);

    // The holder lets go without starting them: still queued, now without a job, so they move.
    release();
    await holder.close();
    const later = await migrationFor(h).startAndFinish({ ...OPERATOR, reason: "pick up the skipped ones" });
    expect(later).toMatchObject({ status: "COMPLETED", total: 2, moved: 2, skipped: 0 });
    expect((await expectEachOrderInOneSystem(h, ids)).size).toBe(6);
  });
});
