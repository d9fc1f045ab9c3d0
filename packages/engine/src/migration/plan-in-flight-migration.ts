import { LEGACY_STATUSES, type LegacyStatus } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";

/** What an in-flight migration would do, computed without writing anything. */
export interface InFlightMigrationPlan {
  /** Legacy orders not yet migrated, per status (unknown status strings are not counted). */
  byStatus: Record<LegacyStatus, number>;
  /** Queued orders a run would move (submitted at or before `generatedAt`). */
  toMove: number;
  /** Ids of queued orders a run would move, oldest first, at most `sampleSize`. */
  sampleIds: string[];
  /** The instant the plan describes; a run started from it moves orders submitted up to then. */
  generatedAt: Date;
}

/** Options of {@link planInFlightMigration}. */
export interface PlanOptions {
  /** How many queued ids to list (0–1000). @defaultValue 100 */
  sampleSize?: number;
  /** Count orders submitted up to this instant. @defaultValue now */
  asOf?: Date;
}

/** Most ids a plan lists: the plan is stored on the run and shown in the console. */
export const MAX_PLAN_SAMPLE = 1_000;

/**
 * The dry run of the in-flight migration: how many legacy orders are in each status, how many
 * queued ones would move to the new system (running ones finish in legacy, finished ones stay),
 * and the first of them. Reads only.
 */
export async function planInFlightMigration(
  prisma: PrismaClient,
  { sampleSize = 100, asOf = new Date() }: PlanOptions = {},
): Promise<InFlightMigrationPlan> {
  const take = Math.max(0, Math.min(MAX_PLAN_SAMPLE, Math.floor(sampleSize)));
  // One snapshot for counts and sample, so the list never contradicts the numbers.
  const [groups, sample] = await prisma.$transaction(
    (tx) =>
      Promise.all([
        tx.legacyWorkOrder.groupBy({
          by: ["status"],
          where: { migratedAt: null, submittedAt: { lte: asOf } },
          _count: { _all: true },
        }),
        tx.legacyWorkOrder.findMany({
          where: { status: "queued", migratedAt: null, submittedAt: { lte: asOf } },
          orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
          select: { id: true },
          take,
        }),
      ]),
    { isolationLevel: "RepeatableRead" },
  );
  const byStatus = Object.fromEntries(LEGACY_STATUSES.map((s) => [s, 0])) as Record<LegacyStatus, number>;
  for (const group of groups) {
    const status = group.status as LegacyStatus;
    if (status in byStatus) byStatus[status] = group._count._all;
  }
  return { byStatus, toMove: byStatus.queued, sampleIds: sample.map((o) => o.id), generatedAt: asOf };
}

/** The plan as stored in `BackgroundRun.plan` (JSON: the date as ISO text). */
export function planToJson(plan: InFlightMigrationPlan) {
  return { ...plan, generatedAt: plan.generatedAt.toISOString() };
}
