import { DomainError, planTransition, type WorkOrderEvent, type WorkOrderState } from "@qmc/core";
import { Prisma, type PrismaClient } from "@qmc/db";

/** Columns a transition may set along with the state. */
export type TransitionFields = Pick<
  Prisma.WorkOrderUpdateManyMutationInput,
  | "attempts"
  | "maxAttempts"
  | "nextRetryAt"
  | "startedAt"
  | "finishedAt"
  | "workerId"
  | "exitCode"
  | "outputDigest"
  | "output"
  | "errorClass"
  | "errorMessage"
  | "cancelRequestedAt"
>;

export interface TransitionRequest {
  workOrderId: string;
  from: WorkOrderState;
  event: WorkOrderEvent;
  /** For FAIL: what the retry decision chose. */
  failOutcome?: "retry" | "fail";
  attempt: number;
  /** Who made the change: a worker id or a user, for the transition row and the audit trail. */
  actor: string;
  workerId?: string | null;
  set?: TransitionFields;
  metadata?: Record<string, unknown>;
}

export interface AppliedTransition {
  workOrderId: string;
  from: WorkOrderState;
  to: WorkOrderState;
  event: WorkOrderEvent;
}

/**
 * One state change as one atomic, guarded write: `UPDATE … WHERE id = ? AND state = <from>`,
 * its transition row and its audit event commit together or not at all. When the guard
 * matches nothing another process changed the order first: that is a TRANSITION_CONFLICT
 * error, never a second terminal state.
 */
export async function applyTransition(
  prisma: PrismaClient,
  request: TransitionRequest,
): Promise<AppliedTransition> {
  const { workOrderId, from, event } = request;
  const { to } = planTransition(from, event, request.failOutcome);
  const at = new Date();
  const metadata = request.metadata ? (request.metadata as Prisma.InputJsonValue) : Prisma.DbNull;
  await prisma.$transaction(async (tx) => {
    const updated = await tx.workOrder.updateMany({
      where: { id: workOrderId, state: from },
      data: { ...request.set, state: to, updatedAt: at },
    });
    if (updated.count !== 1) {
      const current = await tx.workOrder.findUnique({ where: { id: workOrderId }, select: { state: true } });
      throw transitionConflict(workOrderId, from, event, current?.state ?? null);
    }
    await tx.stateTransition.create({
      data: {
        workOrderId,
        fromState: from,
        toState: to,
        event,
        at,
        attempt: request.attempt,
        workerId: request.workerId ?? null,
        metadata,
      },
    });
    await tx.auditEvent.create({
      data: {
        at,
        actor: request.actor,
        action: "work_order.transition",
        subjectType: "WorkOrder",
        subjectId: workOrderId,
        before: { state: from },
        after: {
          state: to,
          event,
          attempt: request.attempt,
          ...(request.metadata ?? {}),
        } as Prisma.InputJsonValue,
      },
    });
  });
  return { workOrderId, from, to, event };
}

function transitionConflict(
  workOrderId: string,
  expected: WorkOrderState,
  event: WorkOrderEvent,
  actual: WorkOrderState | null,
): DomainError {
  if (actual === null) {
    return new DomainError("WORK_ORDER_NOT_FOUND", `Work order ${workOrderId} does not exist.`, {
      workOrderId,
    });
  }
  return new DomainError(
    "TRANSITION_CONFLICT",
    `Work order ${workOrderId} is ${actual}, not ${expected}: another process changed it first, so ${event} was not applied.`,
    { workOrderId, expected, actual, event },
  );
}
