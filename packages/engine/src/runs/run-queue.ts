import type { Logger } from "@qmc/runtime";
import type { JobsOptions, Queue } from "bullmq";
import type { RunJobData } from "../queues/system-queues.ts";

/**
 * One job per run, its id the run id, so enqueueing a run twice is a no-op. BullMQ never retries
 * it: a run's failure is a state of the run, and a job lost with its worker comes back as a
 * stalled job or through {@link ensureRunJob}.
 */
export function runJobOptions(runId: string): JobsOptions {
  return { jobId: runId, attempts: 1, removeOnComplete: true, removeOnFail: true };
}

/** Best effort after the run is committed: a failed enqueue is logged, and workers' sweeps add it. */
export async function enqueueRun(queue: Queue<RunJobData>, runId: string, logger: Logger): Promise<void> {
  try {
    await queue.add("run", { runId }, runJobOptions(runId));
  } catch (error) {
    logger.warn({ err: error, runId }, "enqueueing the run failed; a worker's sweep will add it");
  }
}

/**
 * Gives an active run its job back when it has none (an API process that died between commit and
 * enqueue, a flushed Redis, a job that failed with the database down). A finished job's leftover
 * is removed first, or the add would be ignored. Returns whether a job was added.
 */
export async function ensureRunJob(queue: Queue<RunJobData>, runId: string): Promise<boolean> {
  const job = await queue.getJob(runId);
  if (job) {
    const state = await job.getState();
    if (state !== "completed" && state !== "failed" && state !== "unknown") return false;
    await job.remove().catch(() => {});
  }
  await queue.add("run", { runId }, runJobOptions(runId));
  return true;
}
