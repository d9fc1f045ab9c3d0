import type { BackgroundRun, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { SystemQueues } from "../queues/system-queues.ts";
import type { QueueManager } from "../routing/queue-manager.ts";
import type { RunFence } from "./run-ownership.ts";

/** What a run's batches need: the database, the queues, routing (for resubmission), a logger. */
export interface RunDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  queueManager: QueueManager;
  logger: Logger;
}

export interface StepResult {
  /** Nothing was left after the cursor: the run is complete. */
  done: boolean;
  /** The system pushed back (a full queue): wait this long before the next batch. */
  retryInMs?: number;
}

/**
 * One batch of a run, from `run.cursor`: does the work and saves its counts and the next cursor
 * with `saveProgress(…, fence, …)`, so a resumed run starts right after the last saved batch.
 */
export type RunStep = (run: BackgroundRun, fence: RunFence) => Promise<StepResult>;
