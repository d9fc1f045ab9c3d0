import type { QueueSystem } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { SystemQueues } from "../queues/system-queues.ts";

/** One depth reading of a system's queue, as stored in QueueDepthSample. */
export interface DepthReading {
  system: QueueSystem;
  /** Ready to start: waiting + prioritized. Queue depth growth is measured on this. */
  waiting: number;
  /** Retries and other jobs due later. */
  delayed: number;
  active: number;
}

/**
 * Reads both systems' BullMQ job counts (one call per queue) and stores them as QueueDepthSample
 * rows at `at`: the series the guard's queue-depth-growth rule and the dashboards read.
 */
export async function sampleQueueDepths(
  prisma: PrismaClient,
  queues: Pick<SystemQueues, "legacy" | "newSystem">,
  at: Date,
): Promise<DepthReading[]> {
  const states = ["waiting", "prioritized", "delayed", "active"] as const;
  const [legacy, newSystem] = await Promise.all([
    queues.legacy.getJobCounts(...states),
    queues.newSystem.getJobCounts(...states),
  ]);
  const reading = (system: QueueSystem, c: Record<string, number>): DepthReading => ({
    system,
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
    delayed: c.delayed ?? 0,
    active: c.active ?? 0,
  });
  const readings = [reading("LEGACY", legacy), reading("NEW", newSystem)];
  // Two evaluators in the same millisecond (a lease handover) would collide on the key: keep one.
  await prisma.queueDepthSample.createMany({
    data: readings.map((r) => ({ ...r, at })),
    skipDuplicates: true,
  });
  return readings;
}
