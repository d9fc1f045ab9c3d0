import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { Queue } from "bullmq";
import type { WorkOrderJobData } from "../queues/system-queues.ts";

/** Where a legacy job waits to start: the wait list, the priority set, the delayed set. */
const WAITING_TYPES = ["wait", "prioritized", "delayed"] as const;

/** Why a waiting legacy job is a stray: its order will never run in legacy again. */
function strayBecause(order: { status: string; migratedAt: Date | null }): string | null {
  if (order.migratedAt) return "its order moved to the new system";
  if (order.status === "completed" || order.status === "failed") return `its order is ${order.status}`;
  return null;
}

/**
 * Removes the waiting legacy jobs of orders that are no longer queued in legacy: migrated ones
 * (a job given back by a race with the in-flight migration, or by its error path) and finished
 * ones. Legacy would drop each on delivery, but while it waits it counts in the legacy queue's
 * depth (`system.queueDepths`, the guard's queue-depth rule) although no legacy order waits, and
 * a retired legacy never delivers it. Jobs of orders that are building or running are left
 * alone: that is a stalled delivery, which the legacy processor and the reconciler settle. A job
 * a worker holds is not removed (BullMQ refuses); its worker drops it.
 * Pages through the job ids; removing shifts what follows, so the next page starts that much
 * earlier. Returns how many it removed; each removal is logged.
 */
export async function removeStrayLegacyJobs(
  prisma: PrismaClient,
  queue: Queue<WorkOrderJobData>,
  logger: Logger,
  pageSize: number,
  /** Checked between pages: a stopping worker does not wait for the whole sweep. */
  shouldStop: () => boolean = () => false,
): Promise<number> {
  let removed = 0;
  for (const type of WAITING_TYPES) {
    if (shouldStop()) break;
    for (let start = 0; ; ) {
      const ids = await queue.getRanges([type], start, start + pageSize - 1);
      if (ids.length === 0) break;
      const orders = await prisma.legacyWorkOrder.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, migratedAt: true },
      });
      let removedHere = 0;
      for (const order of orders) {
        const why = strayBecause(order);
        if (!why || (await queue.remove(order.id)) !== 1) continue;
        removedHere++;
        logger.info({ workOrderId: order.id, system: "LEGACY", why }, "removed a stray legacy job");
      }
      removed += removedHere;
      if (ids.length < pageSize || shouldStop()) break;
      start += ids.length - removedHere;
    }
  }
  return removed;
}
