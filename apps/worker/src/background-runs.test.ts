import { InFlightMigration, RUN_TAKEOVER_MAX_MS, type RunHolder, readRunHolder } from "@qmc/engine";
import { createEngineHarness, type EngineHarness, holdLegacyRow, pollUntil } from "@qmc/engine/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { workerFleet } from "./testing/spawn-worker.ts";

/**
 * A background run survives the death of the worker process running it: a real worker is
 * SIGKILLed in the middle of an in-flight migration (held there by a row lock the test owns, so
 * "the middle" is a state it sees), and another worker, standing by, takes the run over within
 * the run lock's bound and finishes it. Meanwhile the run's holder reads as not answering, as
 * the console shows it.
 */
let h: EngineHarness;
const fleet = workerFleet({ databaseUrl: () => h.db.url, prefix: () => h.prefix });

beforeAll(async () => {
  h = await createEngineHarness("worker_runs", 8);
});
afterEach(() => fleet.killAll());
afterAll(() => h.close());

/**
 * The order queues' production lock timings (30 s lock, 15 s stalled check): a run's takeover
 * must not wait for them (it did: 32-38 s).
 */
const start = (workerId: string) =>
  fleet.start(workerId, { WORKER_SYSTEMS: "new", LOCK_DURATION_MS: "30000", STALLED_INTERVAL_MS: "15000" });

const holdRow = (id: string) => holdLegacyRow(h.db, id);

describe("background runs in worker processes", () => {
  it("a worker SIGKILLed mid-run: another worker takes the run over from its cursor, every order moved exactly once", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `killed-run-${String(i).padStart(2, "0")}`);
    await h.submitter.submitMany(
      ids.map((id) => ({
        id,
        kind: "synthetic",
        payload: { durationMs: 5 },
        system: "LEGACY" as const,
        actor: "t",
      })),
    );
    const release = await holdRow(ids[12] ?? ""); // same submission time: the run takes them by id
    const migration = new InFlightMigration({
      prisma: h.db.prisma,
      queues: h.queues,
      logger: h.resources.logger,
    });
    const run = await migration.start({ actor: "operator@example.com", reason: "move them", batchSize: 5 });

    const first = start("run-worker-1");
    await pollUntil(
      async () => {
        const [current, waiting] = await Promise.all([
          migration.getRun(run.id),
          h.db.prisma.$queryRaw<[{ n: bigint }]>`
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        ]);
        return { status: current.status, processed: current.processed, waiting: Number(waiting[0].n) };
      },
      (s) => s.status === "RUNNING" && s.processed === 10 && s.waiting > 0,
      30_000,
    );
    const standby = start("run-worker-2");
    await standby.waitForLine(/"msg":"worker started"/, 60_000);
    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await first.exited).toBe("SIGKILL");
    // The dead worker's batch gets its lock now, and is rolled back: its client is gone.
    await release();

    // Until the standby has it, the run's holder is the dead worker, silent, with a standby.
    const holders: RunHolder[] = [];
    const taken = await pollUntil(
      async () => {
        const current = await migration.getRun(run.id);
        const holder = await readRunHolder(
          { prisma: h.db.prisma, redis: h.redis, runsQueue: h.queues.runs },
          current,
          { staleAfterMs: 1_500 },
        );
        if (holder?.workerId === "run-worker-1") holders.push(holder);
        return current;
      },
      (r) => r.ownerWorkerId === "run-worker-2" || (r.status !== "RUNNING" && r.status !== "QUEUED"),
      60_000,
    );
    const takeoverMs = Date.now() - killedAt;
    console.info(`run taken over ${takeoverMs} ms after the SIGKILL`);
    expect(taken.ownerWorkerId).toBe("run-worker-2");
    // One run lock plus one stalled check, and slack for timers on a loaded machine (the order
    // queues' 30 s lock alone would exceed it).
    expect(takeoverMs, `takeover took ${takeoverMs} ms`).toBeLessThanOrEqual(RUN_TAKEOVER_MAX_MS + 3_000);
    const silent = holders.filter((holder) => !holder.answering);
    expect(silent.length).toBeGreaterThan(0);
    for (const holder of silent) {
      expect(holder.standbyWorkers).toBe(1);
      expect(holder.takeoverWithinMs).toBeLessThanOrEqual(RUN_TAKEOVER_MAX_MS);
    }

    const ended = await pollUntil(
      () => migration.getRun(run.id),
      (r) => r.status !== "RUNNING" && r.status !== "QUEUED",
      45_000,
    );
    expect(ended).toMatchObject({
      status: "COMPLETED",
      total: 30,
      processed: 30,
      moved: 30,
      skipped: 0,
      failed: 0,
      ownerWorkerId: "run-worker-2",
    });
    const [submits, migrated, orders] = await Promise.all([
      h.db.prisma.stateTransition.groupBy({
        by: ["workOrderId"],
        where: { workOrderId: { in: ids }, event: "SUBMIT" },
        _count: true,
      }),
      h.db.prisma.auditEvent.groupBy({
        by: ["subjectId"],
        where: { subjectId: { in: ids }, action: "work_order.migrate" },
        _count: true,
      }),
      h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } }),
    ]);
    expect(submits.map((s) => s._count)).toEqual(ids.map(() => 1));
    expect(migrated.map((s) => s._count)).toEqual(ids.map(() => 1));
    expect(orders.every((o) => o.migrated)).toBe(true);
    const actions = await h.db.prisma.auditEvent.findMany({
      where: { subjectId: run.id },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => [a.action, a.actor])).toEqual([
      ["migration.start", "operator@example.com"],
      ["migration.takeover", "worker:run-worker-2"],
      ["migration.finish", "operator@example.com"],
    ]);
  }, 150_000);
});
