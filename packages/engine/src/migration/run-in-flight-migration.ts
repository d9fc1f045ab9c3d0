import { assertReason } from "@qmc/core";
import type { BackgroundRun, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { SystemQueues } from "../queues/system-queues.ts";
import { enqueueRun, ensureRunJob } from "../runs/run-queue.ts";
import { findRun, insertQueuedRun, listRuns, reopenFailedRun } from "../runs/run-store.ts";
import { assertBatchSize, type RunFilter } from "./migration-run-filter.ts";
import { createDryRun } from "./migration-run-store.ts";
import { type InFlightMigrationPlan, planInFlightMigration, planToJson } from "./plan-in-flight-migration.ts";

/** What {@link InFlightMigration} needs: the database, the queues (runs go to a worker), a logger. */
export interface InFlightMigrationDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  logger: Logger;
}

/** Who asks and why; the reason (1–500 characters after trimming) goes to the audit trail. */
export interface MigrationRequest {
  actor: string;
  actorUserId?: string;
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
  run: BackgroundRun;
  plan: InFlightMigrationPlan;
}

/**
 * The in-flight migration (migration plan, "Migrating In-Flight Work Orders"): queued legacy
 * orders move to the new system as PENDING, `migrated`, with their original submission time;
 * started ones finish in legacy; finished ones stay. A real run is a background run: `start`
 * records it and queues it for a worker (see `runs/`), which moves the orders batch by batch
 * (`inFlightMigrationStep`), saving cursor and counts with every batch. One migration at a time.
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
    const run = await createDryRun(this.deps.prisma, { actor: request.actor, reason, plan, filter });
    return { run, plan };
  }

  /**
   * Records a run of the queued legacy orders submitted up to now (QUEUED, audited as
   * `migration.start`) and hands it to the workers; returns at once. Follow it with
   * {@link InFlightMigration.getRun}.
   * @throws DomainError REASON_REQUIRED, before anything is written
   * @throws DomainError RUN_IN_PROGRESS when a migration is queued or running already
   * @throws RangeError for a batch size outside 1–1000
   */
  async start(request: StartRequest): Promise<BackgroundRun> {
    const reason = checkedReason(request.reason);
    const batchSize = request.batchSize ?? 200;
    assertBatchSize(batchSize);
    const plan = await planInFlightMigration(this.deps.prisma);
    const filter = runFilter(plan.generatedAt, batchSize);
    const run = await insertQueuedRun(this.deps.prisma, {
      type: "IN_FLIGHT_MIGRATION",
      filter,
      plan: planToJson(plan),
      total: plan.toMove,
      actor: request.actor,
      ...(request.actorUserId ? { actorUserId: request.actorUserId } : {}),
      reason,
      auditAfter: { byStatus: plan.byStatus, filter },
    });
    await enqueueRun(this.deps.queues.runs, run.id, this.deps.logger);
    this.deps.logger.info({ runId: run.id, total: run.total }, "in-flight migration queued");
    return run;
  }

  /**
   * Continues a FAILED run from its cursor, with its own selection (QUEUED again, audited as
   * `migration.resume`), or gives an active run whose job went missing its job back. A finished
   * run is returned unchanged.
   * @param by who resumes it, for the audit trail. @defaultValue the run's actor
   * @throws DomainError MIGRATION_RUN_NOT_FOUND; RUN_IN_PROGRESS when another migration is active
   */
  async resume(runId: string, by?: { actor: string; actorUserId?: string }): Promise<BackgroundRun> {
    const run = await findRun(this.deps.prisma, runId, "IN_FLIGHT_MIGRATION");
    const who = { actor: by?.actor ?? run.actor, reason: run.reason, ...by };
    const reopened = await reopenFailedRun(this.deps.prisma, run, who);
    if (reopened.status === "QUEUED" || reopened.status === "RUNNING") {
      await ensureRunJob(this.deps.queues.runs, runId);
    }
    return reopened;
  }

  /**
   * A run with its progress (status, total, processed, moved, skipped, failed, cursor, error).
   * @throws DomainError MIGRATION_RUN_NOT_FOUND
   */
  getRun(runId: string): Promise<BackgroundRun> {
    return findRun(this.deps.prisma, runId, "IN_FLIGHT_MIGRATION");
  }

  /** The latest runs, dry runs included, newest first. */
  listRuns(take = 20): Promise<BackgroundRun[]> {
    return listRuns(this.deps.prisma, { type: "IN_FLIGHT_MIGRATION", take });
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
