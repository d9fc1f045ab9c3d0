import { type QueueSystem, transportPriority } from "@qmc/core";
import { QUEUE_NAMES } from "@qmc/transport";
import { type ConnectionOptions, type JobsOptions, Queue } from "bullmq";

/** The job carries only the order id: Postgres holds everything else. */
export interface WorkOrderJobData {
  workOrderId: string;
}

/** A background run's job: the run id (also the job id); the run's row holds everything else. */
export interface RunJobData {
  runId: string;
}

/**
 * The BullMQ job id of an order's attempt: the order id for the first one, so a repeated
 * enqueue of the same order is a no-op; a suffix for retries, which are new jobs.
 */
export function jobIdForAttempt(workOrderId: string, attempt: number): string {
  return attempt <= 1 ? workOrderId : `${workOrderId}.a${attempt}`;
}

/** The attempt a delivered job was enqueued for: the inverse of {@link jobIdForAttempt}. */
export function attemptOfJob(jobId: string | undefined, workOrderId: string): number | undefined {
  if (jobId === workOrderId) return 1;
  const suffix = jobId?.startsWith(`${workOrderId}.a`) ? jobId.slice(workOrderId.length + 2) : "";
  return /^[0-9]+$/.test(suffix) ? Number(suffix) : undefined;
}

export function jobOptions(workOrderId: string, attempt: number, priority: number, delayMs = 0): JobsOptions {
  return {
    jobId: jobIdForAttempt(workOrderId, attempt),
    priority: transportPriority(priority),
    delay: Math.max(0, Math.round(delayMs)),
    // The state machine records failures and retries; BullMQ never retries on its own.
    attempts: 1,
    removeOnComplete: true,
    removeOnFail: { count: 10_000 },
  };
}

/** Producer-side queues of both systems and of background runs, one per process. */
export class SystemQueues {
  readonly legacy: Queue<WorkOrderJobData>;
  readonly newSystem: Queue<WorkOrderJobData>;
  readonly runs: Queue<RunJobData>;

  constructor(connection: ConnectionOptions, prefix: string, onError: (error: Error) => void) {
    this.legacy = new Queue(QUEUE_NAMES.legacy, { connection, prefix });
    this.newSystem = new Queue(QUEUE_NAMES.newSystem, { connection, prefix });
    this.runs = new Queue(QUEUE_NAMES.runs, { connection, prefix });
    this.legacy.on("error", onError);
    this.newSystem.on("error", onError);
    this.runs.on("error", onError);
  }

  of(system: QueueSystem): Queue<WorkOrderJobData> {
    return system === "LEGACY" ? this.legacy : this.newSystem;
  }

  /** Jobs waiting to start (not delayed retries): what backpressure limits. */
  async waitingCount(system: QueueSystem): Promise<number> {
    return this.of(system).getJobCountByTypes("wait", "prioritized");
  }

  async close(): Promise<void> {
    await Promise.all([this.legacy.close(), this.newSystem.close(), this.runs.close()]);
  }
}
