import { isDomainError } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { migrationFor, OPERATOR, queuedLegacyIds, submitLegacy } from "./migration-test-support.ts";
import { planInFlightMigration } from "./plan-in-flight-migration.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("migration_plan");
});
afterAll(() => h.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (e: unknown) => (isDomainError(e) ? e.code : String(e)),
  );

/** Row counts of every table a migration may write. */
async function footprint() {
  const p = h.db.prisma;
  return {
    orders: await p.workOrder.count(),
    transitions: await p.stateTransition.count(),
    audit: await p.auditEvent.count(),
    runs: await p.backgroundRun.count(),
    migrated: await p.legacyWorkOrder.count({ where: { migratedAt: { not: null } } }),
  };
}

describe("in-flight migration dry run", () => {
  const ids = Array.from({ length: 40 }, (_, i) => `plan-${String(i).padStart(2, "0")}`);

  beforeAll(async () => {
    await submitLegacy(h, ids);
    await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "test" });
    // Legacy orders at every stage: what the legacy processor would have left behind.
    const setStatus = (status: string, from: number, to: number) =>
      h.db.prisma.legacyWorkOrder.updateMany({
        where: { id: { in: ids.slice(from, to) } },
        data: { status },
      });
    await setStatus("completed", 0, 5);
    await setStatus("failed", 5, 8);
    await setStatus("running", 8, 10);
    await setStatus("building", 10, 11);
  });

  it("refuses a missing or overlong reason and writes nothing", async () => {
    const before = await footprint();
    const migration = migrationFor(h);
    for (const reason of ["", "   ", "x".repeat(501)]) {
      expect(await codeOf(migration.dryRun({ actor: OPERATOR.actor, reason }))).toBe("REASON_REQUIRED");
      expect(await codeOf(migration.start({ actor: OPERATOR.actor, reason }))).toBe("REASON_REQUIRED");
    }
    expect(await footprint()).toEqual(before);
  });

  it("counts legacy orders by status, lists the queued ones oldest first, and changes no order", async () => {
    const before = await footprint();
    const { run, plan } = await migrationFor(h).dryRun({ ...OPERATOR, sampleSize: 10 });

    expect(plan.byStatus).toEqual({ queued: 29, building: 1, running: 2, completed: 5, failed: 3 });
    expect(plan.toMove).toBe(29);
    expect(plan.sampleIds).toEqual((await queuedLegacyIds(h)).slice(0, 10));
    expect(run).toMatchObject({
      type: "IN_FLIGHT_MIGRATION",
      dryRun: true,
      status: "COMPLETED",
      total: 29,
      moved: 0,
      actor: OPERATOR.actor,
      reason: OPERATOR.reason,
    });
    expect(run.plan).toMatchObject({ toMove: 29, sampleIds: plan.sampleIds });
    // Only the run row and its audit event are new: no order, transition or migrated mark.
    expect(await footprint()).toEqual({ ...before, runs: before.runs + 1, audit: before.audit + 1 });
    expect(await h.db.prisma.auditEvent.count({ where: { action: "migration.dry_run" } })).toBe(1);
    const stillQueued = await Promise.all(plan.sampleIds.map((id) => h.queues.legacy.getJob(id)));
    expect(stillQueued.every((job) => job !== undefined)).toBe(true);
  });

  it("records a dry run as created, started and finished at one instant: the plan's", async () => {
    // A few in a row: with the creation time read from another clock, each finished 1-5 ms
    // before it was created.
    for (let i = 0; i < 5; i++) {
      const { run, plan } = await migrationFor(h).dryRun({ ...OPERATOR, reason: `clock check ${i}` });
      const stored = await h.db.prisma.backgroundRun.findUniqueOrThrow({ where: { id: run.id } });
      expect({ created: stored.createdAt, started: stored.startedAt, finished: stored.finishedAt }).toEqual({
        created: plan.generatedAt,
        started: plan.generatedAt,
        finished: plan.generatedAt,
      });
      const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: run.id } });
      expect(audit.at).toEqual(plan.generatedAt);
    }
  });

  it("plans exactly what the real run then moves", async () => {
    const plan = await planInFlightMigration(h.db.prisma);
    const run = await migrationFor(h).startAndFinish({ ...OPERATOR, batchSize: 8 });
    expect(run).toMatchObject({
      status: "COMPLETED",
      total: plan.toMove,
      processed: plan.toMove,
      skipped: 0,
    });
    expect(run.moved).toBe(plan.toMove);
    const after = await planInFlightMigration(h.db.prisma);
    // Moved orders leave the plan; started and finished ones stay where they are.
    expect(after.byStatus).toEqual({ ...plan.byStatus, queued: 0 });
    expect(after).toMatchObject({ toMove: 0, sampleIds: [] });
  });
});
