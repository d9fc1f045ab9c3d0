import type { PrismaClient } from "@qmc/db";

/** A live worker's latest capacity and memory reading, from its heartbeat row. */
export interface WorkerMemoryReading {
  workerId: string;
  memoryUsedRatio: number;
  slotsTotal: number;
  concurrencyLimit: number;
}

/** A reduction is in force when the worker runs below its slot count. */
export function isReduced(w: Pick<WorkerMemoryReading, "slotsTotal" | "concurrencyLimit">): boolean {
  return w.concurrencyLimit < w.slotsTotal;
}

/** Workers whose heartbeat is fresh and who have not stopped. */
export async function readLiveWorkers(
  prisma: PrismaClient,
  staleAfterMs: number,
  now: Date,
): Promise<WorkerMemoryReading[]> {
  return prisma.workerHeartbeat.findMany({
    where: { stoppedAt: null, lastSeenAt: { gte: new Date(now.getTime() - staleAfterMs) } },
    select: { workerId: true, memoryUsedRatio: true, slotsTotal: true, concurrencyLimit: true },
    orderBy: { workerId: "asc" },
  });
}

/**
 * Writes this worker's own reading into its heartbeat row (which the worker process creates and
 * keeps alive): the memory the guard judges and the concurrency limit in force, so the evaluator
 * sees a reduction as soon as it is applied. A stopped worker's row is left alone.
 */
export async function reportWorkerReading(
  prisma: PrismaClient,
  reading: WorkerMemoryReading & { slotsInUse: number; memoryPressure: string },
): Promise<void> {
  const { workerId, ...fields } = reading;
  await prisma.workerHeartbeat.updateMany({ where: { workerId, stoppedAt: null }, data: fields });
}
