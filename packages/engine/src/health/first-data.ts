import { type PrismaClient, queryPrepared } from "@qmc/db";

const FIRST_MINUTE_SQL = {
  name: "health_first_rollup_minute",
  text: `SELECT min("minute") AS "first" FROM "MetricRollup"`,
};

/**
 * The first minute any process counted anything (one step down the minute index): windows that
 * reach back before it average throughput from it, not over time before any order existed.
 */
export async function firstRollupMinute(prisma: PrismaClient): Promise<Date | null> {
  const [row] = await queryPrepared<{ first: Date | null }>(prisma, FIRST_MINUTE_SQL, []);
  return row?.first ? new Date(row.first) : null;
}
