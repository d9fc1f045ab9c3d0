import { randomUUID } from "node:crypto";
import { commandRunPolicy } from "@qmc/core";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { connectRedis, DEFAULT_REDIS_URL, type Redis, redisConnectionOptions } from "@qmc/transport";
import { pino } from "pino";
import { QueueEngine, type QueueEngineOptions } from "../queue-engine.ts";
import { SystemQueues } from "../queues/system-queues.ts";
import type { EngineResources } from "../resources.ts";
import { WorkOrderSubmitter } from "../work-orders/submit.ts";

export const TEST_COMMAND_POLICY = commandRunPolicy({
  executables: { sh: "/bin/sh", sleep: "/bin/sleep", echo: "/bin/echo" },
  allowedEnv: ["GREETING"],
  childPath: "/usr/bin:/bin",
});

/** A database and queue prefix of its own, a submitter, and engines started on demand. */
export interface EngineHarness {
  db: TestDatabase;
  prefix: string;
  redisUrl: string;
  redis: Redis;
  queues: SystemQueues;
  submitter: WorkOrderSubmitter;
  resources: EngineResources;
  startEngine(
    options?: Partial<QueueEngineOptions>,
    overrides?: Partial<EngineResources>,
  ): Promise<QueueEngine>;
  /** Deletes every Redis key of this prefix: what FLUSHALL does to this deployment. */
  flushRedis(): Promise<void>;
  close(): Promise<void>;
}

export async function createEngineHarness(label: string, maxConnections = 5): Promise<EngineHarness> {
  const db = await createTestDatabase(label, maxConnections);
  const prefix = `test-${randomUUID()}`;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis = await connectRedis(redisUrl, "producer");
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const queues = new SystemQueues(redisConnectionOptions(redisUrl), prefix, () => {});
  const resources: EngineResources = {
    prisma: db.prisma,
    redisUrl,
    queuePrefix: prefix,
    logger,
    commandPolicy: TEST_COMMAND_POLICY,
    workerEnv: { PATH: process.env.PATH },
  };
  const submitter = new WorkOrderSubmitter(db.prisma, queues, TEST_COMMAND_POLICY, logger, {
    maxQueueDepth: 10_000,
  });
  const engines: QueueEngine[] = [];
  let counter = 0;
  return {
    db,
    prefix,
    redisUrl,
    redis,
    queues,
    submitter,
    resources,
    async startEngine(options = {}, overrides = {}) {
      const workerId = options.workerId ?? `engine-${counter++}`;
      const now = new Date();
      await db.prisma.workerHeartbeat.upsert({
        where: { workerId },
        create: {
          workerId,
          host: "test",
          pid: process.pid,
          startedAt: now,
          lastSeenAt: now,
          systems: [],
          slotsTotal: 0,
          slotsInUse: 0,
          concurrencyLimit: 0,
          memoryUsedRatio: 0,
          memoryPressure: "none",
        },
        update: { startedAt: now, lastSeenAt: now, stoppedAt: null },
      });
      const engine = new QueueEngine(
        { ...resources, ...overrides },
        {
          workerId,
          systems: ["LEGACY", "NEW"],
          legacyConcurrency: 8,
          newSystemSlots: 8,
          staggerMs: 0,
          lockDurationMs: 5_000,
          stalledIntervalMs: 1_000,
          reconcileIntervalMs: 500,
          reconcileGraceMs: 1_000,
          workerStaleAfterMs: 60_000,
          outputLimitBytes: 65_536,
          readMemoryRatio: () => 0.1,
          ...options,
        },
      );
      await engine.start();
      engines.push(engine);
      return engine;
    },
    async flushRedis() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    },
    async close() {
      await Promise.all(engines.map((e) => e.stop(2_000)));
      await queues.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.drop();
    },
  };
}

/** Polls until every order of the list is terminal (both systems), or throws with the stragglers. */
export async function waitForTerminal(db: TestDatabase, ids: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [open, legacyOpen] = await Promise.all([
      db.prisma.workOrder.findMany({
        where: { id: { in: ids }, state: { notIn: ["COMPLETED", "FAILED", "CANCELLED"] } },
        select: { id: true, state: true },
      }),
      db.prisma.legacyWorkOrder.findMany({
        // A migrated legacy row is history: its order finishes in the new system.
        where: { id: { in: ids }, status: { notIn: ["completed", "failed"] }, migratedAt: null },
        select: { id: true, status: true },
      }),
    ]);
    if (open.length === 0 && legacyOpen.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `not terminal after ${timeoutMs} ms: ${JSON.stringify([...open, ...legacyOpen].slice(0, 10))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
