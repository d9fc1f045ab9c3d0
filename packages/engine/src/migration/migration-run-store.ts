import { DomainError } from "@qmc/core";
import type { MigrationRun, Prisma, PrismaClient } from "@qmc/db";
import type { RunFilter } from "./migration-run-filter.ts";
import { type InFlightMigrationPlan, planToJson } from "./plan-in-flight-migration.ts";

const SUBJECT = "MigrationRun";
/** `MigrationRun.error` is shown in the console; a stack trace belongs in the logs. */
const MAX_ERROR_LENGTH = 2_000;

export interface NewRun {
  actor: string;
  reason: string;
  plan: InFlightMigrationPlan;
  filter: RunFilter;
  dryRun: boolean;
}

/**
 * Records a run. A dry run is stored finished (COMPLETED) and is not audited: it changed nothing.
 * A real run starts RUNNING, with its `migration.start` audit event in the same transaction.
 */
export async function createRun(prisma: PrismaClient, run: NewRun): Promise<MigrationRun> {
  const now = new Date();
  const data = {
    type: "IN_FLIGHT_MIGRATION",
    status: run.dryRun ? "COMPLETED" : "RUNNING",
    dryRun: run.dryRun,
    filter: run.filter,
    plan: planToJson(run.plan),
    total: run.plan.toMove,
    actor: run.actor,
    reason: run.reason,
    startedAt: now,
    finishedAt: run.dryRun ? now : null,
  } satisfies Prisma.MigrationRunCreateInput;
  // Every mutation is in the audit log, a dry run included (it records who counted, and why).
  return prisma.$transaction(async (tx) => {
    const created = await tx.migrationRun.create({ data });
    await tx.auditEvent.create({
      data: {
        at: now,
        actor: run.actor,
        action: run.dryRun ? "migration.dry_run" : "migration.start",
        subjectType: SUBJECT,
        subjectId: created.id,
        after: {
          status: created.status,
          total: created.total,
          byStatus: run.plan.byStatus,
          filter: run.filter,
        },
        reason: run.reason,
      },
    });
    return created;
  });
}

/** @throws DomainError MIGRATION_RUN_NOT_FOUND */
export async function findRun(
  prisma: Pick<PrismaClient, "migrationRun">,
  runId: string,
): Promise<MigrationRun> {
  const run = await prisma.migrationRun.findUnique({ where: { id: runId } });
  if (run?.type !== "IN_FLIGHT_MIGRATION") {
    throw new DomainError("MIGRATION_RUN_NOT_FOUND", `No in-flight migration run has the id ${runId}.`, {
      runId,
    });
  }
  return run;
}

/**
 * Moves a run into RUNNING again (from RUNNING after a crash, or FAILED), audited as
 * `migration.resume`. Returns null when the run is in neither state: nothing to resume.
 */
export async function reopenRun(prisma: PrismaClient, run: MigrationRun, actor: string) {
  return prisma.$transaction(async (tx) => {
    const reopened = await tx.migrationRun.updateMany({
      where: { id: run.id, dryRun: false, status: { in: ["RUNNING", "FAILED"] } },
      data: { status: "RUNNING", error: null, finishedAt: null },
    });
    if (reopened.count !== 1) return null;
    await tx.auditEvent.create({
      data: {
        actor,
        action: "migration.resume",
        subjectType: SUBJECT,
        subjectId: run.id,
        before: { status: run.status, cursor: run.cursor, processed: run.processed, error: run.error },
        after: { status: "RUNNING" },
        reason: run.reason,
      },
    });
    return findRun(tx, run.id);
  });
}

/** Ends a run as COMPLETED or FAILED, with its audit event holding the final counts. */
export async function endRun(prisma: PrismaClient, runId: string, error?: unknown): Promise<MigrationRun> {
  const message = error === undefined ? null : errorText(error);
  return prisma.$transaction(async (tx) => {
    const run = await tx.migrationRun.update({
      where: { id: runId },
      data: { status: message === null ? "COMPLETED" : "FAILED", error: message, finishedAt: new Date() },
    });
    await tx.auditEvent.create({
      data: {
        actor: run.actor,
        action: message === null ? "migration.finish" : "migration.fail",
        subjectType: SUBJECT,
        subjectId: run.id,
        after: {
          status: run.status,
          total: run.total,
          processed: run.processed,
          moved: run.moved,
          skipped: run.skipped,
          failed: run.failed,
          cursor: run.cursor,
          error: message,
        },
        reason: run.reason,
      },
    });
    return run;
  });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}
