import type { PrismaClient } from "@qmc/db";

/**
 * A worker counts as alive while its heartbeat is fresh and it has not said it stopped.
 * Used before failing an in-flight order as stalled: never fail work a live worker runs.
 */
export function workerLiveness(prisma: PrismaClient, staleAfterMs: number) {
  return async (workerId: string): Promise<boolean> => {
    const beat = await prisma.workerHeartbeat.findUnique({
      where: { workerId },
      select: { lastSeenAt: true, stoppedAt: true },
    });
    return !!beat && beat.stoppedAt === null && beat.lastSeenAt.getTime() > Date.now() - staleAfterMs;
  };
}
