import {
  compareOutcomes,
  type ExecutionOutcome,
  isLegacyTerminalStatus,
  legacyStatusToState,
  parseLegacyStatus,
} from "@qmc/core";
import type { Prisma, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";

/** Both runs of a shadowed order, once both have finished and before they were compared. */
interface FinishedPair {
  legacyId: string;
  legacyStatus: string;
  legacyExitCode: number | null;
  legacyDigest: string | null;
  legacyDurationMs: number | null;
  shadowId: string;
  shadowState: "COMPLETED" | "FAILED" | "CANCELLED";
  shadowExitCode: number | null;
  shadowDigest: string | null;
  shadowDurationMs: number | null;
}

const FINISHED_PAIRS_SQL = `
  SELECT l."id" AS "legacyId", l."status" AS "legacyStatus", l."exitCode" AS "legacyExitCode",
         l."outputDigest" AS "legacyDigest", la."durationMs" AS "legacyDurationMs",
         w."id" AS "shadowId", w."state"::text AS "shadowState", w."exitCode" AS "shadowExitCode",
         w."outputDigest" AS "shadowDigest", wa."durationMs" AS "shadowDurationMs"
  FROM "WorkOrder" w
  JOIN "LegacyWorkOrder" l ON l."id" = w."shadowOfId"
  LEFT JOIN "ShadowComparison" c ON c."shadowWorkOrderId" = w."id"
  LEFT JOIN "ExecutionAttempt" la ON la."system" = 'LEGACY' AND la."workOrderId" = l."id" AND la."attempt" = 1
  LEFT JOIN "ExecutionAttempt" wa ON wa."system" = 'NEW' AND wa."workOrderId" = w."id" AND wa."attempt" = w."attempts"
  WHERE w."role" = 'SHADOW' AND c."id" IS NULL
    AND w."state" IN ('COMPLETED', 'FAILED', 'CANCELLED')
    AND l."status" IN ('completed', 'failed')
  ORDER BY w."finishedAt"
  LIMIT $1`;

function outcome(
  state: ExecutionOutcome["state"],
  exitCode: number | null,
  digest: string | null,
  ms: number | null,
) {
  return { state, exitCode, outputDigest: digest, durationMs: ms ?? 0 };
}

/**
 * Shadow mode's referee: when a legacy order and its shadow have both finished, their
 * outcomes (state, exit code, output digest, duration) are compared with the core's rules and
 * the result stored. The legacy result stays the order's result; this only records agreement.
 */
export class ShadowComparator {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pass ??= this.compareFinished()
        .catch((error: unknown) => this.logger.error({ err: error }, "shadow comparison pass failed"))
        .finally(() => {
          this.pass = null;
        });
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** Compares every finished, uncompared pair (up to `limit`); returns how many it stored. */
  async compareFinished(limit = 500): Promise<number> {
    const pairs = await this.prisma.$queryRawUnsafe<FinishedPair[]>(FINISHED_PAIRS_SQL, limit);
    const rows: Prisma.ShadowComparisonCreateManyInput[] = [];
    for (const p of pairs) {
      const status = parseLegacyStatus(p.legacyStatus);
      if (!isLegacyTerminalStatus(status)) continue;
      const legacy = outcome(
        legacyStatusToState(status) as ExecutionOutcome["state"],
        p.legacyExitCode,
        p.legacyDigest,
        p.legacyDurationMs,
      );
      const shadow = outcome(p.shadowState, p.shadowExitCode, p.shadowDigest, p.shadowDurationMs);
      const result = compareOutcomes(legacy, shadow);
      rows.push({
        legacyWorkOrderId: p.legacyId,
        shadowWorkOrderId: p.shadowId,
        outcome: result.equal ? "MATCH" : "MISMATCH",
        differences: (result.equal ? [] : result.differences) as unknown as Prisma.InputJsonValue,
        legacyOutcome: legacy,
        shadowOutcome: shadow,
      });
    }
    if (rows.length) await this.prisma.shadowComparison.createMany({ data: rows, skipDuplicates: true });
    return rows.length;
  }
}

export interface ConsistencyRate {
  compared: number;
  matched: number;
  /** matched / compared, or null when nothing was compared in the window. */
  rate: number | null;
}

/** Shadow consistency over a time window (by comparison time). */
export async function shadowConsistency(
  prisma: PrismaClient,
  from: Date,
  to: Date,
): Promise<ConsistencyRate> {
  const groups = await prisma.shadowComparison.groupBy({
    by: ["outcome"],
    where: { comparedAt: { gte: from, lt: to } },
    _count: true,
  });
  const matched = groups.find((g) => g.outcome === "MATCH")?._count ?? 0;
  const compared = groups.reduce((sum, g) => sum + g._count, 0);
  return { compared, matched, rate: compared ? matched / compared : null };
}

/** The latest shadow runs that disagreed with legacy, newest first, with the fields that differ. */
export function latestShadowMismatches(prisma: PrismaClient, limit: number) {
  return prisma.shadowComparison.findMany({
    where: { outcome: "MISMATCH" },
    orderBy: { comparedAt: "desc" },
    take: limit,
  });
}
