import {
  decideRetry,
  type ErrorClass,
  isTaskKind,
  type RetryDecision,
  TASK_CATALOG,
  type WorkOrderState,
} from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { AttemptOutcome, ExecutionManager } from "../execution/execution-manager.ts";
import { type OrderMetrics, recordStarted } from "../metrics/order-metrics.ts";
import { jobOptions, type SystemQueues } from "../queues/system-queues.ts";
import type { TransitionBatcher } from "../work-orders/transition-batcher.ts";
import type { TransitionedOrder, TransitionFields } from "../work-orders/transition-writer.ts";
import { attemptRow } from "./attempt-record.ts";
import { FencedWrites } from "./fenced-writes.ts";
import { asSubmitted } from "./submitted-at.ts";

/** Abort reason used at shutdown: the attempt is handed back, not cancelled. */
export const HAND_BACK = "hand-back";

export interface OrderExecutorDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  execution: ExecutionManager;
  /** Writes transitions, grouping concurrent ones into one commit. */
  transitions: TransitionBatcher;
  logger: Logger;
  workerId: string;
  /**
   * How long a state write is retried when the database fails (a cut connection, a restart)
   * before the job is failed and the order left to the reconciler.
   */
  writeRetryMs: number;
  random?: () => number;
  /** Counts starts and outcomes in memory (no I/O on this path). */
  metrics?: OrderMetrics;
}

/**
 * Drives one order of the new system through its state machine for one delivered job:
 * RETRY (if due) → CLAIM → READY → run → COMPLETE | FAIL (retry or not) | CANCEL. Every step is
 * a transition guarded by state and attempt (the fencing token), so a duplicate delivery, a lost
 * race or the late write of a worker that lost the order changes nothing.
 */
export class OrderExecutor {
  /** Orders this executor is handling, with the controller that cancels their attempt. */
  private readonly running = new Map<string, AbortController>();
  /** Orders whose attempt runs here right now (READY → finished). */
  private readonly executing = new Set<string>();

  /** The worker's fenced, retried state writes. */
  private readonly writes: FencedWrites;

  constructor(private readonly deps: OrderExecutorDeps) {
    this.writes = new FencedWrites(deps);
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Operator cancel of an order this worker runs; false when it is not here. */
  cancelRunning(workOrderId: string): boolean {
    const controller = this.running.get(workOrderId);
    controller?.abort("cancel");
    return controller !== undefined;
  }

  /** Shutdown: interrupt every running attempt so it is handed back for another worker. */
  handBackAll(): void {
    for (const controller of this.running.values()) controller.abort(HAND_BACK);
  }

  /**
   * @param startedAt when the scheduler took the job: the attempt's recorded start.
   * @param jobAttempt the attempt the delivered job was enqueued for (from its job id); a job of
   * an attempt the order is no longer at is dropped.
   * The common case — a PENDING order — is claimed straight away in one guarded write; any
   * other state is read and dispatched.
   * @throws when a write could not land before `writeRetryMs`: the job should fail, and the
   * reconciler settles the order.
   */
  async handle(workOrderId: string, startedAt = new Date(), jobAttempt?: number): Promise<void> {
    const controller = new AbortController();
    this.running.set(workOrderId, controller);
    try {
      const expect = jobAttempt === undefined ? undefined : jobAttempt - 1;
      let claimed: TransitionedOrder | null = await this.writes.claim(workOrderId, startedAt, expect);
      let retryDueAt: Date | null = null;
      if (!claimed) {
        const order = await this.deps.prisma.workOrder.findUnique({ where: { id: workOrderId } });
        retryDueAt = order?.nextRetryAt ?? null;
        claimed = order ? await this.dispatch(order, startedAt, jobAttempt) : null;
        if (!order) this.deps.logger.warn({ workOrderId }, "job for an unknown work order; dropped");
      }
      if (!claimed) return;
      recordStarted(this.deps.metrics, asSubmitted(claimed), startedAt, retryDueAt);
      await this.runClaimed(claimed, startedAt, controller.signal);
    } finally {
      this.running.delete(workOrderId);
    }
  }

  /**
   * A delivered job whose order is not PENDING: finished, in flight, or due for retry. A job of
   * another attempt than the order's is stale (its attempt was settled) and dropped.
   */
  private async dispatch(
    order: TransitionedOrder,
    startedAt: Date,
    jobAttempt: number | undefined,
  ): Promise<TransitionedOrder | null> {
    const stale = (forAttempt: number) => {
      if (jobAttempt === undefined || jobAttempt === forAttempt) return false;
      this.deps.logger.debug(
        { workOrderId: order.id, jobAttempt, attempts: order.attempts, state: order.state },
        "job of a settled attempt; dropped",
      );
      return true;
    };
    switch (order.state) {
      case "COMPLETED":
      case "FAILED":
      case "CANCELLED":
        this.deps.logger.debug({ workOrderId: order.id, state: order.state }, "duplicate delivery; ignored");
        return null;
      case "PREPARING":
      case "RUNNING":
        // The job of the running attempt delivered again: its holder lost the lock (died, or
        // stalled past it). BullMQ's lock is the liveness that counts, not the heartbeat.
        if (!stale(order.attempts)) await this.recoverInFlight(order, "its job was delivered again");
        return null;
      case "WAITING_RETRY":
        if (stale(order.attempts + 1)) return null;
        await this.writes.write(order, order.state, "RETRY", { set: { nextRetryAt: null } });
        return this.writes.claim(order.id, startedAt, order.attempts);
      case "PENDING":
        // Lost a race with our own read; try once more.
        return stale(order.attempts + 1) ? null : this.writes.claim(order.id, startedAt, order.attempts);
    }
  }

  /** The order while it is in flight at this attempt (what recovery settles), else null. */
  findInFlight(workOrderId: string, attempt: number): Promise<TransitionedOrder | null> {
    return this.writes.findInFlight(workOrderId, attempt);
  }

  /**
   * Fails the running attempt of an order nobody holds any more (STALLED; retried if attempts
   * are left). Guarded by the attempt, so if its worker finishes after all, one of the two
   * writes is refused. Nothing happens when the attempt runs in this process.
   * @param why what showed the attempt was lost, for the order's error message and the log.
   */
  async recoverInFlight(order: TransitionedOrder, why: string): Promise<void> {
    if (this.executing.has(order.id)) return;
    const outcome = {
      status: "failed" as const,
      errorClass: "STALLED" as const,
      errorMessage: `worker ${order.workerId ?? "?"} stopped while the order was ${order.state} (${why})`,
      run: null,
    };
    const row = attemptRow(
      this.attemptFacts(order, order.attempts, order.startedAt, order.workerId ?? "unknown"),
      outcome,
    );
    await this.finishFailed(
      order,
      order.state,
      order.attempts,
      outcome.errorClass,
      outcome.errorMessage,
      null,
      row,
    );
  }

  private async runClaimed(order: TransitionedOrder, startedAt: Date, signal: AbortSignal): Promise<void> {
    const attempt = order.attempts;
    if (order.cancelRequestedAt) {
      await this.writes.write(order, "RUNNING", "CANCEL", { attempt, set: { finishedAt: new Date() } });
      return;
    }
    this.executing.add(order.id);
    try {
      const outcome = await this.deps.execution.runAttempt({
        kind: order.kind,
        payload: order.payload,
        seedId: order.shadowOfId ?? order.id,
        attempt,
        signal,
      });
      await this.finish(
        order,
        attempt,
        outcome,
        signal,
        attemptRow(this.attemptFacts(order, attempt, startedAt), outcome),
      );
    } finally {
      this.executing.delete(order.id);
    }
  }

  private async finish(
    order: TransitionedOrder,
    attempt: number,
    outcome: AttemptOutcome,
    signal: AbortSignal,
    /** The attempt's ExecutionAttempt row, written with the finishing transition. */
    attemptRow: Record<string, unknown>,
  ) {
    const run = outcome.run;
    const runFields: TransitionFields = {
      exitCode: run?.exitCode ?? null,
      outputDigest: run?.outputDigest ?? null,
      output: run?.output ?? null,
    };
    if (outcome.status === "succeeded") {
      await this.writes.write(order, "RUNNING", "COMPLETE", {
        attempt,
        set: { ...runFields, finishedAt: new Date(), errorClass: null, errorMessage: null },
        attemptRow,
      });
      return;
    }
    if (outcome.status === "cancelled" && signal.reason !== HAND_BACK) {
      await this.writes.write(order, "RUNNING", "CANCEL", {
        attempt,
        set: { ...runFields, finishedAt: new Date(), errorMessage: "cancelled while running" },
        attemptRow,
      });
      return;
    }
    if (outcome.status === "cancelled") {
      const handedBack = { ...order, maxAttempts: order.maxAttempts + 1 };
      await this.finishFailed(
        handedBack,
        "RUNNING",
        attempt,
        "INTERRUPTED",
        "handed back at worker shutdown",
        runFields,
        attemptRow,
      );
      return;
    }
    const cancelRequested = signal.aborted && signal.reason === "cancel";
    await this.finishFailed(
      order,
      "RUNNING",
      attempt,
      outcome.errorClass,
      outcome.errorMessage,
      runFields,
      attemptRow,
      cancelRequested,
    );
  }

  private async finishFailed(
    order: TransitionedOrder,
    from: WorkOrderState,
    attempt: number,
    errorClass: ErrorClass,
    errorMessage: string,
    runFields: TransitionFields | null,
    attemptRow: Record<string, unknown>,
    cancelRequested = order.cancelRequestedAt !== null,
  ): Promise<void> {
    const decision = this.decide(order, attempt, errorClass, cancelRequested);
    const base = { ...(runFields ?? {}), errorClass, errorMessage };
    const metadata = { errorClass, decision: decision.type };
    if (decision.type === "cancel") {
      await this.writes.write(order, from, "CANCEL", {
        attempt,
        set: { ...base, finishedAt: new Date() },
        metadata,
        attemptRow,
      });
      return;
    }
    if (decision.type === "fail") {
      await this.writes.write(order, from, "FAIL", {
        attempt,
        failOutcome: "fail",
        set: { ...base, finishedAt: new Date() },
        metadata: { ...metadata, reason: decision.reason },
        attemptRow,
      });
      return;
    }
    await this.writes.write(order, from, "FAIL", {
      attempt,
      failOutcome: "retry",
      set: { ...base, nextRetryAt: decision.retryAt, maxAttempts: order.maxAttempts },
      metadata: { ...metadata, retryAt: decision.retryAt.toISOString() },
      attemptRow,
    });
    await this.scheduleRetry(order, decision);
  }

  /** The retry is a delayed BullMQ job; its time is also in Postgres, so the reconciler can rebuild it. */
  private async scheduleRetry(order: TransitionedOrder, decision: Extract<RetryDecision, { type: "retry" }>) {
    try {
      await this.deps.queues.newSystem.add(
        order.kind,
        { workOrderId: order.id },
        jobOptions(order.id, decision.nextAttempt, order.priority, decision.delayMs),
      );
    } catch (error) {
      this.deps.logger.warn(
        { err: error, workOrderId: order.id },
        "retry enqueue failed; reconciler will redo it",
      );
    }
  }

  private decide(
    order: TransitionedOrder,
    attempt: number,
    errorClass: ErrorClass,
    cancelRequested: boolean,
  ) {
    const kindPolicy = isTaskKind(order.kind)
      ? TASK_CATALOG[order.kind].retryPolicy
      : TASK_CATALOG.synthetic.retryPolicy;
    return decideRetry({
      policy: { ...kindPolicy, maxAttempts: order.maxAttempts },
      attempt: Math.max(1, attempt),
      errorClass,
      now: new Date(),
      random: this.deps.random ?? Math.random,
      cancelRequested,
    });
  }

  private attemptFacts(
    order: TransitionedOrder,
    attempt: number,
    startedAt: Date | null,
    workerId = this.deps.workerId,
  ) {
    const start = startedAt ?? new Date();
    const queuedSince = order.nextRetryAt ?? order.createdAt;
    return {
      system: "NEW" as const,
      role: order.role,
      workOrderId: order.id,
      attempt: Math.max(1, attempt),
      workerId,
      startedAt: start,
      queuedMs: Math.max(0, start.getTime() - queuedSince.getTime()),
    };
  }
}
