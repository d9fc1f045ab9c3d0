import {
  decideRetry,
  type ErrorClass,
  isDomainError,
  isTaskKind,
  type RetryDecision,
  TASK_CATALOG,
  type WorkOrderState,
} from "@qmc/core";
import type { PrismaClient, WorkOrder } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { AttemptOutcome, ExecutionManager } from "../execution/execution-manager.ts";
import { jobOptions, type SystemQueues } from "../queues/system-queues.ts";
import { applyTransition, type TransitionFields } from "../work-orders/transition-writer.ts";
import { recordAttempt } from "./attempt-record.ts";

/** Abort reason used at shutdown: the attempt is handed back, not cancelled. */
export const HAND_BACK = "hand-back";

export interface OrderExecutorDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  execution: ExecutionManager;
  logger: Logger;
  workerId: string;
  /** Whether the worker named in an in-flight order is still alive (heartbeat fresh). */
  isWorkerAlive: (workerId: string) => Promise<boolean>;
  random?: () => number;
}

/**
 * Drives one order of the new system through its state machine for one delivered job:
 * RETRY (if due) → CLAIM → READY → run → COMPLETE | FAIL (retry or not) | CANCEL. Every step is
 * a guarded transition, so a duplicate delivery or a lost race changes nothing.
 */
export class OrderExecutor {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: OrderExecutorDeps) {}

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

  /** @param startedAt when the scheduler took the job: the attempt's recorded start. */
  async handle(workOrderId: string, startedAt = new Date()): Promise<void> {
    const order = await this.deps.prisma.workOrder.findUnique({ where: { id: workOrderId } });
    if (!order) {
      this.deps.logger.warn({ workOrderId }, "job for an unknown work order; dropped");
      return;
    }
    const log = this.deps.logger.child({ workOrderId });
    switch (order.state) {
      case "COMPLETED":
      case "FAILED":
      case "CANCELLED":
        log.debug({ state: order.state }, "duplicate delivery of a finished order; ignored");
        return;
      case "PREPARING":
      case "RUNNING":
        return this.recoverInFlight(order);
      case "WAITING_RETRY":
        await this.transition(order, order.state, "RETRY", { set: { nextRetryAt: null } });
        return this.runAttempt({ ...order, state: "PENDING" }, startedAt);
      case "PENDING":
        return this.runAttempt(order, startedAt);
    }
  }

  /**
   * An order found PREPARING/RUNNING when its job is delivered again: the worker that ran it
   * stopped renewing its lock. If that worker is gone, the attempt failed (STALLED).
   */
  async recoverInFlight(order: WorkOrder): Promise<void> {
    if (this.running.has(order.id)) return;
    if (
      order.workerId &&
      order.workerId !== this.deps.workerId &&
      (await this.deps.isWorkerAlive(order.workerId))
    ) {
      this.deps.logger.warn(
        { workOrderId: order.id, owner: order.workerId },
        "owner still alive; not failing",
      );
      return;
    }
    const outcome = {
      status: "failed" as const,
      errorClass: "STALLED" as const,
      errorMessage: `worker ${order.workerId ?? "?"} stopped while the order was ${order.state}`,
      run: null,
    };
    await recordAttempt(
      this.deps.prisma,
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
    );
  }

  private async runAttempt(order: WorkOrder, startedAt: Date): Promise<void> {
    if (order.cancelRequestedAt) {
      await this.transition(order, "PENDING", "CANCEL", { set: { finishedAt: new Date() } });
      return;
    }
    const attempt = order.attempts + 1;
    const controller = new AbortController();
    this.running.set(order.id, controller);
    try {
      await this.transition(order, "PENDING", "CLAIM", {
        attempt,
        set: { attempts: attempt, workerId: this.deps.workerId, startedAt },
      });
      await this.transition(order, "PREPARING", "READY", { attempt });
      const outcome = await this.deps.execution.runAttempt({
        kind: order.kind,
        payload: order.payload,
        seedId: order.shadowOfId ?? order.id,
        attempt,
        signal: controller.signal,
      });
      await recordAttempt(this.deps.prisma, this.attemptFacts(order, attempt, startedAt), outcome);
      await this.finish(order, attempt, outcome, controller.signal);
    } finally {
      this.running.delete(order.id);
    }
  }

  private async finish(order: WorkOrder, attempt: number, outcome: AttemptOutcome, signal: AbortSignal) {
    const run = outcome.run;
    const runFields: TransitionFields = {
      exitCode: run?.exitCode ?? null,
      outputDigest: run?.outputDigest ?? null,
      output: run?.output ?? null,
    };
    if (outcome.status === "succeeded") {
      await this.transition(order, "RUNNING", "COMPLETE", {
        attempt,
        set: { ...runFields, finishedAt: new Date(), errorClass: null, errorMessage: null },
      });
      return;
    }
    if (outcome.status === "cancelled" && signal.reason !== HAND_BACK) {
      await this.transition(order, "RUNNING", "CANCEL", {
        attempt,
        set: { ...runFields, finishedAt: new Date(), errorMessage: "cancelled while running" },
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
      cancelRequested,
    );
  }

  private async finishFailed(
    order: WorkOrder,
    from: WorkOrderState,
    attempt: number,
    errorClass: ErrorClass,
    errorMessage: string,
    runFields: TransitionFields | null,
    cancelRequested = order.cancelRequestedAt !== null,
  ): Promise<void> {
    const decision = this.decide(order, attempt, errorClass, cancelRequested);
    const base = { ...(runFields ?? {}), errorClass, errorMessage };
    const metadata = { errorClass, decision: decision.type };
    if (decision.type === "cancel") {
      await this.transition(order, from, "CANCEL", {
        attempt,
        set: { ...base, finishedAt: new Date() },
        metadata,
      });
      return;
    }
    if (decision.type === "fail") {
      await this.transition(order, from, "FAIL", {
        attempt,
        failOutcome: "fail",
        set: { ...base, finishedAt: new Date() },
        metadata: { ...metadata, reason: decision.reason },
      });
      return;
    }
    await this.transition(order, from, "FAIL", {
      attempt,
      failOutcome: "retry",
      set: { ...base, nextRetryAt: decision.retryAt, maxAttempts: order.maxAttempts },
      metadata: { ...metadata, retryAt: decision.retryAt.toISOString() },
    });
    await this.scheduleRetry(order, decision);
  }

  /** The retry is a delayed BullMQ job; its time is also in Postgres, so the reconciler can rebuild it. */
  private async scheduleRetry(order: WorkOrder, decision: Extract<RetryDecision, { type: "retry" }>) {
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

  private decide(order: WorkOrder, attempt: number, errorClass: ErrorClass, cancelRequested: boolean) {
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
    order: WorkOrder,
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

  private async transition(
    order: WorkOrder,
    from: WorkOrderState,
    event: Parameters<typeof applyTransition>[1]["event"],
    extra: {
      attempt?: number;
      failOutcome?: "retry" | "fail";
      set?: TransitionFields;
      metadata?: Record<string, unknown>;
    },
  ) {
    try {
      return await applyTransition(this.deps.prisma, {
        workOrderId: order.id,
        from,
        event,
        attempt: extra.attempt ?? order.attempts,
        actor: `worker:${this.deps.workerId}`,
        workerId: this.deps.workerId,
        ...(extra.failOutcome ? { failOutcome: extra.failOutcome } : {}),
        ...(extra.set ? { set: extra.set } : {}),
        ...(extra.metadata ? { metadata: extra.metadata } : {}),
      });
    } catch (error) {
      if (isDomainError(error))
        this.deps.logger.warn({ workOrderId: order.id, code: error.code }, error.message);
      throw error;
    }
  }
}
