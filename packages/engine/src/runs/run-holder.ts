import type { BackgroundRun, PrismaClient } from "@qmc/db";
import type { Redis } from "@qmc/transport";
import type { Queue } from "bullmq";
import type { RunJobData } from "../queues/system-queues.ts";
import { RUN_LOCK_DURATION_MS, RUN_LOCK_RENEW_MS, RUN_STALLED_INTERVAL_MS } from "./run-takeover.ts";

/** A renewal this late is missed (timers and Redis round trips are never this far off). */
const RENEW_SLACK_MS = 1_500;

/** Who holds a running run, and whether it still answers: what the console says while a run waits. */
export interface RunHolder {
  workerId: string;
  /** Its host, from its heartbeat row (null before its first heartbeat). */
  host: string | null;
  /** It renewed its hold on the run in time (the run's BullMQ lock). */
  answering: boolean;
  /** When it does not: how long since its last sign of life (lock renewal or heartbeat). */
  silentForMs: number | null;
  /**
   * When it does not: the longest until a standby worker takes the run over (0: any moment).
   * Meaningful only while `standbyWorkers` > 0.
   */
  takeoverWithinMs: number | null;
  /** Other workers alive now (heartbeat within the stale limit): any of them takes it over. */
  standbyWorkers: number;
}

export interface RunHolderDeps {
  prisma: PrismaClient;
  redis: Redis;
  runsQueue: Queue<RunJobData>;
}

/**
 * Reads a RUNNING run's holder. Its BullMQ lock says whether it answers: the holder renews it
 * every {@link RUN_LOCK_RENEW_MS}, so its remaining time tells when it was last renewed, with no
 * clock but Redis's. A run that is not RUNNING has no holder (null).
 */
export async function readRunHolder(
  deps: RunHolderDeps,
  run: Pick<BackgroundRun, "id" | "status" | "ownerWorkerId">,
  options: { staleAfterMs: number; now?: Date },
): Promise<RunHolder | null> {
  if (run.status !== "RUNNING" || !run.ownerWorkerId) return null;
  const now = options.now ?? new Date();
  const workerId = run.ownerWorkerId;
  const [lockTtlMs, jobState, heartbeat, standbyWorkers] = await Promise.all([
    deps.redis.pttl(`${deps.runsQueue.toKey(run.id)}:lock`),
    deps.runsQueue.getJobState(run.id),
    deps.prisma.workerHeartbeat.findUnique({ where: { workerId }, select: { host: true, lastSeenAt: true } }),
    deps.prisma.workerHeartbeat.count({
      where: {
        workerId: { not: workerId },
        stoppedAt: null,
        lastSeenAt: { gt: new Date(now.getTime() - options.staleAfterMs) },
      },
    }),
  ]);
  const host = heartbeat?.host ?? null;
  const sinceHeartbeatMs = heartbeat ? Math.max(0, now.getTime() - heartbeat.lastSeenAt.getTime()) : null;
  const silent = (silentForMs: number | null, takeoverWithinMs: number): RunHolder => ({
    workerId,
    host,
    answering: false,
    silentForMs,
    takeoverWithinMs,
    standbyWorkers,
  });

  if (lockTtlMs > 0) {
    const sinceRenewalMs = RUN_LOCK_DURATION_MS - lockTtlMs;
    if (sinceRenewalMs <= RUN_LOCK_RENEW_MS + RENEW_SLACK_MS) {
      return { workerId, host, answering: true, silentForMs: null, takeoverWithinMs: null, standbyWorkers };
    }
    return silent(sinceRenewalMs, lockTtlMs + RUN_STALLED_INTERVAL_MS);
  }
  // The lock is gone: expired, so renewed a whole lock ago at least.
  const silentForMs = Math.max(RUN_LOCK_DURATION_MS, sinceHeartbeatMs ?? 0);
  // Waiting again: the next free worker takes it now. Still active: the next stalled check puts
  // it back. No job at all (lost with Redis): a worker's sweep gives it back about as soon.
  const waiting = jobState === "waiting" || jobState === "prioritized";
  return silent(silentForMs, waiting ? 0 : RUN_STALLED_INTERVAL_MS);
}
