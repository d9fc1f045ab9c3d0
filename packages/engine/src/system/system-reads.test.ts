import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { DEFAULT_REDIS_URL, redisConnectionOptions } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SystemQueues } from "../queues/system-queues.ts";
import { readQueueDepthsNow, readWorkerLiveness } from "./system-reads.ts";

let db: TestDatabase;
let queues: SystemQueues;
beforeAll(async () => {
  db = await createTestDatabase("system_reads");
  queues = new SystemQueues(
    redisConnectionOptions(process.env.REDIS_URL ?? DEFAULT_REDIS_URL),
    `test-${randomUUID()}`,
    () => {},
  );
});
afterAll(async () => {
  await queues.legacy.obliterate({ force: true });
  await queues.newSystem.obliterate({ force: true });
  await queues.close();
  await db.drop();
});

let ids = 0;
const order = (state: string, role: "PRIMARY" | "SHADOW" = "PRIMARY") => ({
  id: `o-${ids++}`,
  kind: "synthetic",
  payload: {},
  state: state as "PENDING",
  role,
  maxAttempts: 3,
  submittedBy: "test",
});
const legacyOrder = (status: string, migratedAt: Date | null = null) => ({
  id: `l-${ids++}`,
  kind: "synthetic",
  payload: {},
  status,
  submittedBy: "test",
  migratedAt,
});

describe("queue depths now", () => {
  it("counts open primary orders per state (every open state present) and reads no finished ones", async () => {
    await db.prisma.workOrder.createMany({
      data: [
        order("PENDING"),
        order("PENDING"),
        order("RUNNING"),
        order("WAITING_RETRY"),
        order("COMPLETED"),
        order("FAILED"),
        order("CANCELLED"),
        order("PENDING", "SHADOW"), // a shadow copy is not a depth of the new system
      ],
    });
    await db.prisma.legacyWorkOrder.createMany({
      data: [
        legacyOrder("queued"),
        legacyOrder("building"),
        legacyOrder("queued", new Date()), // moved to the new system: lives on there
        legacyOrder("completed"),
        legacyOrder("failed"),
      ],
    });
    await queues.newSystem.add("run", { workOrderId: "o-0" } as never);
    await queues.legacy.add("run", { workOrderId: "l-8" } as never, { delay: 60_000 });

    const depths = await readQueueDepthsNow({ prisma: db.prisma, queues });

    expect(depths.orders).toEqual({
      NEW: { PENDING: 2, PREPARING: 0, RUNNING: 1, WAITING_RETRY: 1 },
      LEGACY: { queued: 1, building: 1, running: 0 },
    });
    expect(depths.jobs).toEqual({
      NEW: { waiting: 1, prioritized: 0, delayed: 0, active: 0 },
      LEGACY: { waiting: 0, prioritized: 0, delayed: 1, active: 0 },
    });
  });
});

describe("worker liveness", () => {
  it("marks a worker alive only while it beats within the stale limit and has not stopped", async () => {
    const now = new Date();
    const beat = (workerId: string, secondsAgo: number, stopped: boolean) => ({
      workerId,
      host: "h",
      pid: 1,
      startedAt: new Date(now.getTime() - 3_600_000),
      lastSeenAt: new Date(now.getTime() - secondsAgo * 1000),
      stoppedAt: stopped ? now : null,
      systems: ["NEW"],
      slotsTotal: 4,
      slotsInUse: 1,
      concurrencyLimit: 4,
      memoryUsedRatio: 0.3,
      memoryPressure: "none",
    });
    await db.prisma.workerHeartbeat.createMany({
      data: [beat("beating", 2, false), beat("silent", 30, false), beat("stopped", 1, true)],
    });
    const workers = await readWorkerLiveness(db.prisma, { staleAfterMs: 15_000, now });
    expect(workers.map((w) => [w.workerId, w.alive])).toEqual([
      ["stopped", false],
      ["beating", true],
      ["silent", false],
    ]);
  });
});
