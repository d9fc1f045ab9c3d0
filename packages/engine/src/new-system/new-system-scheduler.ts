import { setTimeout as sleep } from "node:timers/promises";
import { isDomainError } from "@qmc/core";
import type { Logger } from "@qmc/runtime";
import { QUEUE_NAMES } from "@qmc/transport";
import { type ConnectionOptions, Job, type JobJson, Worker } from "bullmq";
import { attemptOfJob, type WorkOrderJobData } from "../queues/system-queues.ts";
import type { OrderExecutor } from "./order-executor.ts";
import type { ResourceMonitor } from "./resource-monitor.ts";

export interface SchedulerOptions {
  workerId: string;
  /** How long a claimed job's lock lasts without renewal; a dead worker's jobs stall after it. */
  lockDurationMs: number;
  /** How often stalled jobs are looked for. */
  stalledIntervalMs: number;
  /**
   * Claim loops fetching in parallel, each only after the monitor granted it a slot: one fetch is a
   * Redis round trip, so a single loop caps starts at ~1/RTT. With a stagger there is one loop.
   * @defaultValue min(slots, 8)
   */
  fetchers?: number;
}

/**
 * The new system's pull-based scheduler: it asks BullMQ for the next job only after the
 * resource monitor granted a slot (free slot, memory not critical, stagger passed). BullMQ
 * keeps priority order (FIFO within a priority); locks of running jobs are renewed here,
 * and a job whose worker died is redelivered by BullMQ's stalled check.
 */
export class NewSystemScheduler {
  private worker: Worker<WorkOrderJobData> | null = null;
  private readonly held = new Map<
    string,
    { job: Job<WorkOrderJobData>; token: string; done: Promise<void> }
  >();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  /** Woken when the blocking fetcher got a job: there may be more for the others. */
  private readonly jobsArrived = new EventTarget();
  private lockTimer: NodeJS.Timeout | null = null;
  private tokenCounter = 0;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly monitor: ResourceMonitor,
    private readonly executor: OrderExecutor,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {}

  async start(): Promise<void> {
    const worker = new Worker<WorkOrderJobData>(QUEUE_NAMES.newSystem, null, {
      connection: this.connection,
      prefix: this.prefix,
      autorun: false,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs,
      // The state machine counts attempts; BullMQ must keep redelivering stalled jobs to us.
      maxStalledCount: 1_000,
      drainDelay: 1,
    });
    worker.on("error", (error) => this.logger.error({ err: error }, "new-system worker error"));
    this.worker = worker;
    await worker.waitUntilReady();
    await worker.startStalledCheckTimer();
    this.monitor.start();
    this.lockTimer = setInterval(
      () => void this.renewLocks(),
      Math.max(100, this.options.lockDurationMs / 3),
    );
    const fetchers = this.monitor.snapshot().slotsTotal;
    const count = this.options.fetchers ?? (this.monitor.staggered ? 1 : Math.min(fetchers, 8));
    this.loop = Promise.all(Array.from({ length: count }, (_, i) => this.claimLoop(worker, i === 0))).then(
      () => {},
    );
  }

  get inFlight(): number {
    return this.held.size;
  }

  /**
   * The leader blocks on an empty queue (one blocking call per worker connection); followers
   * fetch without blocking and, when the queue is empty, wait for the leader to see work.
   */
  private async claimLoop(worker: Worker<WorkOrderJobData>, leader: boolean): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.monitor.acquire(signal);
      } catch {
        break;
      }
      const token = `${this.options.workerId}:${this.tokenCounter++}`;
      let job: Job<WorkOrderJobData> | undefined;
      try {
        job = await worker.getNextJob(token, { block: leader });
      } catch (error) {
        this.monitor.release();
        if (signal.aborted) break;
        this.logger.error({ err: error }, "fetching the next job failed; retrying in 1 s");
        await sleep(1000);
        continue;
      }
      if (!job) {
        this.monitor.release();
        if (!leader) await this.waitForArrivals(signal);
        continue;
      }
      if (leader) this.jobsArrived.dispatchEvent(new Event("job"));
      const startedAt = new Date();
      this.monitor.markStarted(startedAt.getTime());
      if (signal.aborted) {
        await this.giveBack(job, token);
        break;
      }
      this.track(job, token, startedAt);
    }
  }

  private waitForArrivals(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.jobsArrived.removeEventListener("job", done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, 1_000);
      this.jobsArrived.addEventListener("job", done, { once: true });
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private track(job: Job<WorkOrderJobData>, token: string, startedAt: Date): void {
    const { workOrderId } = job.data;
    const id = job.id ?? workOrderId;
    const done = this.executor
      .handle(workOrderId, startedAt, attemptOfJob(job.id, workOrderId))
      .then(
        () => this.complete(job, token),
        (error: unknown) => {
          // A refused write is settled in Postgres already; anything else (the database stayed
          // unreachable past the write deadline) fails the job, which the reconciler reads as
          // "nobody holds this order" and settles it — never a completed job over an open order.
          if (isDomainError(error)) return this.complete(job, token);
          this.logger.error(
            { err: error, workOrderId },
            "work order handling failed; left to the reconciler",
          );
          return this.fail(job, token, error);
        },
      )
      .finally(() => this.held.delete(id));
    this.held.set(id, { job, token, done });
  }

  private async fail(job: Job<WorkOrderJobData>, token: string, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error : new Error(String(error));
    await job
      .moveToFailed(reason, token, false)
      .catch((failure: unknown) =>
        this.logger.warn(
          { err: failure, workOrderId: job.data.workOrderId },
          "could not fail the job in BullMQ",
        ),
      );
    this.monitor.release();
  }

  /**
   * Ends the job in BullMQ. When the monitor would grant the slot again right away, the same
   * call takes the next job for it (as BullMQ's own workers do): one Redis round trip per order
   * instead of two.
   */
  private async complete(job: Job<WorkOrderJobData>, token: string): Promise<void> {
    const worker = this.worker;
    const handOver = worker !== null && !this.stopping.signal.aborted && this.monitor.canHandOver();
    let next: Job<WorkOrderJobData> | null = null;
    try {
      const fetched = await job.moveToCompleted(null, token, handOver);
      const [jobData, jobId] = Array.isArray(fetched) ? (fetched as [JobJson | undefined, string]) : [];
      // Built as BullMQ's worker builds it; this queue has no repeatable jobs, so none of the
      // job-scheduler bookkeeping BullMQ does for those is skipped here.
      if (worker && jobData && jobId) next = Job.fromJSON<WorkOrderJobData>(worker, jobData, jobId);
    } catch (error) {
      // Postgres already holds the outcome; a lost lock (Redis flushed, job stalled) only ends the job.
      this.logger.debug(
        { err: error, workOrderId: job.data.workOrderId },
        "could not finish the job in BullMQ",
      );
    }
    if (!next) {
      this.monitor.release();
      return;
    }
    next.token = token;
    if (this.stopping.signal.aborted) {
      await this.giveBack(next, token);
      return;
    }
    const startedAt = new Date();
    this.monitor.markStarted(startedAt.getTime());
    this.track(next, token, startedAt);
  }

  /** A job taken while stopping: back to the queue for another worker, and its slot freed. */
  private async giveBack(job: Job<WorkOrderJobData>, token: string): Promise<void> {
    await job.moveToWait(token).catch(() => {});
    this.monitor.release();
  }

  private async renewLocks(): Promise<void> {
    if (!this.worker || this.held.size === 0) return;
    const entries = [...this.held.values()];
    try {
      await this.worker.extendJobLocks(
        entries.map((e) => e.job.id ?? ""),
        entries.map((e) => e.token),
        this.options.lockDurationMs,
      );
    } catch (error) {
      this.logger.warn({ err: error }, "renewing job locks failed");
    }
  }

  /**
   * Stops claiming, lets running orders finish until the deadline, then hands back the rest:
   * their attempts are interrupted and rescheduled as a retry that does not use up an attempt,
   * so another worker picks them up.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping.abort();
    await this.loop;
    const running = () => Promise.all([...this.held.values()].map((e) => e.done));
    const finished = await Promise.race([running().then(() => true), sleep(deadlineMs).then(() => false)]);
    if (!finished) {
      this.logger.warn({ orders: this.held.size }, "shutdown deadline: handing back running orders");
      this.executor.handBackAll();
      await running();
    }
    if (this.lockTimer) clearInterval(this.lockTimer);
    this.monitor.stop();
    await this.worker?.close();
    this.worker = null;
  }
}
