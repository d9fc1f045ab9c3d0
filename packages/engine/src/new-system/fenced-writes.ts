import { isDomainError, type WorkOrderState } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { type OrderMetrics, recordLandedWrite } from "../metrics/order-metrics.ts";
import { writeUntilLanded } from "../shared/write-until-landed.ts";
import type { TransitionBatcher } from "../work-orders/transition-batcher.ts";
import {
  RETURNED_COLUMNS,
  type TransitionedOrder,
  type TransitionFields,
  type TransitionRequest,
} from "../work-orders/transition-writer.ts";
import { asSubmitted } from "./submitted-at.ts";

export interface FencedWritesDeps {
  prisma: PrismaClient;
  transitions: TransitionBatcher;
  logger: Logger;
  workerId: string;
  /** How long a write is retried through database faults before it is given up. */
  writeRetryMs: number;
  metrics?: OrderMetrics | undefined;
}

/** What a worker's write of one attempt may carry besides its event. */
export interface AttemptWrite {
  attempt?: number;
  failOutcome?: "retry" | "fail";
  set?: TransitionFields;
  metadata?: Record<string, unknown>;
  attemptRow?: Record<string, unknown>;
}

/** Claims, RETRY and finishing writes refused by a guard: the order moved on without us. */
const REFUSED = new Set(["TRANSITION_CONFLICT", "WORK_ORDER_NOT_FOUND", "STALE_ATTEMPT"]);

const RETURNED_SELECT = Object.fromEntries(RETURNED_COLUMNS.map((c) => [c, true])) as Record<
  (typeof RETURNED_COLUMNS)[number],
  true
>;

/**
 * A worker's state writes: every one guarded by state and by the attempt it belongs to (the
 * fencing token), and retried through database faults until it lands (writeUntilLanded).
 */
export class FencedWrites {
  constructor(private readonly deps: FencedWritesDeps) {}

  /**
   * Claims a PENDING order (CLAIM + READY, attempts + 1) into RUNNING; null when it is not
   * PENDING (at the expected attempt count).
   */
  async claim(
    workOrderId: string,
    startedAt: Date,
    expectAttempts?: number,
  ): Promise<TransitionedOrder | null> {
    let retried = false;
    try {
      const { order } = await writeUntilLanded(
        () =>
          this.deps.transitions.apply({
            workOrderId,
            from: "PENDING",
            event: "CLAIM",
            // Nothing to prepare before the sandbox runs: READY is written with the claim, as its
            // own transition row, saving a round trip per order.
            followedBy: ["READY"],
            incrementAttempts: true,
            ...(expectAttempts === undefined ? {} : { expectAttempts }),
            actor: `worker:${this.deps.workerId}`,
            workerId: this.deps.workerId,
            set: { workerId: this.deps.workerId, startedAt },
          }),
        this.retryOptions(workOrderId, () => {
          retried = true;
        }),
      );
      return order;
    } catch (error) {
      if (!isDomainError(error) || !REFUSED.has(error.code)) throw error;
      // A try whose commit landed but whose answer was lost looks like a refusal on the next try.
      return retried ? this.claimThatLanded(workOrderId, startedAt) : null;
    }
  }

  /** The order while it is in flight at this attempt (what recovery settles), else null. */
  findInFlight(workOrderId: string, attempt: number): Promise<TransitionedOrder | null> {
    return this.deps.prisma.workOrder.findFirst({
      where: { id: workOrderId, state: { in: ["PREPARING", "RUNNING"] }, attempts: attempt },
      select: RETURNED_SELECT,
    });
  }

  /**
   * One event of one attempt (RETRY, COMPLETE, FAIL, CANCEL), fenced by that attempt. Nothing is
   * read back: a completion's statement returns only whether it moved the order.
   */
  async write(
    order: TransitionedOrder,
    from: WorkOrderState,
    event: TransitionRequest["event"],
    extra: AttemptWrite,
  ): Promise<void> {
    const attempt = extra.attempt ?? order.attempts;
    const request: TransitionRequest = {
      workOrderId: order.id,
      from,
      event,
      attempt,
      expectAttempts: attempt,
      actor: `worker:${this.deps.workerId}`,
      workerId: this.deps.workerId,
      ...(extra.failOutcome ? { failOutcome: extra.failOutcome } : {}),
      ...(extra.set ? { set: extra.set } : {}),
      ...(extra.metadata ? { metadata: extra.metadata } : {}),
      ...(extra.attemptRow ? { attemptRow: extra.attemptRow } : {}),
    };
    try {
      await writeUntilLanded(() => this.deps.transitions.write(request), this.retryOptions(order.id));
      recordLandedWrite(this.deps.metrics, { order: asSubmitted(order), event, ...extra });
    } catch (error) {
      if (isDomainError(error))
        this.deps.logger.warn({ workOrderId: order.id, code: error.code }, error.message);
      throw error;
    }
  }

  /** The order when our own claim (this worker, this start time) is what the database holds. */
  private async claimThatLanded(workOrderId: string, startedAt: Date): Promise<TransitionedOrder | null> {
    const order = await this.deps.prisma.workOrder.findUnique({
      where: { id: workOrderId },
      select: RETURNED_SELECT,
    });
    const ours =
      order?.state === "RUNNING" &&
      order.workerId === this.deps.workerId &&
      order.startedAt?.getTime() === startedAt.getTime();
    return ours ? order : null;
  }

  private retryOptions(workOrderId: string, onRetry?: () => void) {
    return {
      deadlineMs: this.deps.writeRetryMs,
      onRetry: (error: unknown, tries: number, delayMs: number) => {
        onRetry?.();
        this.deps.logger.warn({ err: error, workOrderId, tries, delayMs }, "state write failed; retrying");
      },
    };
  }
}
