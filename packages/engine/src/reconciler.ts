import { isTaskKind, type QueueSystem, TASK_CATALOG } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { Redis } from "@qmc/transport";
import type { Queue } from "bullmq";
import { failStrandedLegacyOrder } from "./legacy/legacy-recovery.ts";
import { type JobPresence, jobPresence } from "./liveness/job-presence.ts";
import type { WorkerIncarnations } from "./liveness/worker-incarnations.ts";
import type { OrderMetrics } from "./metrics/order-metrics.ts";
import { removeStrayLegacyJobs } from "./migration/stray-legacy-jobs.ts";
import type { OrderExecutor } from "./new-system/order-executor.ts";
import {
  jobIdForAttempt,
  jobOptions,
  type SystemQueues,
  type WorkOrderJobData,
} from "./queues/system-queues.ts";
import { inStates } from "./work-orders/state-filter.ts";

export interface ReconcilerOptions {
  workerId: string;
  intervalMs: number;
  /** Orders younger than this are left alone: their submit may be between commit and enqueue. */
  graceMs: number;
  /** Orders read (and job states looked up in one Redis round trip) per page. */
  pageSize: number;
  /** Counts the legacy orders it fails (new-system recoveries count in the executor). */
  metrics?: OrderMetrics;
}

export interface ReconcileReport {
  reenqueued: number;
  recovered: number;
  /** Waiting legacy jobs removed because their order is no longer queued in legacy. */
  strayRemoved: number;
}

/** Every waiting or in-flight order, read page by page with an id cursor: none can hide behind others. */
interface Candidate {
  id: string;
  kind: string;
  priority: number;
  /** The attempt whose job should exist. */
  jobAttempt: number;
  workerId: string | null;
  startedAt: Date | null;
}

/**
 * Heals the gap between Postgres (the truth) and Redis (transport), for every order each pass:
 * - a waiting order without a live job (a crash between commit and enqueue, a Redis restart or
 *   FLUSHALL) gets it back, under the same job id, so a race with a live enqueue is harmless;
 * - an in-flight order that nobody holds fails as stalled (legacy) or STALLED and retried (new).
 *   Held means its BullMQ job is active with a lock that its worker keeps renewing; a job still
 *   queued is left to BullMQ, whose next delivery settles it. Only a job Redis lost entirely
 *   falls back on the worker's heartbeat: while the very process that started the attempt is
 *   alive (same incarnation, not merely the same WORKER_ID) and the attempt is within its kind's
 *   timeout, it is still running there.
 * Safe to run in every worker at once: every recovery is a write guarded by state and attempt.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  /** Set by stop(): a pass in progress ends after its current page instead of paging on. */
  private stopping = false;
  private pass: Promise<unknown> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly redis: Redis,
    private readonly queues: SystemQueues,
    private readonly executor: OrderExecutor,
    private readonly incarnations: WorkerIncarnations,
    private readonly logger: Logger,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    this.stopping = false;
    this.timer = setInterval(() => {
      this.pass ??= this.reconcileOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, "reconcile pass failed"))
        .finally(() => {
          this.pass = null;
        });
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }

  async reconcileOnce(): Promise<ReconcileReport> {
    const before = new Date(Date.now() - this.options.graceMs);
    const report: ReconcileReport = { reenqueued: 0, recovered: 0, strayRemoved: 0 };
    report.reenqueued += await this.forEachPage(this.newWaiting(before), "NEW", (c, p) =>
      this.ensureJob("NEW", c, p),
    );
    report.reenqueued += await this.forEachPage(this.legacyQueued(before), "LEGACY", (c, p) =>
      this.ensureJob("LEGACY", c, p),
    );
    report.recovered += await this.forEachPage(this.newInFlight(before), "NEW", (c, p) =>
      this.recoverNew(c, p),
    );
    report.recovered += await this.forEachPage(this.legacyInFlight(before), "LEGACY", (c, p) =>
      this.recoverLegacy(c, p),
    );
    report.strayRemoved = await removeStrayLegacyJobs(
      this.prisma,
      this.queues.legacy,
      this.logger,
      this.options.pageSize,
      () => this.stopping,
    );
    if (report.reenqueued || report.recovered || report.strayRemoved) this.logger.info(report, "reconciled");
    return report;
  }

  /** Reads candidates page by page (id order) and settles each with its job's presence. */
  private async forEachPage(
    read: (after: string | null, take: number) => Promise<Candidate[]>,
    system: QueueSystem,
    settle: (candidate: Candidate, presence: JobPresence) => Promise<boolean>,
  ): Promise<number> {
    const queue: Queue<WorkOrderJobData> = this.queues.of(system);
    let settled = 0;
    for (let cursor: string | null = null; ; ) {
      const page = await read(cursor, this.options.pageSize);
      if (page.length === 0) return settled;
      const presence = await jobPresence(
        this.redis,
        queue,
        page.map((c) => jobIdForAttempt(c.id, c.jobAttempt)),
      );
      for (const [i, candidate] of page.entries()) {
        if (await settle(candidate, presence[i] ?? "missing")) settled++;
      }
      if (page.length < this.options.pageSize || this.stopping) return settled;
      cursor = page[page.length - 1]?.id ?? null;
    }
  }

  private newWaiting(before: Date) {
    return async (after: string | null, take: number): Promise<Candidate[]> => {
      const rows = await this.prisma.workOrder.findMany({
        where: {
          ...inStates(["PENDING", "WAITING_RETRY"]),
          updatedAt: { lt: before },
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take,
        select: { id: true, kind: true, priority: true, attempts: true, state: true, nextRetryAt: true },
      });
      return rows.map((o) => ({
        id: o.id,
        kind: o.kind,
        priority: o.priority,
        jobAttempt: o.attempts + 1,
        workerId: null,
        // For a retry: when it is due (the re-added job is delayed until then).
        startedAt: o.state === "WAITING_RETRY" ? o.nextRetryAt : null,
      }));
    };
  }

  private legacyQueued(before: Date) {
    return async (after: string | null, take: number): Promise<Candidate[]> => {
      const rows = await this.prisma.legacyWorkOrder.findMany({
        where: {
          status: "queued",
          migratedAt: null,
          updatedAt: { lt: before },
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take,
        select: { id: true, kind: true, priority: true },
      });
      return rows.map((o) => ({ ...o, jobAttempt: 1, workerId: null, startedAt: null }));
    };
  }

  private newInFlight(before: Date) {
    return async (after: string | null, take: number): Promise<Candidate[]> => {
      const rows = await this.prisma.workOrder.findMany({
        where: {
          ...inStates(["PREPARING", "RUNNING"]),
          updatedAt: { lt: before },
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take,
        select: { id: true, kind: true, priority: true, attempts: true, workerId: true, startedAt: true },
      });
      return rows.map((o) => ({ ...o, jobAttempt: o.attempts }));
    };
  }

  private legacyInFlight(before: Date) {
    return async (after: string | null, take: number): Promise<Candidate[]> => {
      const rows = await this.prisma.legacyWorkOrder.findMany({
        where: {
          status: { in: ["building", "running"] },
          migratedAt: null,
          updatedAt: { lt: before },
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take,
        select: { id: true, kind: true, priority: true, workerId: true, startedAt: true },
      });
      return rows.map((o) => ({ ...o, jobAttempt: 1 }));
    };
  }

  /** Adds the job when Redis has no live copy of it. Returns true when it (re)added one. */
  private async ensureJob(system: QueueSystem, c: Candidate, presence: JobPresence): Promise<boolean> {
    if (presence === "held" || presence === "queued") return false;
    const queue: Queue<WorkOrderJobData> = this.queues.of(system);
    const jobId = jobIdForAttempt(c.id, c.jobAttempt);
    if (presence === "finished") await queue.remove(jobId);
    const delayMs = c.startedAt ? c.startedAt.getTime() - Date.now() : 0;
    await queue.add(c.kind, { workOrderId: c.id }, jobOptions(c.id, c.jobAttempt, c.priority, delayMs));
    if (system === "LEGACY" && !(await this.stillQueuedInLegacy(c.id))) {
      // The in-flight migration moved it since this pass read it (its job was missing because the
      // run had taken it away): the job just added is a stray. Checked after the add, so a move
      // committed at any point before this read is seen; one committed later removes it itself.
      await queue.remove(jobId);
      this.logger.info(
        { workOrderId: c.id, system, jobId },
        "order moved meanwhile; removed the job re-added",
      );
      return false;
    }
    this.logger.info({ workOrderId: c.id, system, jobId, presence }, "re-enqueued a job Redis did not have");
    return true;
  }

  private async stillQueuedInLegacy(id: string): Promise<boolean> {
    const order = await this.prisma.legacyWorkOrder.findUnique({
      where: { id },
      select: { status: true, migratedAt: true },
    });
    return order?.status === "queued" && order.migratedAt === null;
  }

  /** Why nobody holds an in-flight order, or null while someone may (see the class comment). */
  private async lostBecause(c: Candidate, presence: JobPresence): Promise<string | null> {
    if (presence === "held" || presence === "queued") return null;
    if (presence === "finished") return "its job ended while the order was in flight";
    const timeoutMs = isTaskKind(c.kind) ? TASK_CATALOG[c.kind].timeoutMs : 0;
    const withinTimeout =
      c.startedAt !== null && Date.now() - c.startedAt.getTime() < timeoutMs + this.options.graceMs;
    if (c.workerId && c.startedAt && withinTimeout) {
      const since = await this.incarnations.aliveSince(c.workerId);
      if (since && since.getTime() <= c.startedAt.getTime()) return null;
    }
    return "its job is gone and the worker that started it is not running";
  }

  private async recoverNew(c: Candidate, presence: JobPresence): Promise<boolean> {
    const why = await this.lostBecause(c, presence);
    if (!why) return false;
    const order = await this.executor.findInFlight(c.id, c.jobAttempt);
    if (!order) return false;
    try {
      await this.executor.recoverInFlight(order, why);
    } catch (error) {
      this.logger.warn({ err: error, workOrderId: c.id }, "recovery lost a race");
      return false;
    }
    this.logger.warn({ workOrderId: c.id, system: "NEW", owner: c.workerId, why }, "healed a stranded order");
    return true;
  }

  private async recoverLegacy(c: Candidate, presence: JobPresence): Promise<boolean> {
    const why = await this.lostBecause(c, presence);
    if (!why) return false;
    const order = await this.prisma.legacyWorkOrder.findUnique({
      where: { id: c.id },
      select: { id: true, status: true, workerId: true, startedAt: true, submittedAt: true },
    });
    if (
      !order ||
      !(await failStrandedLegacyOrder(this.prisma, order, this.options.workerId, why, this.options.metrics))
    )
      return false;
    this.logger.warn(
      { workOrderId: c.id, system: "LEGACY", owner: c.workerId, why },
      "healed a stranded order",
    );
    return true;
  }
}
