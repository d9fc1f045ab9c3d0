import type { PrismaClient, WorkerHeartbeat } from "@qmc/db";

export interface WorkerMinute {
  minute: Date;
  memoryUsedRatio: number;
  slotsTotal: number;
  slotsInUse: number;
  concurrencyLimit: number;
}

export interface WorkerHealth extends WorkerHeartbeat {
  /** Beat within the stale limit and not stopped. */
  alive: boolean;
  /** Its per-minute samples of the last hour, oldest first. */
  samples: WorkerMinute[];
}

const SAMPLE_SPAN_MS = 3_600_000;

/** Every worker that reported (at most 200, latest first) with its last hour of samples. */
export async function readWorkers(
  prisma: PrismaClient,
  options: { staleAfterMs: number; now?: Date },
): Promise<WorkerHealth[]> {
  const now = options.now ?? new Date();
  const workers = await prisma.workerHeartbeat.findMany({ orderBy: { lastSeenAt: "desc" }, take: 200 });
  const samples = workers.length
    ? await prisma.workerSample.findMany({
        where: {
          minute: { gte: new Date(now.getTime() - SAMPLE_SPAN_MS) },
          workerId: { in: workers.map((w) => w.workerId) },
        },
        orderBy: { minute: "asc" },
        take: 200 * 61,
      })
    : [];
  const byWorker = new Map<string, WorkerMinute[]>();
  for (const { workerId, ...sample } of samples) {
    const list = byWorker.get(workerId) ?? [];
    list.push(sample);
    byWorker.set(workerId, list);
  }
  const staleBefore = now.getTime() - options.staleAfterMs;
  return workers.map((w) => ({
    ...w,
    alive: w.stoppedAt === null && w.lastSeenAt.getTime() > staleBefore,
    samples: byWorker.get(w.workerId) ?? [],
  }));
}
