import { isLegacyStatus } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { QUEUE_NAMES } from "@qmc/transport";
import { type ConnectionOptions, type Job, Worker } from "bullmq";
import type { ExecutionManager } from "../execution/execution-manager.ts";
import type { AttemptRecorder } from "../new-system/attempt-record.ts";
import type { WorkOrderJobData } from "../queues/system-queues.ts";
import { setLegacyStatus } from "./legacy-status-writer.ts";

export interface LegacyProcessorOptions {
  workerId: string;
  /** Fixed number of orders run at once, whatever the host's load (the legacy behaviour). */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/**
 * The legacy system as it was: BullMQ pushes each job straight into execution at a fixed
 * concurrency, with no resource check and no retry. Statuses are free strings:
 * queued → building → running → completed | failed.
 */
export class LegacyProcessor {
  private worker: Worker<WorkOrderJobData> | null = null;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly prisma: PrismaClient,
    private readonly execution: ExecutionManager,
    private readonly attempts: AttemptRecorder,
    private readonly logger: Logger,
    private readonly options: LegacyProcessorOptions,
  ) {}

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
    const order = await this.prisma.legacyWorkOrder.findUnique({ where: { id: workOrderId } });
    const log = this.logger.child({ workOrderId, system: "LEGACY" });
    if (!order || order.migratedAt) return;
    const { workerId } = this.options;
    if (order.status === "building" || order.status === "running") {
      // Delivered again after its worker died: legacy has no retries, the order fails.
      const failed = await setLegacyStatus(this.prisma, workOrderId, order.status, "failed", workerId, {
        finishedAt: new Date(),
        errorMessage: `worker ${order.workerId ?? "?"} stopped while the order was ${order.status}`,
      });
      if (failed) log.warn("stalled legacy order marked failed");
      return;
    }
    if (order.status !== "queued" || !isLegacyStatus(order.status)) return;

    const startedAt = new Date();
    const claimed = await setLegacyStatus(this.prisma, workOrderId, "queued", "building", workerId, {
      startedAt,
      workerId,
    });
    if (!claimed) return;
    await setLegacyStatus(this.prisma, workOrderId, "building", "running", workerId);
    const outcome = await this.execution.runAttempt({
      kind: order.kind,
      payload: order.payload,
      seedId: order.id,
      attempt: 1,
      signal: signal ?? new AbortController().signal,
    });
    const run = outcome.run;
    await this.attempts.record(
      {
        system: "LEGACY",
        role: "PRIMARY",
        workOrderId,
        attempt: 1,
        workerId,
        startedAt,
        queuedMs: startedAt.getTime() - order.submittedAt.getTime(),
      },
      outcome,
    );
    await setLegacyStatus(
      this.prisma,
      workOrderId,
      "running",
      outcome.status === "succeeded" ? "completed" : "failed",
      workerId,
      {
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
    );
  }
}
