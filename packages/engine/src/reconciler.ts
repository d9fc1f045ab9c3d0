import type { QueueSystem } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { Queue } from "bullmq";
import { setLegacyStatus } from "./legacy/legacy-status-writer.ts";
import type { OrderExecutor } from "./new-system/order-executor.ts";
import {
  jobIdForAttempt,
  jobOptions,
  type SystemQueues,
  type WorkOrderJobData,
} from "./queues/system-queues.ts";

export interface ReconcilerOptions {
  workerId: string;
  intervalMs: number;
  /** Orders younger than this are left alone: their submit may be between commit and enqueue. */
  graceMs: number;
  /** Orders looked at per pass and per kind of repair. */
  batchSize: number;
  isWorkerAlive: (workerId: string) => Promise<boolean>;
}

export interface ReconcileReport {
  reenqueued: number;
  recovered: number;
}

/**
 * Heals the gap between Postgres (the truth) and Redis (transport): an order that should have
 * a job but has none — a crash between commit and enqueue, a Redis restart or FLUSHALL — gets
 * it back (same job id, so a race with a live enqueue is harmless); an in-flight order whose
 * worker died and whose job is gone fails as STALLED. Safe to run in every worker at once.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly queues: SystemQueues,
    private readonly executor: OrderExecutor,
    private readonly logger: Logger,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pass ??= this.reconcileOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, "reconcile pass failed"))
        .finally(() => {
          this.pass = null;
        });
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }

  async reconcileOnce(): Promise<ReconcileReport> {
    const before = new Date(Date.now() - this.options.graceMs);
    const take = this.options.batchSize;
    const report: ReconcileReport = { reenqueued: 0, recovered: 0 };

    const waiting = await this.prisma.workOrder.findMany({
      where: { state: { in: ["PENDING", "WAITING_RETRY"] }, updatedAt: { lt: before } },
      orderBy: { updatedAt: "asc" },
      take,
    });
    for (const order of waiting) {
      const attempt = order.attempts + 1;
      const delayMs = order.state === "WAITING_RETRY" ? (order.nextRetryAt?.getTime() ?? 0) - Date.now() : 0;
      if (await this.ensureJob("NEW", order.id, order.kind, attempt, order.priority, delayMs))
        report.reenqueued++;
    }

    const queued = await this.prisma.legacyWorkOrder.findMany({
      where: { status: "queued", migratedAt: null, updatedAt: { lt: before } },
      orderBy: { updatedAt: "asc" },
      take,
    });
    for (const order of queued) {
      if (await this.ensureJob("LEGACY", order.id, order.kind, 1, order.priority, 0)) report.reenqueued++;
    }

    report.recovered += await this.recoverNewInFlight(before, take);
    report.recovered += await this.recoverLegacyInFlight(before, take);
    if (report.reenqueued || report.recovered) this.logger.info(report, "reconciled");
    return report;
  }

  private async recoverNewInFlight(before: Date, take: number): Promise<number> {
    const inFlight = await this.prisma.workOrder.findMany({
      where: { state: { in: ["PREPARING", "RUNNING"] }, updatedAt: { lt: before } },
      take,
    });
    let recovered = 0;
    for (const order of inFlight) {
      if (order.workerId && (await this.options.isWorkerAlive(order.workerId))) continue;
      const state = await this.queues.newSystem.getJobState(jobIdForAttempt(order.id, order.attempts));
      if (state === "active" || state === "waiting" || state === "prioritized") continue; // BullMQ redelivers it
      await this.executor.recoverInFlight(order).then(
        () => recovered++,
        (error: unknown) => this.logger.warn({ err: error, workOrderId: order.id }, "recovery lost a race"),
      );
    }
    return recovered;
  }

  private async recoverLegacyInFlight(before: Date, take: number): Promise<number> {
    const inFlight = await this.prisma.legacyWorkOrder.findMany({
      where: { status: { in: ["building", "running"] }, updatedAt: { lt: before } },
      take,
    });
    let recovered = 0;
    for (const order of inFlight) {
      if (order.workerId && (await this.options.isWorkerAlive(order.workerId))) continue;
      const state = await this.queues.legacy.getJobState(order.id);
      if (state === "active" || state === "waiting" || state === "prioritized") continue;
      const status = order.status as "building" | "running";
      const failed = await setLegacyStatus(this.prisma, order.id, status, "failed", this.options.workerId, {
        finishedAt: new Date(),
        errorMessage: `worker ${order.workerId ?? "?"} stopped while the order was ${status}`,
      });
      if (failed) recovered++;
    }
    return recovered;
  }

  /** Adds the job when Redis has no live copy of it. Returns true when it (re)added one. */
  private async ensureJob(
    system: QueueSystem,
    workOrderId: string,
    kind: string,
    attempt: number,
    priority: number,
    delayMs: number,
  ): Promise<boolean> {
    const queue: Queue<WorkOrderJobData> = this.queues.of(system);
    const jobId = jobIdForAttempt(workOrderId, attempt);
    const state = await queue.getJobState(jobId);
    if (state !== "unknown" && state !== "completed" && state !== "failed") return false;
    if (state !== "unknown") await queue.remove(jobId);
    await queue.add(kind, { workOrderId }, jobOptions(workOrderId, attempt, priority, delayMs));
    return true;
  }
}
