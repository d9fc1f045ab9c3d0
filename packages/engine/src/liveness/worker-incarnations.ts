import type { PrismaClient } from "@qmc/db";

/** Which process runs under a worker id now, as far as its heartbeat tells. */
export interface WorkerIncarnations {
  /**
   * When the live process under this id started, or null when none is alive (heartbeat stale
   * or stopped). A process restarted under the same WORKER_ID (a container's pid is always 1)
   * has a later start than any attempt its predecessor began, so those attempts are not its own.
   */
  aliveSince(workerId: string): Promise<Date | null>;
}

export function heartbeatIncarnations(prisma: PrismaClient, staleAfterMs: number): WorkerIncarnations {
  return {
    async aliveSince(workerId) {
      const beat = await prisma.workerHeartbeat.findUnique({
        where: { workerId },
        select: { lastSeenAt: true, stoppedAt: true, startedAt: true },
      });
      const alive =
        !!beat && beat.stoppedAt === null && beat.lastSeenAt.getTime() > Date.now() - staleAfterMs;
      return alive ? beat.startedAt : null;
    },
  };
}
