import { isTaskKind, TASK_CATALOG } from "@qmc/core";
import type { Prisma, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { jobOptions, type SystemQueues } from "../queues/system-queues.ts";
import { MIGRATE_LEGACY_ORDERS_SQL, type MovedOrderRow } from "./migration-sql.ts";

/** A queued legacy order as the run pages through them. */
export interface LegacyCandidate {
  id: string;
  kind: string;
  priority: number;
  submittedAt: Date;
}

/** What one batch did; `processed` is every candidate looked at. */
export interface BatchCounts {
  processed: number;
  moved: number;
  skipped: number;
  failed: number;
}

export interface BatchDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  logger: Logger;
}

export interface BatchContext {
  runId: string;
  actor: string;
  reason: string;
}

/** Saves the run's progress inside the batch's transaction, so counts never disagree with the moves. */
export type SaveProgress = (tx: Prisma.TransactionClient, counts: BatchCounts) => Promise<unknown>;

/**
 * Moves one page of queued legacy orders: (a) takes each job out of the legacy queue so legacy
 * cannot start it — BullMQ refuses for a job a legacy worker holds, and that order stays in
 * legacy (skipped); (b) moves the removable ones in one guarded statement, committed with the
 * run's progress; (c) enqueues the moved ones on the new system. An order of a kind the catalog
 * no longer knows cannot run in the new system: it stays in legacy and counts as failed, as does
 * one whose id a new-system order already uses.
 */
export async function migrateBatch(
  deps: BatchDeps,
  context: BatchContext,
  page: LegacyCandidate[],
  saveProgress: SaveProgress,
): Promise<BatchCounts> {
  const runnable = page.filter((o) => isTaskKind(o.kind));
  const failed = page.length - runnable.length;
  for (const order of page.filter((o) => !isTaskKind(o.kind))) {
    deps.logger.warn({ workOrderId: order.id, kind: order.kind }, "unknown task kind; left in legacy");
  }

  const removed = await removeLegacyJobs(deps, runnable);
  const lockedCount = runnable.length - removed.length;

  let result: { moved: MovedOrderRow[]; stuck: LegacyCandidate[] };
  try {
    result = await deps.prisma.$transaction(
      async (tx) => {
        const moved = await tx.$queryRawUnsafe<MovedOrderRow[]>(
          MIGRATE_LEGACY_ORDERS_SQL,
          JSON.stringify(removed.map((o) => ({ id: o.id, maxAttempts: maxAttemptsOf(o.kind) }))),
          new Date().toISOString(),
          context.actor,
          context.runId,
          context.reason,
          removed.map((o) => o.id),
        );
        const stuck = await stillQueued(tx, removed, moved);
        // Removed but not moved, and no longer queued: legacy claimed it between our read and
        // the guard. It needs no legacy job back, and it is skipped like a held one.
        const skipped = lockedCount + (removed.length - moved.length - stuck.length);
        const counts = {
          processed: page.length,
          moved: moved.length,
          skipped,
          failed: failed + stuck.length,
        };
        await saveProgress(tx, counts);
        return { moved, stuck };
      },
      { timeout: 30_000 },
    );
  } catch (error) {
    // Nothing moved: give the still-queued orders their legacy jobs back (the reconciler would
    // too, later). Harmless if the commit did happen: legacy ignores migrated orders.
    await addJobs(deps, "LEGACY", removed);
    throw error;
  }

  const { moved, stuck } = result;
  await removeLegacyJobsGivenBack(deps, context, moved);
  await addJobs(deps, "LEGACY", stuck);
  await addJobs(deps, "NEW", moved);
  const failedTotal = failed + stuck.length;
  return {
    processed: page.length,
    moved: moved.length,
    skipped: page.length - failedTotal - moved.length,
    failed: failedTotal,
  };
}

/**
 * Orders the guard refused although they are still queued: only an id already used by a
 * new-system order does that. They stay in legacy (failed, for an operator to look at) and get
 * their legacy job back.
 */
async function stillQueued(
  tx: Prisma.TransactionClient,
  removed: LegacyCandidate[],
  moved: MovedOrderRow[],
): Promise<LegacyCandidate[]> {
  if (moved.length === removed.length) return [];
  const movedIds = new Set(moved.map((o) => o.id));
  const candidates = removed.filter((o) => !movedIds.has(o.id));
  const rows = await tx.legacyWorkOrder.findMany({
    where: { id: { in: candidates.map((o) => o.id) }, status: "queued", migratedAt: null },
    select: { id: true },
  });
  const ids = new Set(rows.map((r) => r.id));
  return candidates.filter((o) => ids.has(o.id));
}

function maxAttemptsOf(kind: string): number {
  return isTaskKind(kind) ? TASK_CATALOG[kind].retryPolicy.maxAttempts : 1;
}

/**
 * Removes the legacy jobs (job id = order id) and returns the orders whose job is gone now. A
 * missing job counts as gone: BullMQ reports it removed, and only a re-enqueue could bring it
 * back, which the database guard stops. A Redis error fails the batch after restoring the jobs
 * already removed, so no queued order is left without one.
 */
async function removeLegacyJobs(deps: BatchDeps, orders: LegacyCandidate[]): Promise<LegacyCandidate[]> {
  const results = await Promise.allSettled(orders.map((o) => deps.queues.legacy.remove(o.id)));
  const removed = orders.filter((_, i) => {
    const result = results[i];
    return result?.status === "fulfilled" && result.value === 1;
  });
  const error = results.find((r) => r.status === "rejected");
  if (error) {
    await addJobs(deps, "LEGACY", removed);
    throw error.reason;
  }
  return removed;
}

/**
 * Between taking the legacy jobs away and the commit, the orders still read as queued without a
 * job, and a reconciler pass may have given them their legacy job back. The move is committed
 * now, so those jobs are strays: remove them again. (A reconciler adding one after this sees the
 * move when it checks the order again, and removes its own.) Best effort: what a Redis error
 * leaves, the reconciler's stray sweep removes.
 */
async function removeLegacyJobsGivenBack(
  deps: BatchDeps,
  context: BatchContext,
  moved: MovedOrderRow[],
): Promise<void> {
  if (!moved.length) return;
  try {
    const queue = deps.queues.legacy;
    const jobs = await Promise.all(moved.map((o) => queue.getJob(o.id)));
    const back = moved.filter((_, i) => jobs[i] !== undefined);
    if (!back.length) return;
    await Promise.all(back.map((o) => queue.remove(o.id)));
    for (const order of back) {
      deps.logger.info(
        { workOrderId: order.id, system: "LEGACY", runId: context.runId },
        "removed a legacy job given back to an order this batch moved",
      );
    }
  } catch (error) {
    deps.logger.warn({ err: error }, "removing legacy jobs of moved orders failed; the reconciler will");
  }
}

/** Best effort: a failed enqueue is only logged, the reconciler adds missing jobs of both systems. */
async function addJobs(
  deps: BatchDeps,
  system: "LEGACY" | "NEW",
  orders: Pick<LegacyCandidate, "id" | "kind" | "priority">[],
): Promise<void> {
  if (!orders.length) return;
  const queue = system === "LEGACY" ? deps.queues.legacy : deps.queues.newSystem;
  try {
    await queue.addBulk(
      orders.map((o) => ({
        name: o.kind,
        data: { workOrderId: o.id },
        opts: jobOptions(o.id, 1, o.priority),
      })),
    );
  } catch (error) {
    deps.logger.warn(
      { err: error, system, orders: orders.length },
      "enqueue failed; the reconciler will retry",
    );
  }
}
