import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { connectRedis, DEFAULT_REDIS_URL, type Redis } from "@qmc/transport";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MetricsPruner } from "./metrics-pruner.ts";
import { recordWorkerSample } from "./worker-sample-store.ts";

let db: TestDatabase;
let redis: Redis;
const logger = pino({ level: "silent" });
beforeAll(async () => {
  db = await createTestDatabase("metrics_retention");
  redis = await connectRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, "producer");
});
afterAll(async () => {
  await redis.quit();
  await db.drop();
});

const NOW = new Date(Date.UTC(2026, 10, 29, 12, 0, 0));
const daysAgo = (days: number, extraMinutes = 0) =>
  new Date(NOW.getTime() - days * 86_400_000 - extraMinutes * 60_000);

describe("worker samples", () => {
  it("fold every reading of a minute into one row: highest memory and slots in use, lowest limit", async () => {
    const reading = {
      workerId: "w1",
      memoryUsedRatio: 0.5,
      slotsTotal: 8,
      slotsInUse: 2,
      concurrencyLimit: 8,
    };
    await recordWorkerSample(db.prisma, reading, new Date(NOW.getTime() + 1_000));
    await recordWorkerSample(
      db.prisma,
      { ...reading, memoryUsedRatio: 0.93, slotsInUse: 7 },
      new Date(NOW.getTime() + 20_000),
    );
    await recordWorkerSample(
      db.prisma,
      { ...reading, memoryUsedRatio: 0.6, concurrencyLimit: 4 },
      new Date(NOW.getTime() + 40_000),
    );
    await recordWorkerSample(db.prisma, { ...reading, slotsInUse: 1 }, new Date(NOW.getTime() + 61_000));
    const rows = await db.prisma.workerSample.findMany({
      where: { workerId: "w1" },
      orderBy: { minute: "asc" },
    });
    expect(rows).toEqual([
      {
        workerId: "w1",
        minute: NOW,
        memoryUsedRatio: 0.93,
        slotsTotal: 8,
        slotsInUse: 7,
        concurrencyLimit: 4,
      },
      { ...reading, minute: new Date(NOW.getTime() + 60_000), slotsInUse: 1 },
    ]);
  });
});

describe("metrics pruning", () => {
  it("deletes only rows older than the retention, in bounded batches, by one worker per interval", async () => {
    const zeros = new Array<number>(48).fill(0);
    const rollup = (minute: Date, source: string) => ({
      stream: "NEW" as const,
      minute,
      source,
      queueWaitHistogram: zeros,
      runTimeHistogram: zeros,
      endToEndHistogram: zeros,
    });
    const old = Array.from({ length: 7 }, (_, i) => daysAgo(30, i + 1));
    const kept = [daysAgo(29, 59), daysAgo(1), NOW];
    await db.prisma.metricRollup.createMany({ data: [...old, ...kept].map((m) => rollup(m, "worker:x")) });
    await db.prisma.queueDepthSample.createMany({
      data: [...old, ...kept].map((at) => ({
        system: "NEW" as const,
        at,
        waiting: 1,
        delayed: 0,
        active: 0,
      })),
    });
    await db.prisma.workerSample.createMany({
      data: [...old, ...kept].map((minute) => ({
        workerId: "w-old",
        minute,
        memoryUsedRatio: 0.1,
        slotsTotal: 1,
        slotsInUse: 0,
        concurrencyLimit: 1,
      })),
    });

    const lockKey = `test-${randomUUID()}:metrics:prune-lock`;
    const options = { retentionDays: 30, batchSize: 3, lockKey, logger };
    const first = new MetricsPruner(db.prisma, redis, { ...options, holder: "worker-1" });
    const second = new MetricsPruner(db.prisma, redis, { ...options, holder: "worker-2" });
    const [a, b] = await Promise.all([first.pruneOnce(NOW), second.pruneOnce(NOW)]);
    expect([a, b].filter((report) => report === null)).toHaveLength(1);
    expect(a ?? b).toEqual({ MetricRollup: 7, QueueDepthSample: 7, WorkerSample: 7 });
    expect(await second.pruneOnce(NOW)).toBeNull(); // the interval's pass is done

    const minutes = (rows: Array<{ minute: Date } | { at: Date }>) =>
      rows.map((r) => ("minute" in r ? r.minute : r.at).getTime()).sort();
    const keptTimes = kept.map((d) => d.getTime()).sort();
    expect(minutes(await db.prisma.metricRollup.findMany())).toEqual(keptTimes);
    expect(minutes(await db.prisma.queueDepthSample.findMany())).toEqual(keptTimes);
    expect(minutes(await db.prisma.workerSample.findMany({ where: { workerId: "w-old" } }))).toEqual(
      keptTimes,
    );
    await redis.del(lockKey);
  });
});
