import type { BackgroundRun, Prisma, PrismaClient } from "@qmc/db";
import type { RunFilter } from "./migration-run-filter.ts";
import { type InFlightMigrationPlan, planToJson } from "./plan-in-flight-migration.ts";

export interface NewDryRun {
  actor: string;
  reason: string;
  plan: InFlightMigrationPlan;
  filter: RunFilter;
}

/**
 * Records a dry run: stored finished (COMPLETED), holding no lock, changing no order. It is still
 * audited (`migration.dry_run`): it records who counted, and why. Its creation, start and finish
 * are one instant, the plan's own: left to a column default, `createdAt` was read from another
 * clock a few milliseconds later, and the run appeared to finish before it was created.
 */
export async function createDryRun(prisma: PrismaClient, run: NewDryRun): Promise<BackgroundRun> {
  const now = run.plan.generatedAt;
  const data = {
    type: "IN_FLIGHT_MIGRATION",
    status: "COMPLETED",
    dryRun: true,
    filter: run.filter,
    plan: planToJson(run.plan),
    total: run.plan.toMove,
    actor: run.actor,
    reason: run.reason,
    createdAt: now,
    startedAt: now,
    finishedAt: now,
  } satisfies Prisma.BackgroundRunCreateInput;
  return prisma.$transaction(async (tx) => {
    const created = await tx.backgroundRun.create({ data });
    await tx.auditEvent.create({
      data: {
        at: now,
        actor: run.actor,
        action: "migration.dry_run",
        subjectType: "BackgroundRun",
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
