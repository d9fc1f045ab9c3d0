import { QUEUE_NAMES, redisConnectionOptions } from "@qmc/transport";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationFor, OPERATOR } from "../migration/migration-test-support.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { readRunHolder } from "./run-holder.ts";
import { claimRun } from "./run-ownership.ts";
import { RUN_LOCK_DURATION_MS, RUN_STALLED_INTERVAL_MS } from "./run-takeover.ts";

/**
 * What the console tells while a run's worker is gone: the run's BullMQ lock, held here by a
 * bare BullMQ worker that never renews it (a worker that died), is aged by hand to each moment
 * of a takeover.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("run_holder", 6);
});
afterAll(() => h.close());

const STALE_AFTER_MS = 15_000;

async function beat(workerId: string, lastSeenAt: Date) {
  const row = {
    host: `${workerId}.example`,
    pid: 1,
    startedAt: new Date(lastSeenAt.getTime() - 60_000),
    lastSeenAt,
    systems: ["NEW"],
    slotsTotal: 1,
    slotsInUse: 0,
    concurrencyLimit: 1,
    memoryUsedRatio: 0.1,
    memoryPressure: "none",
  };
  await h.db.prisma.workerHeartbeat.upsert({
    where: { workerId },
    create: { workerId, ...row },
    update: row,
  });
}

describe("a run's holder, as the console reads it", () => {
  it("answers while its lock is renewed; once it stops, says for how long and when a standby takes over", async () => {
    const migration = migrationFor(h);
    const queued = await migration.start(OPERATOR);
    const deps = { prisma: h.db.prisma, redis: h.redis, runsQueue: h.queues.runs };
    const read = async () =>
      readRunHolder(deps, await migration.getRun(queued.id), { staleAfterMs: STALE_AFTER_MS });
    expect(await read()).toBeNull(); // QUEUED: nobody holds it

    // "gone-worker" takes the job under the run lock and the run, then never renews: it died.
    const holder = new Worker(QUEUE_NAMES.runs, null, {
      connection: redisConnectionOptions(h.redisUrl),
      prefix: h.prefix,
      autorun: false,
      lockDuration: RUN_LOCK_DURATION_MS,
    });
    const job = await holder.getNextJob("gone-token", { block: false });
    expect(job?.id).toBe(queued.id);
    await claimRun(h.db.prisma, queued.id, "gone-worker");
    const now = new Date();
    await beat("gone-worker", now);
    await beat("standby-worker", now);

    expect(await read()).toEqual({
      workerId: "gone-worker",
      host: "gone-worker.example",
      answering: true,
      silentForMs: null,
      takeoverWithinMs: null,
      standbyWorkers: 1,
    });

    // Last renewed 7 s ago (3 s left): a renewal is 2 s overdue.
    const lockKey = `${h.queues.runs.toKey(queued.id)}:lock`;
    await h.redis.pexpire(lockKey, 3_000);
    const late = await read();
    expect(late).toMatchObject({ answering: false, standbyWorkers: 1 });
    expect(late?.silentForMs).toBeGreaterThanOrEqual(7_000);
    expect(late?.silentForMs).toBeLessThan(7_500);
    expect(late?.takeoverWithinMs).toBeGreaterThan(RUN_STALLED_INTERVAL_MS + 2_500);
    expect(late?.takeoverWithinMs).toBeLessThanOrEqual(RUN_STALLED_INTERVAL_MS + 3_000);

    // Expired: the next stalled check hands it out; silent a whole lock at least.
    await h.redis.del(lockKey);
    await beat("gone-worker", new Date(Date.now() - 12_000));
    const expired = await read();
    expect(expired).toMatchObject({ answering: false, takeoverWithinMs: RUN_STALLED_INTERVAL_MS });
    expect(expired?.silentForMs).toBeGreaterThanOrEqual(12_000);

    // No other worker alive: nobody will take it over.
    await beat("standby-worker", new Date(Date.now() - STALE_AFTER_MS - 1_000));
    expect(await read()).toMatchObject({ answering: false, standbyWorkers: 0 });
    await holder.close(true);
  });
});
