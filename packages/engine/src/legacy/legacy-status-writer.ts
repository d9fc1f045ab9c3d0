import type { LegacyStatus } from "@qmc/core";
import type { Prisma, PrismaClient } from "@qmc/db";

export type LegacyFields = Pick<
  Prisma.LegacyWorkOrderUpdateManyMutationInput,
  "startedAt" | "finishedAt" | "workerId" | "exitCode" | "outputDigest" | "output" | "errorMessage"
>;

/**
 * The claim a legacy worker holds on an order: the worker and the moment it took the order.
 * Every later write of that worker is guarded by it, so a worker that lost the order (its job
 * was redelivered and the order failed as stalled) can no longer change it.
 */
export interface LegacyClaim {
  workerId: string;
  startedAt: Date;
}

export interface LegacyStatusChange {
  from: LegacyStatus;
  to: LegacyStatus;
  /** Who writes it (the status history and the audit trail name this worker). */
  workerId: string;
  fields?: LegacyFields;
  /** Applies only while the order is still held by this claim. */
  claim?: LegacyClaim;
  /** The finished attempt's row, written in the same transaction as the status. */
  attemptRow?: Prisma.ExecutionAttemptCreateManyInput;
}

/**
 * The legacy system's status change, guarded like the new one's (`WHERE status = <from>`, and
 * the claim when given) with its history row, audit event and attempt row, in one transaction.
 * Returns false when the order was not in `from` under that claim (already moved on, failed as
 * stalled, or migrated to the new system).
 */
export async function setLegacyStatus(
  prisma: PrismaClient,
  workOrderId: string,
  change: LegacyStatusChange,
): Promise<boolean> {
  const { from, to, workerId, fields = {}, claim, attemptRow } = change;
  const at = new Date();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.legacyWorkOrder.updateMany({
      where: {
        id: workOrderId,
        status: from,
        migratedAt: null,
        ...(claim ? { workerId: claim.workerId, startedAt: claim.startedAt } : {}),
      },
      data: { ...fields, status: to, updatedAt: at },
    });
    if (updated.count !== 1) return false;
    await tx.legacyStatusChange.create({
      data: { workOrderId, fromStatus: from, toStatus: to, at, workerId },
    });
    await tx.auditEvent.create({
      data: {
        at,
        actor: `worker:${workerId}`,
        action: "legacy_work_order.status",
        subjectType: "LegacyWorkOrder",
        subjectId: workOrderId,
        before: { status: from },
        after: { status: to },
      },
    });
    if (attemptRow) await tx.executionAttempt.createMany({ data: [attemptRow], skipDuplicates: true });
    return true;
  });
}
