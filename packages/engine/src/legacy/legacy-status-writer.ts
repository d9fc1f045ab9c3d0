import type { LegacyStatus } from "@qmc/core";
import type { Prisma, PrismaClient } from "@qmc/db";

export type LegacyFields = Pick<
  Prisma.LegacyWorkOrderUpdateManyMutationInput,
  "startedAt" | "finishedAt" | "workerId" | "exitCode" | "outputDigest" | "output" | "errorMessage"
>;

/**
 * The legacy system's status change, guarded like the new one's (`WHERE status = <from>`)
 * with its history row, in one transaction. Returns false when the order was not in `from`
 * (already moved on, or migrated to the new system).
 */
export async function setLegacyStatus(
  prisma: PrismaClient,
  workOrderId: string,
  from: LegacyStatus,
  to: LegacyStatus,
  workerId: string,
  fields: LegacyFields = {},
): Promise<boolean> {
  const at = new Date();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.legacyWorkOrder.updateMany({
      where: { id: workOrderId, status: from, migratedAt: null },
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
    return true;
  });
}
