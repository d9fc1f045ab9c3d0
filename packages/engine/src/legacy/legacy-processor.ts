import { isLegacyStatus } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { QUEUE_NAMES } from "@qmc/transport";
import { type ConnectionOptions, type Job, Worker } from "bullmq";
import type { ExecutionManager } from "../execution/execution-manager.ts";
import { type OrderMetrics, recordLegacyFinish } from "../metrics/order-metrics.ts";
import { attemptRow } from "../new-system/attempt-record.ts";
import type { WorkOrderJobData } from "../queues/system-queues.ts";
import { failStrandedLegacyOrder } from "./legacy-recovery.ts";
import { type HeldLegacyOrder, LegacyStateWrites, LegacyWriteGaveUp } from "./legacy-state-writes.ts";
import { type LegacyStatusChange, readDeliveredLegacyOrder } from "./legacy-status-writer.ts";

export interface LegacyProcessorOptions {
  workerId: string;
  /** Fixed number of orders run at once, whatever the host's load (the legacy behaviour). */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /**
   * How long each state write (claim, start, finish) is retried through database faults (a cut
   * connection, a restart) before the order is given up: failed, saying what happened.
   */
  writeRetryMs: number;
  /** Counts starts and outcomes in memory (no I/O on this path). */
  metrics?: OrderMetrics;
}

/**
 * The legacy system as it was: BullMQ pushes each job straight into execution at a fixed
 * concurrency, with no resource check and no retry. Statuses are free strings:
 * queued → building → running → completed | failed.
 */
export class LegacyProcessor {
  private worker: Worker<WorkOrderJobData> | null = null;
  private stopping = false;
  private readonly writes: LegacyStateWrites;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly prisma: PrismaClient,
    private readonly execution: ExecutionManager,
    private readonly logger: Logger,
    private readonly options: LegacyProcessorOptions,
  ) {
    this.writes = new LegacyStateWrites({
      prisma,
      logger,
      writeRetryMs: options.writeRetryMs,
      stopping: () => this.stopping,
      metrics: options.metrics,
    });
  }

  async start(): Promise<void> {
    const worker = new Worker<WorkOrderJobData>(
      QUEUE_NAMES.legacy,
      (job, _token, signal) => this.process(job, signal),
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: 1_000,
      },
    );
    worker.on("error", (error) => this.logger.error({ err: error }, "legacy worker error"));
    // A job that fails here left its order in flight: the reconciler fails it; say why it happened.
    worker.on("failed", (job, error) =>
      this.logger.error(
        { err: error, workOrderId: job?.data.workOrderId },
        "legacy job failed; the reconciler will settle its order",
      ),
    );
    this.worker = worker;
    await worker.waitUntilReady();
  }

  /** Phase 4: a retired legacy system takes no more jobs (running ones finish). */
  async pause(): Promise<void> {
    await this.worker?.pause();
  }

  resume(): void {
    this.worker?.resume();
  }

  /** Waits for running orders up to the deadline; what remains stalls and is failed by the next worker. */
  async stop(deadlineMs: number): Promise<void> {
    if (!this.worker) return;
    this.stopping = true;
    const closed = this.worker.close();
    const timedOut = await Promise.race([
      closed.then(() => false),
      new Promise((r) => setTimeout(r, deadlineMs, true)),
    ]);
    if (timedOut) {
      this.logger.warn("legacy shutdown deadline passed; closing with orders still running");
      await this.worker.close(true);
    }
    this.worker = null;
  }

  private async process(job: Job<WorkOrderJobData>, signal?: AbortSignal): Promise<void> {
    const { workOrderId } = job.data;
    const order = await readDeliveredLegacyOrder(this.prisma, workOrderId);
    const log = this.logger.child({ workOrderId, system: "LEGACY" });
    if (!order || order.migratedAt) return;
    const { workerId } = this.options;
    if (order.status === "building" || order.status === "running") {
      // Delivered again: whoever held it lost its lock (died or stalled). Legacy has no retries,
      // so the order fails — under that worker's claim, so a late finish of it changes nothing.
      const failed = await failStrandedLegacyOrder(
        this.prisma,
        order,
        workerId,
        "its job was delivered again",
        this.options.metrics,
      );
      if (failed) log.warn({ owner: order.workerId }, "stalled legacy order marked failed");
      return;
    }
    if (order.status !== "queued" || !isLegacyStatus(order.status)) return;

    const held: HeldLegacyOrder = {
      id: workOrderId,
      submittedAt: order.submittedAt,
      claim: { workerId, startedAt: new Date() },
    };
    const { claim } = held;
    const claimed = await this.landOrFail(held, {
      from: "queued",
      to: "building",
      workerId,
      fields: { startedAt: claim.startedAt, workerId },
    });
    if (!claimed) return;
    const queueWaitMs = claim.startedAt.getTime() - order.submittedAt.getTime();
    this.options.metrics?.record("LEGACY", { type: "started", queueWaitMs });
    if (!(await this.landOrFail(held, { from: "building", to: "running", workerId, claim }))) return;
    const outcome = await this.execution.runAttempt({
      kind: order.kind,
      payload: order.payload,
      seedId: order.id,
      attempt: 1,
      signal: signal ?? new AbortController().signal,
    });
    const run = outcome.run;
    const finish = {
      from: "running",
      to: outcome.status === "succeeded" ? "completed" : "failed",
      workerId,
      claim,
      fields: {
        finishedAt: new Date(),
        exitCode: run?.exitCode ?? null,
        outputDigest: run?.outputDigest ?? null,
        output: run?.output ?? null,
        errorMessage:
          outcome.status === "failed"
            ? outcome.errorMessage
            : outcome.status === "cancelled"
              ? "interrupted"
              : null,
      },
      // Status and attempt row land together: they can never tell different stories.
      attemptRow: attemptRow(
        {
          system: "LEGACY",
          role: "PRIMARY",
          workOrderId,
          attempt: 1,
          workerId,
          startedAt: claim.startedAt,
          queuedMs: claim.startedAt.getTime() - order.submittedAt.getTime(),
        },
        outcome,
      ),
    } as const;
    const written = await this.landOrFail(held, finish);
    if (written) recordLegacyFinish(this.options.metrics, finish.to, finish.attemptRow, order.submittedAt);
    else log.warn("finish refused: the order was failed as stalled while it ran here");
  }

  /**
   * Lands one state write; false when the guard refused it (the order moved on without us). A
   * write the database would not take within `writeRetryMs` gives the order up: it fails with
   * what happened (or, for a claim that never landed, stays queued for its next delivery).
   * @throws the given-up write's error when the worker stops before even that is recorded.
   */
  private async landOrFail(held: HeldLegacyOrder, change: LegacyStatusChange): Promise<boolean> {
    try {
      return await this.writes.land(held, change);
    } catch (error) {
      if (!(error instanceof LegacyWriteGaveUp)) throw error;
      const log = this.logger.child({ workOrderId: held.id, system: "LEGACY" });
      log.error({ err: error.lastError, from: change.from, to: change.to }, error.message);
      try {
        if (await this.writes.failGivenUp(held, error)) log.warn(`order failed: ${error.message}`);
      } catch {
        // Stopping while the database is still away: the job fails and recovery settles the order.
        throw error;
      }
      return false;
    }
  }
}
