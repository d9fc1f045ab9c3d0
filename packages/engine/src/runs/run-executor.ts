import { QUEUE_NAMES } from "@qmc/transport";
import { type ConnectionOptions, type Job, WaitingError, Worker } from "bullmq";
import type { RunJobData } from "../queues/system-queues.ts";
import { processRun } from "./process-run.ts";
import { ensureRunJob } from "./run-queue.ts";
import { ACTIVE_RUN_STATUSES } from "./run-status.ts";
import type { RunDeps } from "./run-step.ts";

export interface RunExecutorOptions {
  workerId: string;
  /** BullMQ lock of a run's job: a worker silent this long loses the run to another. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How often this worker gives active runs without a job their job back. */
  sweepIntervalMs: number;
}

/**
 * Executes background runs (in-flight migration, bulk re-submission) in the worker, from the
 * `runs` queue: one job per run, job id = run id. At most one run per type is active (the
 * database's lock), so two runs at once at most. A worker that dies mid-run loses its BullMQ
 * lock; the job stalls back to waiting and another worker takes the run over from its cursor.
 * A worker that stops hands its run back between two batches. The sweep re-adds the job of an
 * active run that has none, so no run is stranded by a lost enqueue or a flushed Redis.
 */
export class RunExecutor {
  private worker: Worker<RunJobData> | null = null;
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly deps: RunDeps,
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly options: RunExecutorOptions,
  ) {}

  async start(): Promise<void> {
    const worker = new Worker<RunJobData>(QUEUE_NAMES.runs, (job, token) => this.process(job, token), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: 2,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs,
      // A long run may outlive many worker crashes; each one only hands it to the next worker.
      maxStalledCount: 1_000,
    });
    worker.on("error", (error) => this.deps.logger.error({ err: error }, "runs worker error"));
    worker.on("failed", (job, error) =>
      this.deps.logger.error({ err: error, runId: job?.data.runId }, "run job failed; the sweep re-adds it"),
    );
    this.worker = worker;
    await worker.waitUntilReady();
    this.sweepSoon();
    this.timer = setInterval(() => this.sweepSoon(), this.options.sweepIntervalMs);
  }

  /** Hands running runs back between batches; past the deadline their jobs are left to stall. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
    const worker = this.worker;
    if (!worker) return;
    const timedOut = await Promise.race([
      worker.close().then(() => false),
      new Promise((resolve) => setTimeout(resolve, deadlineMs, true)),
    ]);
    if (timedOut) {
      this.deps.logger.warn(
        "shutdown deadline passed with a batch still running; its run will be taken over",
      );
      await worker.close(true);
    }
    this.worker = null;
  }

  /** Adds the missing jobs of active runs; returns how many it added. */
  async sweep(): Promise<number> {
    const active = await this.deps.prisma.backgroundRun.findMany({
      where: { status: { in: [...ACTIVE_RUN_STATUSES] } },
      select: { id: true },
    });
    let added = 0;
    for (const { id } of active) if (await ensureRunJob(this.deps.queues.runs, id)) added++;
    if (added) this.deps.logger.info({ added }, "re-added jobs of active runs");
    return added;
  }

  private sweepSoon(): void {
    this.sweeping ??= this.sweep()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, "run sweep failed"))
      .finally(() => {
        this.sweeping = null;
      });
  }

  private async process(job: Job<RunJobData>, token?: string): Promise<void> {
    const outcome = await processRun(this.deps, job.data.runId, {
      workerId: this.options.workerId,
      stopping: () => this.stopping,
    });
    if (outcome === "handed-back") {
      // Waiting again at once, for the next worker to take (the run is QUEUED again).
      await job.moveToWait(token);
      throw new WaitingError();
    }
  }
}
