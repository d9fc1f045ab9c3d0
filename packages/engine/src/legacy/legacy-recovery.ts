import type { PrismaClient } from "@qmc/db";
import { type OrderMetrics, recordLegacyFinish } from "../metrics/order-metrics.ts";
import { attemptRow } from "../new-system/attempt-record.ts";
import { setLegacyStatus } from "./legacy-status-writer.ts";

/** The columns of a legacy order that recovery reads. */
export interface StrandedLegacyOrder {
  id: string;
  status: string;
  workerId: string | null;
  startedAt: Date | null;
  submittedAt: Date;
}

/**
 * Fails a legacy order left `building`/`running` by a worker that no longer holds it (legacy
 * has no retries), with the attempt row saying why — both under that worker's claim, so a
 * late finish of the lost worker changes nothing, and nothing changes if it already finished.
 * @param recoveredBy the worker (or reconciler) doing the recovery, named in the history.
 */
export async function failStrandedLegacyOrder(
  prisma: PrismaClient,
  order: StrandedLegacyOrder,
  recoveredBy: string,
  why: string,
  metrics?: OrderMetrics,
): Promise<boolean> {
  if (order.status !== "building" && order.status !== "running") return false;
  const owner = order.workerId ?? "?";
  const errorMessage = `worker ${owner} stopped while the order was ${order.status} (${why})`;
  const startedAt = order.startedAt ?? new Date();
  const row = attemptRow(
    {
      system: "LEGACY",
      role: "PRIMARY",
      workOrderId: order.id,
      attempt: 1,
      workerId: owner,
      startedAt,
      queuedMs: Math.max(0, startedAt.getTime() - order.submittedAt.getTime()),
    },
    { status: "failed", errorClass: "STALLED", errorMessage, run: null },
  );
  const failed = await setLegacyStatus(prisma, order.id, {
    from: order.status,
    to: "failed",
    workerId: recoveredBy,
    ...(order.workerId && order.startedAt
      ? { claim: { workerId: order.workerId, startedAt: order.startedAt } }
      : {}),
    fields: { finishedAt: new Date(), errorMessage },
    attemptRow: row,
  });
  if (failed) recordLegacyFinish(metrics, "failed", row, order.submittedAt);
  return failed;
}
