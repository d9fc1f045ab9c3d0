import { isDomainError } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { encodeCursor } from "./migration-run-filter.ts";
import {
  expectEachOrderInOneSystem,
  migrationFor,
  OPERATOR,
  queuedLegacyIds,
  submitLegacy,
} from "./migration-test-support.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("migration_resume");
});
afterAll(() => h.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (e: unknown) => (isDomainError(e) ? e.code : String(e)),
  );
const auditOf = async (runId: string) =>
  (
    await h.db.prisma.auditEvent.findMany({
      where: { subjectType: "BackgroundRun", subjectId: runId },
      orderBy: { id: "asc" },
    })
  ).map((e) => e.action);

describe("in-flight migration progress and resume", () => {
  it("fails with its progress saved when Redis breaks mid-run, and resumes from the cursor", async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `fail-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids);
    const order = await queuedLegacyIds(h);
    // Redis refuses the 11th removal: the third batch of 5 fails after two were saved.
    const remove = h.queues.legacy.remove.bind(h.queues.legacy);
    let calls = 0;
    const spy = vi.spyOn(h.queues.legacy, "remove").mockImplementation(async (jobId, opts) => {
      calls++;
      if (calls === 11) throw new Error("connection lost");
      return remove(jobId, opts);
    });
    const migration = migrationFor(h);
    const failed = await migration.startAndFinish({ ...OPERATOR, batchSize: 5 });
    spy.mockRestore();

    expect(failed).toMatchObject({ status: "FAILED", total: 23, processed: 10, moved: 10, skipped: 0 });
    expect(failed.error).toContain("connection lost");
    const last = await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: order[9] ?? "" } });
    expect(failed.cursor).toBe(encodeCursor(last));
    expect(await migration.getRun(failed.id)).toMatchObject({ status: "FAILED", processed: 10 });
    // The failed batch gave back the legacy jobs it had removed: no queued order is left without one.
    const rest = order.slice(10);
    expect(await queuedLegacyIds(h)).toEqual(rest);
    const jobs = await Promise.all(rest.map((id) => h.queues.legacy.getJob(id)));
    expect(jobs.every((job) => job !== undefined)).toBe(true);

    const resumed = await migration.resumeAndFinish(failed.id, { actor: "oncall@example.com" });
    expect(resumed).toMatchObject({ status: "COMPLETED", error: null, total: 23, processed: 23, moved: 23 });
    expect(await auditOf(failed.id)).toEqual([
      "migration.start",
      "migration.fail",
      "migration.resume",
      "migration.finish",
    ]);
    expect((await expectEachOrderInOneSystem(h, ids)).size).toBe(23);
    expect(await h.db.prisma.stateTransition.count({ where: { workOrderId: { in: ids } } })).toBe(23);
    expect(await h.db.prisma.auditEvent.count({ where: { action: "work_order.migrate" } })).toBe(23);

    // A finished run has nothing left to resume: returned as it is, nothing written.
    expect(await migration.resume(failed.id)).toEqual(resumed);
    expect(await auditOf(failed.id)).toHaveLength(4);
  });

  it("continues a run whose process died (RUNNING, with a cursor) after that cursor", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `crash-${String(i).padStart(2, "0")}`);
    await submitLegacy(h, ids);
    const order = await queuedLegacyIds(h);
    const at = await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: order[4] ?? "" } });
    // What a worker leaves behind when it dies after saving its batch up to the 5th order.
    const crashed = await h.db.prisma.backgroundRun.create({
      data: {
        type: "IN_FLIGHT_MIGRATION",
        status: "RUNNING",
        activeLock: "IN_FLIGHT_MIGRATION",
        ownerWorkerId: "dead-worker",
        ownerToken: "dead-worker-token",
        dryRun: false,
        filter: { status: "queued", submittedAtOrBefore: new Date().toISOString(), batchSize: 4 },
        plan: {},
        total: 12,
        processed: 5,
        moved: 5,
        cursor: encodeCursor(at),
        actor: OPERATOR.actor,
        reason: OPERATOR.reason,
        startedAt: new Date(),
      },
    });

    const resumed = await migrationFor(h).resumeAndFinish(crashed.id);
    expect(resumed).toMatchObject({ status: "COMPLETED", processed: 12, moved: 12, activeLock: null });
    expect(await auditOf(crashed.id)).toEqual(["migration.takeover", "migration.finish"]);
    // Only orders after the cursor moved; those before it were this fake run's "done" part.
    expect(await queuedLegacyIds(h)).toEqual(order.slice(0, 5));
    const next = await migrationFor(h).startAndFinish(OPERATOR);
    expect(next).toMatchObject({ total: 5, moved: 5 });
    expect((await expectEachOrderInOneSystem(h, ids)).size).toBe(12);
  });

  it("names the missing run, and refuses a bad batch size before writing", async () => {
    const migration = migrationFor(h);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await codeOf(migration.getRun(unknown))).toBe("MIGRATION_RUN_NOT_FOUND");
    expect(await codeOf(migration.resume(unknown))).toBe("MIGRATION_RUN_NOT_FOUND");
    const runs = await h.db.prisma.backgroundRun.count();
    for (const batchSize of [0, 1.5, 1001]) {
      await expect(migration.start({ ...OPERATOR, batchSize })).rejects.toThrow(RangeError);
    }
    expect(await h.db.prisma.backgroundRun.count()).toBe(runs);
    expect((await migration.listRuns()).map((r) => r.status)).toEqual([
      "COMPLETED",
      "COMPLETED",
      "COMPLETED",
    ]);
  });

  it("leaves an order the new system cannot take in legacy, as failed, with its legacy job", async () => {
    await submitLegacy(h, ["ok-1", "taken-1"]);
    // A kind since removed from the catalog, and an id a new-system order already uses.
    await h.db.prisma.legacyWorkOrder.create({
      data: { id: "retired-1", kind: "retired", payload: {}, status: "queued", submittedBy: "test" },
    });
    await h.queues.legacy.add("retired", { workOrderId: "retired-1" }, { jobId: "retired-1" });
    await h.submitter.submit({ id: "taken-1", kind: "synthetic", payload: {}, system: "NEW", actor: "test" });

    const run = await migrationFor(h).startAndFinish(OPERATOR);
    expect(run).toMatchObject({
      status: "COMPLETED",
      total: 3,
      processed: 3,
      moved: 1,
      skipped: 0,
      failed: 2,
    });
    expect(await queuedLegacyIds(h)).toEqual(expect.arrayContaining(["retired-1", "taken-1"]));
    expect(await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "taken-1" } })).toMatchObject({
      migrated: false,
    });
    const jobs = await Promise.all(["retired-1", "taken-1"].map((id) => h.queues.legacy.getJob(id)));
    expect(jobs.map((job) => job?.data.workOrderId)).toEqual(["retired-1", "taken-1"]);
  });
});
