import type { PrismaClient } from "@qmc/db";

/** Old vs new over one time window (Comparison page), from the attempt rows of both systems. */
export interface SystemStats {
  system: "LEGACY" | "NEW";
  finished: number;
  failed: number;
  errorRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Finished attempts per minute over the window. */
  throughputPerMinute: number;
}

const STATS_SQL = `
  SELECT "system"::text AS "system",
         count(*)::int AS "finished",
         count(*) FILTER (WHERE "errorClass" IS NOT NULL)::int AS "failed",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY "durationMs") AS "p50",
         percentile_cont(0.99) WITHIN GROUP (ORDER BY "durationMs") AS "p99"
  FROM "ExecutionAttempt"
  WHERE "endedAt" >= $1::timestamp(3) AND "endedAt" < $2::timestamp(3) AND "role" = 'PRIMARY'
  GROUP BY "system"`;

export async function systemStats(prisma: PrismaClient, from: Date, to: Date): Promise<SystemStats[]> {
  const rows = await prisma.$queryRawUnsafe<
    Array<{
      system: "LEGACY" | "NEW";
      finished: number;
      failed: number;
      p50: number | null;
      p99: number | null;
    }>
  >(STATS_SQL, from.toISOString(), to.toISOString());
  const minutes = Math.max(1 / 60, (to.getTime() - from.getTime()) / 60_000);
  return (["LEGACY", "NEW"] as const).map((system) => {
    const row = rows.find((r) => r.system === system);
    const finished = row?.finished ?? 0;
    return {
      system,
      finished,
      failed: row?.failed ?? 0,
      errorRate: finished ? (row?.failed ?? 0) / finished : null,
      p50Ms: row?.p50 === null || row?.p50 === undefined ? null : Number(row.p50),
      p99Ms: row?.p99 === null || row?.p99 === undefined ? null : Number(row.p99),
      throughputPerMinute: finished / minutes,
    };
  });
}
