import type { RunFence } from "../runs/run-ownership.ts";
import { saveProgress } from "../runs/run-ownership.ts";
import type { RunStep } from "../runs/run-step.ts";
import { type BatchDeps, migrateBatch } from "./migration-batch.ts";
import { decodeCursor, encodeCursor, pageWhere, RunFilterSchema } from "./migration-run-filter.ts";
import { countOrdersLegacyTookFirst } from "./unreached-orders.ts";

/**
 * One batch of an in-flight migration run: the next page of its selection after the cursor,
 * oldest first, moved by {@link migrateBatch} with the run's progress saved in the same
 * transaction (so a worker that lost the run rolls its batch back). After the last page, the
 * planned orders it never saw (legacy started them first) count as skipped.
 */
export function inFlightMigrationStep(deps: BatchDeps): RunStep {
  return async (run, fence: RunFence) => {
    const filter = RunFilterSchema.parse(run.filter);
    const page = await deps.prisma.legacyWorkOrder.findMany({
      where: pageWhere(filter, decodeCursor(run.cursor)),
      orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
      select: { id: true, kind: true, priority: true, submittedAt: true },
      take: filter.batchSize,
    });
    const last = page[page.length - 1];
    if (!last) {
      const unreached = await countOrdersLegacyTookFirst(deps.prisma, fence);
      if (unreached) deps.logger.info({ runId: run.id, unreached }, "skipped: legacy started them first");
      return { done: true };
    }
    const cursor = encodeCursor({ submittedAt: last.submittedAt, id: last.id });
    const counts = await migrateBatch(
      deps,
      { runId: run.id, actor: run.actor, reason: run.reason },
      page,
      (tx, delta) => saveProgress(tx, fence, delta, cursor),
    );
    deps.logger.debug({ runId: run.id, cursor, ...counts }, "migration batch done");
    return { done: false };
  };
}
