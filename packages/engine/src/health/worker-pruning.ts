import type { PrismaClient } from "@qmc/db";

/** How long the Health page keeps showing workers that are gone. */
export interface WorkerPruneOptions {
  /** A worker that stopped cleanly, this long ago. @defaultValue 900000 (15 min) */
  stoppedKeepMs: number;
  /** A worker that stopped beating without saying so (it died), this long ago. @defaultValue 3600000 (1 h) */
  silentKeepMs: number;
}

export const DEFAULT_WORKER_PRUNE: Readonly<WorkerPruneOptions> = Object.freeze({
  stoppedKeepMs: 15 * 60_000,
  silentKeepMs: 60 * 60_000,
});

/**
 * Deletes the heartbeat rows of workers that stopped or went silent long ago, so the worker lists
 * show the fleet as it is instead of every process that ever ran (a restart under a new id, every
 * e2e run, every scaled-down replica). A deleted row reads as "not alive" to the reconciler, as a
 * stale one did. Their per-minute samples stay until the metrics retention prunes them.
 * @returns how many rows were deleted
 */
export async function pruneWorkerHeartbeats(
  prisma: PrismaClient,
  now: Date = new Date(),
  options: WorkerPruneOptions = DEFAULT_WORKER_PRUNE,
): Promise<number> {
  const { count } = await prisma.workerHeartbeat.deleteMany({
    where: {
      OR: [
        { stoppedAt: { lt: new Date(now.getTime() - options.stoppedKeepMs) } },
        { lastSeenAt: { lt: new Date(now.getTime() - options.silentKeepMs) } },
      ],
    },
  });
  return count;
}
