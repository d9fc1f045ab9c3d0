import { DomainError, isDomainError, planTransition } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { cancelRequestChannel, type Redis } from "@qmc/transport";
import { type OrderMetrics, recordLandedWrite } from "../metrics/order-metrics.ts";
import { asSubmitted } from "../new-system/submitted-at.ts";
import { jobIdForAttempt, type SystemQueues } from "../queues/system-queues.ts";
import { applyTransition } from "./transition-batcher.ts";

export interface CancelDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  /** Connection used to publish the cancel signal to workers. */
  publisher: Redis;
  queuePrefix: string;
  /** Counts an order cancelled here (a running one is counted by the worker that stops it). */
  metrics?: OrderMetrics | undefined;
}

export type CancelResult =
  | { workOrderId: string; outcome: "cancelled" }
  /** Running somewhere: the worker holding it kills it and records CANCELLED. */
  | { workOrderId: string; outcome: "cancel-requested" };

/**
 * Cancels a new-system order. Waiting orders (PENDING, WAITING_RETRY) are cancelled here with a
 * guarded transition; in-flight ones (PREPARING, RUNNING) get `cancelRequestedAt` and a signal
 * on the cancel channel, and the worker running them kills the sandbox. Terminal orders refuse
 * with INVALID_TRANSITION naming their state, and so do legacy orders (legacy cannot cancel).
 */
export async function cancelWorkOrder(
  deps: CancelDeps,
  workOrderId: string,
  actor: string,
): Promise<CancelResult> {
  for (let tries = 0; tries < 3; tries++) {
    const order = await deps.prisma.workOrder.findUnique({ where: { id: workOrderId } });
    if (!order) throw await notCancellableHere(deps.prisma, workOrderId);
    planTransition(order.state, "CANCEL"); // throws a typed error for terminal states
    try {
      if (order.state === "PENDING" || order.state === "WAITING_RETRY") {
        await applyTransition(deps.prisma, {
          workOrderId,
          from: order.state,
          event: "CANCEL",
          attempt: order.attempts,
          actor,
          set: { finishedAt: new Date(), cancelRequestedAt: new Date(), nextRetryAt: null },
          metadata: { requestedBy: actor },
        });
        recordLandedWrite(deps.metrics, { order: asSubmitted(order), event: "CANCEL" });
        // Best effort: a job left behind finds the order CANCELLED and does nothing.
        await deps.queues.newSystem.remove(jobIdForAttempt(workOrderId, order.attempts + 1)).catch(() => 0);
        return { workOrderId, outcome: "cancelled" };
      }
      return await requestRunningCancel(deps, workOrderId, actor);
    } catch (error) {
      // The order moved between our read and our write (claimed, finished): look again.
      if (isDomainError(error) && error.code === "TRANSITION_CONFLICT") continue;
      throw error;
    }
  }
  throw new DomainError(
    "TRANSITION_CONFLICT",
    `Work order ${workOrderId} kept changing; try the cancel again.`,
    {
      workOrderId,
    },
  );
}

/** An order the new system does not have: legacy's (which cannot cancel), or nobody's. */
async function notCancellableHere(prisma: PrismaClient, workOrderId: string): Promise<DomainError> {
  const legacy = await prisma.legacyWorkOrder.findUnique({
    where: { id: workOrderId },
    select: { id: true },
  });
  if (legacy) {
    return new DomainError(
      "INVALID_TRANSITION",
      `Work order ${workOrderId} runs in the legacy system, which cannot cancel orders; it will finish there.`,
      { workOrderId, system: "LEGACY", validEvents: [] },
    );
  }
  return new DomainError("WORK_ORDER_NOT_FOUND", `Work order ${workOrderId} does not exist.`, {
    workOrderId,
  });
}

async function requestRunningCancel(
  deps: CancelDeps,
  workOrderId: string,
  actor: string,
): Promise<CancelResult> {
  const at = new Date();
  const marked = await deps.prisma.$transaction(async (tx) => {
    const updated = await tx.workOrder.updateMany({
      where: { id: workOrderId, state: { in: ["PREPARING", "RUNNING"] } },
      data: { cancelRequestedAt: at },
    });
    if (updated.count === 1) {
      await tx.auditEvent.create({
        data: {
          at,
          actor,
          action: "work_order.cancel_requested",
          subjectType: "WorkOrder",
          subjectId: workOrderId,
        },
      });
    }
    return updated.count === 1;
  });
  if (!marked) {
    throw new DomainError(
      "TRANSITION_CONFLICT",
      `Work order ${workOrderId} finished before the cancel arrived.`,
      {
        workOrderId,
      },
    );
  }
  await cancelRequestChannel(deps.queuePrefix).publish(deps.publisher, { workOrderId });
  return { workOrderId, outcome: "cancel-requested" };
}
