import { isDomainError, type LegacyStatus } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { type OrderMetrics, recordLegacyFinish } from "../metrics/order-metrics.ts";
import { attemptRow } from "../new-system/attempt-record.ts";
import { writeUntilLanded } from "../shared/write-until-landed.ts";
import {
  type LegacyClaim,
  LegacyStatusBatcher,
  type LegacyStatusChange,
  setLegacyStatus,
} from "./legacy-status-writer.ts";

export interface LegacyStateWritesDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** How long a write is retried through database faults before the order is given up. */
  writeRetryMs: number;
  /** True once the worker shuts down: a given-up order is then left to recovery. */
  stopping: () => boolean;
  metrics?: OrderMetrics | undefined;
}

/** The order a worker holds, as far as its writes need it. */
export interface HeldLegacyOrder {
  id: string;
  submittedAt: Date;
  claim: LegacyClaim;
}

/** A state write that could not land within `WRITE_RETRY_MS`, and why, in words. */
export class LegacyWriteGaveUp extends Error {
  constructor(
    readonly from: LegacyStatus,
    readonly to: LegacyStatus,
    waitedMs: number,
    readonly lastError: unknown,
  ) {
    const seconds = Math.max(1, Math.round(waitedMs / 1000));
    super(
      `the database was unreachable for ${seconds} s while recording ${from} → ${to} (${driverReason(lastError)})`,
    );
    this.name = "LegacyWriteGaveUp";
  }
}

/**
 * The database's own words for a failed statement, in one line: Prisma wraps them in a multi-line
 * message with a code frame, which has no place in an order's failure reason.
 */
function driverReason(error: unknown): string {
  const adapter = (error as { meta?: { driverAdapterError?: { cause?: { originalMessage?: unknown } } } })
    ?.meta?.driverAdapterError?.cause?.originalMessage;
  if (typeof adapter === "string" && adapter) return adapter;
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").map((line) => line.trim());
  return (lines.filter(Boolean).pop() ?? "unknown error").slice(0, 200);
}

/** In flight: the statuses a given-up order may be in under its claim, from a write between them. */
const IN_FLIGHT = new Set<LegacyStatus>(["building", "running"]);

/**
 * The legacy worker's state writes (claim, start, finish), each guarded by status and claim and
 * retried through database faults with the new system's helper (writeUntilLanded), so a cut
 * connection costs a retry, never the order.
 */
export class LegacyStateWrites {
  /** Concurrent orders' changes share a statement and a commit. */
  private readonly batcher: LegacyStatusBatcher;

  constructor(private readonly deps: LegacyStateWritesDeps) {
    this.batcher = new LegacyStatusBatcher(deps.prisma);
  }

  /**
   * Lands `change` on `order`: true when it landed (also when an earlier try committed but its
   * answer was lost), false when the guard refused it (the order moved on without this worker).
   * @throws LegacyWriteGaveUp when the database kept failing for `writeRetryMs`.
   */
  async land(order: HeldLegacyOrder, change: LegacyStatusChange): Promise<boolean> {
    const started = Date.now();
    let retried = false;
    let landed: boolean;
    try {
      landed = await writeUntilLanded(() => this.batcher.set(order.id, change), {
        deadlineMs: this.deps.writeRetryMs,
        onRetry: (error, tries, delayMs) => {
          retried = true;
          this.deps.logger.warn(
            { err: error, workOrderId: order.id, tries, delayMs, from: change.from, to: change.to },
            "state write failed; retrying",
          );
        },
      });
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw new LegacyWriteGaveUp(change.from, change.to, Date.now() - started, error);
    }
    return landed || (retried && (await this.holds(order, change.to)));
  }

  /**
   * Fails an order whose write gave up, with what happened as its reason, from whichever status
   * the write left it in under this worker's claim. Legacy has no retries: the order fails here
   * rather than as "worker … stopped" from recovery. Retried until the database answers or the
   * worker stops. True when it failed the order; false when the order was not this worker's
   * (a claim that never landed leaves it queued, and its job is delivered again).
   * @throws the last database error once the worker stops first: recovery then settles it.
   */
  async failGivenUp(order: HeldLegacyOrder, gaveUp: LegacyWriteGaveUp): Promise<boolean> {
    const errorMessage = gaveUp.message;
    const row = attemptRow(
      {
        system: "LEGACY",
        role: "PRIMARY",
        workOrderId: order.id,
        attempt: 1,
        workerId: order.claim.workerId,
        startedAt: order.claim.startedAt,
        queuedMs: order.claim.startedAt.getTime() - order.submittedAt.getTime(),
      },
      { status: "failed", errorClass: "INTERNAL", errorMessage, run: null },
    );
    const statuses = [gaveUp.from, gaveUp.to].filter((s) => IN_FLIGHT.has(s));
    const failed = await writeUntilLanded(
      async () => {
        for (const from of statuses) {
          const change: LegacyStatusChange = {
            from,
            to: "failed",
            workerId: order.claim.workerId,
            claim: order.claim,
            fields: { finishedAt: new Date(), errorMessage },
            attemptRow: row,
          };
          if (await setLegacyStatus(this.deps.prisma, order.id, change)) return true;
        }
        return false;
      },
      {
        deadlineMs: Number.POSITIVE_INFINITY,
        shouldStop: this.deps.stopping,
        onRetry: (error, tries, delayMs) =>
          this.deps.logger.warn(
            { err: error, workOrderId: order.id, tries, delayMs },
            "recording a given-up order failed; retrying",
          ),
      },
    );
    if (failed) recordLegacyFinish(this.deps.metrics, "failed", row, order.submittedAt);
    return failed;
  }

  /** Whether the order is in `status` under this claim: a try that landed unseen. */
  private async holds(order: HeldLegacyOrder, status: LegacyStatus): Promise<boolean> {
    const row = await this.deps.prisma.legacyWorkOrder.findUnique({
      where: { id: order.id },
      select: { status: true, workerId: true, startedAt: true, migratedAt: true },
    });
    return (
      row?.status === status &&
      row.migratedAt === null &&
      row.workerId === order.claim.workerId &&
      row.startedAt?.getTime() === order.claim.startedAt.getTime()
    );
  }
}
