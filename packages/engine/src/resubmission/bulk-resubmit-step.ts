import { type DomainErrorCode, isDomainError } from "@qmc/core";
import { readOwnedRun, saveProgress } from "../runs/run-ownership.ts";
import type { RunDeps, RunStep } from "../runs/run-step.ts";
import { readBulkFilter, submissionsWhere } from "./bulk-resubmit-filter.ts";
import { resubmitFromAudit } from "./resubmit.ts";

/** How long a bulk run waits when the target queue is full before it tries the batch again. */
const BACKPRESSURE_WAIT_MS = 1_000;

/** A submission today's rules refuse (its kind is gone, its payload no longer valid): counted as failed, the run goes on. */
const REFUSED_SUBMISSION: ReadonlySet<DomainErrorCode> = new Set([
  "AUDIT_EVENT_NOT_RESUBMITTABLE",
  "UNKNOWN_TASK_KIND",
  "INVALID_PAYLOAD",
  "PAYLOAD_TOO_LARGE",
  "INVALID_PRIORITY",
  "COMMAND_NOT_ALLOWED",
]);

/** The idempotency key of one event's re-submission within one run. */
export function bulkKey(runId: string, auditEventId: bigint): string {
  return `bulk:${runId}:${auditEventId}`;
}

/**
 * One batch of a bulk re-submission: the next primary submissions after the cursor, each
 * re-submitted under its own key (a repeat of a key is counted as skipped). Ownership is checked
 * before every order, so a worker that lost the run stops within one order. A full queue
 * (BACKPRESSURE) ends the batch early, saving what was done, and asks to wait.
 */
export function bulkResubmitStep(deps: RunDeps): RunStep {
  return async (run, fence) => {
    const { filter, upToId, batchSize, actorUserId } = readBulkFilter(run.filter);
    const events = await deps.prisma.auditEvent.findMany({
      where: submissionsWhere(filter, upToId, "primary", run.cursor ? BigInt(run.cursor) : undefined),
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true },
    });
    if (!events.length) return { done: true };
    const delta = { processed: 0, moved: 0, skipped: 0, failed: 0 };
    let cursor: bigint | null = null;
    let retryInMs: number | undefined;
    for (const event of events) {
      await readOwnedRun(deps.prisma, fence);
      try {
        const result = await resubmitFromAudit(deps.prisma, deps.queueManager, {
          auditEventId: event.id,
          idempotencyKey: bulkKey(run.id, event.id),
          reason: run.reason,
          actor: run.actor,
          ...(actorUserId ? { actorUserId } : {}),
          // The key is this run's and this worker holds the run: an unsettled use of it was a
          // previous holder's, which died mid-order.
          reclaimUnsettledKey: true,
        });
        if (result.duplicate) delta.skipped++;
        else delta.moved++;
      } catch (error) {
        if (isDomainError(error) && error.code === "BACKPRESSURE") {
          retryInMs = BACKPRESSURE_WAIT_MS;
          break;
        }
        if (!isDomainError(error) || !REFUSED_SUBMISSION.has(error.code)) throw error;
        deps.logger.warn(
          { err: error, runId: run.id, auditEventId: String(event.id) },
          "submission not re-submitted",
        );
        delta.failed++;
      }
      delta.processed++;
      cursor = event.id;
    }
    if (cursor !== null) {
      const saved = String(cursor);
      await deps.prisma.$transaction((tx) => saveProgress(tx, fence, delta, saved));
    }
    return retryInMs === undefined ? { done: false } : { done: false, retryInMs };
  };
}
