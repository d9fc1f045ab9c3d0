import { assertReason } from "@qmc/core";
import type { MigrationRun, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { SystemQueues } from "../queues/system-queues.ts";
import { type BatchContext, migrateBatch } from "./migration-batch.ts";
import {
  assertBatchSize,
  decodeCursor,
  encodeCursor,
  pageWhere,
  type RunFilter,
  RunFilterSchema,
} from "./migration-run-filter.ts";
import { createRun, endRun, findRun, reopenRun } from "./migration-run-store.ts";
import { type InFlightMigrationPlan, planInFlightMigration } from "./plan-in-flight-migration.ts";

/** What {@link InFlightMigration} needs: the database, both systems' queues, a logger. */
export interface InFlightMigrationDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  logger: Logger;
}

/** Who asks and why; the reason (1–500 characters after trimming) goes to the audit trail. */
export interface MigrationRequest {
  actor: string;
  reason: string;
}

export interface DryRunRequest extends MigrationRequest {
  /** Queued ids listed in the plan. @defaultValue 100 */
  sampleSize?: number;
}

export interface StartRequest extends MigrationRequest {
  /** Orders per batch: per transaction and per progress update (1–1000). @defaultValue 200 */
  batchSize?: number;
}

/** A dry run: the stored run (dryRun true, COMPLETED) and the plan it holds. */
export interface DryRunResult {
  run: MigrationRun;
  plan: InFlightMigrationPlan;
}

/**
 * The in-flight migration (migration plan, "Migrating In-Flight Work Orders"): queued legacy
 * orders move to the new system as PENDING, `migrated`, with their original submission time;
 * started ones finish in legacy; finished ones stay. Runs page oldest first and save their cursor
 * and counts with every batch, so progress is visible and a crashed or failed run resumes where it
 * stopped. Safe to repeat and to run beside live legacy workers: see {@link migrateBatch}.
 */
export class InFlightMigration {
  constructor(private readonly deps: InFlightMigrationDeps) {}

  /**
   * Counts what a run would move and records that as a finished dry run. Changes no order.
   * @throws DomainError REASON_REQUIRED
   */
  async dryRun(request: DryRunRequest): Promise<DryRunResult> {
    const reason = checkedReason(request.reason);
    const plan = await planInFlightMigration(this.deps.prisma, { sampleSize: request.sampleSize ?? 100 });
    const filter = runFilter(plan.generatedAt, 200);
    const run = await createRun(this.deps.prisma, {
      actor: request.actor,
      reason,
      plan,
      filter,
      dryRun: true,
    });
    return { run, plan };
  }

  /**
   * Starts a run and processes it to the end. Returns the finished run: COMPLETED, or FAILED with
   * `error` (resumable with {@link InFlightMigration.resume}) when a batch fails: a failure is a
   * state of the run, not an exception. Throws only if even that cannot be recorded (database
   * down); the run then stays RUNNING, equally resumable.
   * @throws DomainError REASON_REQUIRED, before anything is written
   * @throws RangeError for a batch size outside 1–1000
   */
  async start(request: StartRequest): Promise<MigrationRun> {
    const reason = checkedReason(request.reason);
    const batchSize = request.batchSize ?? 200;
    assertBatchSize(batchSize);
    const plan = await planInFlightMigration(this.deps.prisma);
    const filter = runFilter(plan.generatedAt, batchSize);
    const run = await createRun(this.deps.prisma, {
      actor: request.actor,
      reason,
      plan,
      filter,
      dryRun: false,
    });
    this.deps.logger.info({ runId: run.id, total: run.total }, "in-flight migration started");
    return this.process(run);
  }

  /**
   * Continues a RUNNING (its process died) or FAILED run from its cursor, with its own selection.
   * A run in any other state is returned unchanged. Do not resume a run another process is still
   * working on: both would be safe for the orders, but its counts would be off.
   * @param by who resumes it, for the audit trail. @defaultValue the run's actor
   * @throws DomainError MIGRATION_RUN_NOT_FOUND
   */
  async resume(runId: string, by?: { actor: string }): Promise<MigrationRun> {
    const run = await findRun(this.deps.prisma, runId);
    const reopened = await reopenRun(this.deps.prisma, run, by?.actor ?? run.actor);
    if (!reopened) return run;
    this.deps.logger.info({ runId, cursor: reopened.cursor }, "in-flight migration resumed");
    return this.process(reopened);
  }

  /**
   * A run with its progress (total, processed, moved, skipped, failed, cursor).
   * @throws DomainError MIGRATION_RUN_NOT_FOUND
   */
  getRun(runId: string): Promise<MigrationRun> {
    return findRun(this.deps.prisma, runId);
  }

  /** The latest runs, dry runs included, newest first. */
  listRuns(take = 20): Promise<MigrationRun[]> {
    return this.deps.prisma.migrationRun.findMany({
      where: { type: "IN_FLIGHT_MIGRATION" },
      orderBy: { createdAt: "desc" },
      take: Math.max(1, Math.min(100, Math.floor(take))),
    });
  }

  private async process(run: MigrationRun): Promise<MigrationRun> {
    const { prisma, logger } = this.deps;
    const context: BatchContext = { runId: run.id, actor: run.actor, reason: run.reason };
    try {
      const filter = RunFilterSchema.parse(run.filter);
      let cursor = decodeCursor(run.cursor);
      for (;;) {
        const page = await prisma.legacyWorkOrder.findMany({
          where: pageWhere(filter, cursor),
          orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
          select: { id: true, kind: true, priority: true, submittedAt: true },
          take: filter.batchSize,
        });
        const last = page[page.length - 1];
        if (!last) break;
        cursor = { submittedAt: last.submittedAt, id: last.id };
        const saved = encodeCursor(cursor);
        const counts = await migrateBatch(this.deps, context, page, (tx, c) =>
          tx.migrationRun.update({
            where: { id: run.id },
            data: {
              processed: { increment: c.processed },
              moved: { increment: c.moved },
              skipped: { increment: c.skipped },
              failed: { increment: c.failed },
              cursor: saved,
            },
          }),
        );
        logger.debug({ runId: run.id, cursor: saved, ...counts }, "migration batch done");
      }
    } catch (error) {
      logger.error({ err: error, runId: run.id }, "in-flight migration failed; resumable");
      return endRun(prisma, run.id, error);
    }
    const finished = await endRun(prisma, run.id);
    logger.info(
      { runId: run.id, moved: finished.moved, skipped: finished.skipped },
      "in-flight migration done",
    );
    return finished;
  }
}

function checkedReason(reason: string): string {
  const trimmed = typeof reason === "string" ? reason.trim() : reason;
  assertReason(trimmed);
  return trimmed;
}

function runFilter(upTo: Date, batchSize: number): RunFilter {
  return { status: "queued", submittedAtOrBefore: upTo.toISOString(), batchSize };
}
