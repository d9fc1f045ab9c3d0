import { TASK_CATALOG } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { legacyHistory, pollUntil, transitionHistory } from "../testing/order-history.ts";
import {
  expectEachOrderInOneSystem,
  migrationFor,
  OPERATOR,
  submitLegacy,
  waitForNewTerminal,
} from "./migration-test-support.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("migration_run");
});
afterAll(() => h.close());

describe("in-flight migration of queued legacy orders", () => {
  const ids = Array.from({ length: 60 }, (_, i) => `run-${String(i).padStart(2, "0")}`);
  let runId = "";

  it("moves every queued order once, atomically with its history, and takes its legacy job away", async () => {
    await submitLegacy(h, ids, { durationMs: 5, outputBytes: 10 });
    const legacyBefore = await h.db.prisma.legacyWorkOrder.findMany({ where: { id: { in: ids } } });

    const run = await migrationFor(h).startAndFinish({ ...OPERATOR, batchSize: 25 });
    runId = run.id;
    expect(run).toMatchObject({
      status: "COMPLETED",
      total: 60,
      processed: 60,
      moved: 60,
      skipped: 0,
      failed: 0,
    });
    expect(run.cursor).toMatch(/\|run-59$/);
    expect(run.finishedAt).not.toBeNull();

    const orders = new Map((await h.db.prisma.workOrder.findMany()).map((o) => [o.id, o]));
    for (const legacy of legacyBefore) {
      expect(orders.get(legacy.id)).toMatchObject({
        state: "PENDING",
        role: "PRIMARY",
        migrated: true,
        originalSubmittedAt: legacy.submittedAt,
        kind: legacy.kind,
        payload: legacy.payload,
        priority: legacy.priority,
        maxAttempts: TASK_CATALOG.synthetic.retryPolicy.maxAttempts,
        submittedBy: OPERATOR.actor,
        attempts: 0,
      });
    }
    const migratedRows = await h.db.prisma.legacyWorkOrder.findMany({ where: { id: { in: ids } } });
    // The legacy row is history now: still "queued" as legacy last saw it, marked migrated.
    expect(migratedRows.every((r) => r.migratedAt !== null && r.status === "queued")).toBe(true);
    await expectEachOrderInOneSystem(h, ids);

    const [legacyJobs, newJobs] = await Promise.all([
      Promise.all(ids.map((id) => h.queues.legacy.getJob(id))),
      Promise.all(ids.map((id) => h.queues.newSystem.getJob(id))),
    ]);
    expect(legacyJobs.filter((j) => j !== undefined)).toEqual([]);
    expect(newJobs.every((j) => j?.data.workOrderId !== undefined)).toBe(true);

    const submit = await h.db.prisma.stateTransition.findMany({ where: { workOrderId: { in: ids } } });
    expect(submit).toHaveLength(60);
    for (const transition of submit) {
      expect(transition).toMatchObject({
        event: "SUBMIT",
        toState: "PENDING",
        metadata: { migratedFrom: "LEGACY", runId },
      });
    }
    const audit = await h.db.prisma.auditEvent.findMany({ where: { action: "work_order.migrate" } });
    expect(audit).toHaveLength(60);
    const first = audit.find((a) => a.subjectId === "run-00");
    expect(first).toMatchObject({
      actor: OPERATOR.actor,
      reason: OPERATOR.reason,
      subjectType: "WorkOrder",
      before: { system: "LEGACY", status: "queued" },
      after: { system: "NEW", state: "PENDING", runId },
      submission: { kind: "synthetic", payload: { durationMs: 5, outputBytes: 10 }, priority: 0 },
    });
  });

  it("audits the run's start and finish with its counts", async () => {
    const events = await h.db.prisma.auditEvent.findMany({
      where: { subjectType: "BackgroundRun", subjectId: runId },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["migration.start", "migration.finish"]);
    expect(events[0]).toMatchObject({ actor: OPERATOR.actor, reason: OPERATOR.reason, after: { total: 60 } });
    expect(events[1]?.after).toMatchObject({ status: "COMPLETED", processed: 60, moved: 60, skipped: 0 });
  });

  it("moves nothing the second time", async () => {
    const again = await migrationFor(h).startAndFinish({ ...OPERATOR, reason: "run it again" });
    expect(again).toMatchObject({ status: "COMPLETED", total: 0, processed: 0, moved: 0 });
    expect(await h.db.prisma.workOrder.count()).toBe(60);
    expect(await h.db.prisma.stateTransition.count()).toBe(60);
  });

  it("runs the moved orders to COMPLETED in the new system, and never in legacy", async () => {
    // A stale legacy delivery of a moved order (a job re-added by a race): legacy must drop it.
    const stale = "run-07";
    await h.queues.legacy.add("synthetic", { workOrderId: stale }, { jobId: stale });
    await h.startEngine({ systems: ["LEGACY", "NEW"] });
    await waitForNewTerminal(h, ids);
    await pollUntil(
      () => h.queues.legacy.getJobState(stale),
      (state) => state === "completed",
    );

    const finished = await h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    expect(finished.every((o) => o.state === "COMPLETED" && o.migrated)).toBe(true);
    expect(await transitionHistory(h.db, "run-00")).toEqual([
      "SUBMIT→PENDING",
      "CLAIM→PREPARING",
      "READY→RUNNING",
      "COMPLETE→COMPLETED",
    ]);
    const legacyAttempts = await h.db.prisma.executionAttempt.count({ where: { system: "LEGACY" } });
    expect(legacyAttempts).toBe(0);
    expect(await legacyHistory(h.db, stale)).toEqual(["queued"]);
    await expectEachOrderInOneSystem(h, ids);
  });
});
