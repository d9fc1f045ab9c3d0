import { QUEUE_NAMES, redisConnectionOptions } from "@qmc/transport";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "./testing/engine-harness.ts";
import { transitionHistory } from "./testing/order-history.ts";

/**
 * The reconciler decides liveness from BullMQ (a job active under a held lock is alive) and
 * pages through every in-flight order: broken orders hidden behind hundreds of healthy ones
 * are healed, healthy ones are never touched.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("reconciler", 8);
});
afterAll(() => h.close());

const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60_000);

/** A stand-in for live workers: takes jobs and holds their locks, as a running attempt does. */
async function holdJobs(queueName: string, count: number) {
  const holder = new Worker(queueName, null, {
    connection: redisConnectionOptions(h.redisUrl),
    prefix: h.prefix,
    autorun: false,
    lockDuration: 120_000,
  });
  await holder.waitUntilReady();
  const jobs = [];
  for (let i = 0; i < count; i++) {
    const job = await holder.getNextJob(`holder:${i}`, { block: false });
    if (!job) throw new Error(`only ${i} jobs to hold`);
    job.token = `holder:${i}`;
    jobs.push(job);
  }
  return { holder, jobs };
}

describe("the reconciler", () => {
  it("heals the broken in-flight orders among 600 healthy ones, and touches none of the healthy", async () => {
    const healthy = Array.from({ length: 600 }, (_, i) => `a-healthy-${String(i).padStart(3, "0")}`);
    const jobFailed = "z-broken-job-failed"; // its worker failed the job (a write it could not make)
    const restarted = "z-broken-owner-restarted"; // its job is gone; its WORKER_ID lives on, restarted
    const ids = [...healthy, jobFailed, restarted];
    await h.submitter.submitMany(
      ids.map((id) => ({
        id,
        kind: "synthetic",
        payload: { durationMs: 10 },
        system: "NEW" as const,
        actor: "t",
      })),
    );
    const legacyBroken = "z-legacy-job-failed";
    await h.submitter.submit({
      id: legacyBroken,
      kind: "synthetic",
      payload: {},
      system: "LEGACY",
      actor: "t",
    });

    // Every job taken and held; the broken ones then lose theirs the two ways the field showed.
    const held = await holdJobs(QUEUE_NAMES.newSystem, ids.length);
    const legacyHeld = await holdJobs(QUEUE_NAMES.legacy, 1);
    for (const job of held.jobs) {
      if (job.id === jobFailed)
        await job.moveToFailed(new Error("57P01 terminating connection"), job.token ?? "");
    }
    const restartedKey = `${h.prefix}:${QUEUE_NAMES.newSystem}:${restarted}`;
    await h.redis.del(restartedKey, `${restartedKey}:lock`); // what a Redis restart leaves of it
    await h.redis.lrem(`${h.prefix}:${QUEUE_NAMES.newSystem}:active`, 0, restarted);
    await legacyHeld.jobs[0]?.moveToFailed(
      new Error("57P01 terminating connection"),
      legacyHeld.jobs[0].token ?? "",
    );

    // Postgres: all of them running, started ten minutes ago by workers that still beat.
    const startedAt = TEN_MINUTES_AGO();
    await h.db.prisma.workOrder.updateMany({
      where: { id: { in: ids } },
      data: { state: "RUNNING", attempts: 1, workerId: "live-worker", startedAt, updatedAt: startedAt },
    });
    await h.db.prisma.workOrder.update({
      where: { id: restarted },
      data: { workerId: "restarted-worker", updatedAt: startedAt },
    });
    await h.db.prisma.legacyWorkOrder.update({
      where: { id: legacyBroken },
      data: { status: "running", workerId: "live-worker", startedAt, updatedAt: startedAt },
    });
    for (const [workerId, processStart] of [
      ["live-worker", new Date(startedAt.getTime() - 60_000)],
      ["restarted-worker", new Date()], // restarted after the attempt began: not its attempt
    ] as const) {
      await h.db.prisma.workerHeartbeat.create({
        data: {
          workerId,
          host: "h",
          pid: 1,
          startedAt: processStart,
          lastSeenAt: new Date(),
          systems: ["NEW", "LEGACY"],
          slotsTotal: 1000,
          slotsInUse: 600,
          concurrencyLimit: 1000,
          memoryUsedRatio: 0.1,
          memoryPressure: "none",
        },
      });
    }

    // Only the reconciler runs (no scheduler, no legacy processor), one pass at a time.
    const engine = await h.startEngine({
      systems: [],
      reconcileIntervalMs: 600_000,
      reconcileGraceMs: 1_000,
    });
    expect(await engine.reconcileNow()).toEqual({ reenqueued: 0, recovered: 3, strayRemoved: 0 });
    for (const id of [jobFailed, restarted]) {
      expect(await transitionHistory(h.db, id)).toEqual(["SUBMIT→PENDING", "FAIL→WAITING_RETRY"]);
      const order = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id } });
      expect(order.errorClass).toBe("STALLED");
    }
    const legacy = await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: legacyBroken } });
    expect(legacy.status).toBe("failed");
    expect(legacy.errorMessage).toMatch(/live-worker stopped while the order was running/);
    // Status and attempt row tell one story.
    const attempt = await h.db.prisma.executionAttempt.findFirstOrThrow({
      where: { system: "LEGACY", workOrderId: legacyBroken },
    });
    expect(attempt).toMatchObject({ errorClass: "STALLED", exitCode: null });

    // Another pass finds nothing to do: the 600 held orders are alive and stay as they were.
    expect(await engine.reconcileNow()).toEqual({ reenqueued: 0, recovered: 0, strayRemoved: 0 });
    await engine.stop(1_000);
    expect(await h.db.prisma.workOrder.count({ where: { id: { in: healthy }, state: "RUNNING" } })).toBe(600);
    expect(
      await h.db.prisma.stateTransition.count({ where: { workOrderId: { in: healthy }, event: "FAIL" } }),
    ).toBe(0);
    await held.holder.close(true);
    await legacyHeld.holder.close(true);
  }, 60_000);
});
