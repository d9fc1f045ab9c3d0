import { minuteOf } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";

export interface WorkerReading {
  workerId: string;
  memoryUsedRatio: number;
  slotsTotal: number;
  slotsInUse: number;
  concurrencyLimit: number;
}

/**
 * Folds one reading into the worker's sample of the current minute, in one statement: the
 * highest memory and slots in use of the minute, the lowest concurrency limit (a reduction by the
 * guard shows even if it was lifted within the minute), the latest slot total.
 */
export async function recordWorkerSample(
  prisma: PrismaClient,
  reading: WorkerReading,
  at: Date = new Date(),
): Promise<void> {
  const { workerId, memoryUsedRatio, slotsTotal, slotsInUse, concurrencyLimit } = reading;
  await prisma.$executeRaw`
    INSERT INTO "WorkerSample" ("workerId", "minute", "memoryUsedRatio", "slotsTotal", "slotsInUse", "concurrencyLimit")
    VALUES (${workerId}, ${minuteOf(at)}, ${memoryUsedRatio}, ${slotsTotal}, ${slotsInUse}, ${concurrencyLimit})
    ON CONFLICT ("workerId", "minute") DO UPDATE SET
      "memoryUsedRatio" = GREATEST("WorkerSample"."memoryUsedRatio", excluded."memoryUsedRatio"),
      "slotsInUse" = GREATEST("WorkerSample"."slotsInUse", excluded."slotsInUse"),
      "concurrencyLimit" = LEAST("WorkerSample"."concurrencyLimit", excluded."concurrencyLimit"),
      "slotsTotal" = excluded."slotsTotal"`;
}
