import { setTimeout as sleep } from "node:timers/promises";
import {
  claimRun,
  endOwnedRun,
  handBackRun,
  type RunFence,
  RunOwnershipLost,
  readOwnedRun,
} from "./run-ownership.ts";
import type { RunDeps } from "./run-step.ts";
import { stepFor } from "./run-steps.ts";

export interface ProcessRunOptions {
  workerId: string;
  /** True once this worker is stopping: the run is handed back between two batches. */
  stopping: () => boolean;
}

/** ended: COMPLETED, FAILED or CANCELLED; lost: another worker holds it now. */
export type RunOutcome = "ended" | "not-active" | "handed-back" | "lost";

/**
 * Executes a run batch by batch from its cursor until it is done. Between two batches it checks
 * that it still holds the run, whether an operator asked to cancel (→ CANCELLED) and whether this
 * worker is stopping (→ handed back, QUEUED). A failing batch ends the run FAILED, resumable.
 * Throws only when even that cannot be written (database down): the run stays RUNNING and the
 * next worker to get its job takes it over.
 */
export async function processRun(
  deps: RunDeps,
  runId: string,
  options: ProcessRunOptions,
): Promise<RunOutcome> {
  const claimed = await claimRun(deps.prisma, runId, options.workerId);
  if (!claimed?.ownerToken) return "not-active";
  const fence: RunFence = { runId, token: claimed.ownerToken };
  const log = deps.logger.child({ runId, runType: claimed.type, workerId: options.workerId });
  log.info(
    { processed: claimed.processed, total: claimed.total, cursor: claimed.cursor },
    "background run taken",
  );
  const step = stepFor(claimed.type, deps);
  try {
    for (;;) {
      const run = await readOwnedRun(deps.prisma, fence);
      if (run.cancelRequestedAt) {
        const ended = await endOwnedRun(deps.prisma, fence, "CANCELLED");
        log.info({ processed: ended.processed, by: ended.cancelRequestedBy }, "background run cancelled");
        return "ended";
      }
      if (options.stopping()) {
        await handBackRun(deps.prisma, fence);
        log.info({ processed: run.processed }, "worker stopping: background run handed back");
        return "handed-back";
      }
      const result = await step(run, fence);
      if (result.done) {
        const ended = await endOwnedRun(deps.prisma, fence, "COMPLETED");
        log.info(
          { processed: ended.processed, moved: ended.moved, skipped: ended.skipped },
          "background run done",
        );
        return "ended";
      }
      if (result.retryInMs) await sleep(result.retryInMs);
    }
  } catch (error) {
    if (error instanceof RunOwnershipLost) {
      log.warn("another worker holds the run now; this one stops without writing more");
      return "lost";
    }
    log.error({ err: error }, "background run failed; resumable");
    try {
      await endOwnedRun(deps.prisma, fence, "FAILED", error);
    } catch (endError) {
      if (endError instanceof RunOwnershipLost) return "lost";
      throw endError;
    }
    return "ended";
  }
}
