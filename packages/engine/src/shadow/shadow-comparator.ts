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
  shadowFinishedAt: Date | null;
}

/**
 * Finished, uncompared pairs, oldest shadow finish first. `$2` bounds the shadows read to those
 * finished since then (a windowed pass); without it every finished shadow is read (a full pass).
 * Both walk `WorkOrder_shadow_finishedAt_idx` in order and test each shadow with two index
 * lookups (compared yet? legacy finished?) until the page is full, so the planner never trades
 * them for a scan of every comparison or legacy order.
 */
const pairsSql = (windowed: boolean) => `
  WITH pending AS MATERIALIZED (
    SELECT w."id", w."shadowOfId", w."state", w."exitCode", w."outputDigest", w."attempts", w."finishedAt"
    FROM "WorkOrder" w
    WHERE w."shadowOfId" IS NOT NULL AND w."terminalState" IS NOT NULL
      ${windowed ? `AND w."finishedAt" >= $2::timestamp(3)` : ""}
      AND (SELECT c."id" FROM "ShadowComparison" c WHERE c."shadowWorkOrderId" = w."id") IS NULL
      AND (SELECT l."status" FROM "LegacyWorkOrder" l WHERE l."id" = w."shadowOfId") IN ('completed', 'failed')
    ORDER BY w."finishedAt"
    LIMIT $1
  )
  SELECT l."id" AS "legacyId", l."status" AS "legacyStatus", l."exitCode" AS "legacyExitCode",
         l."outputDigest" AS "legacyDigest", la."durationMs" AS "legacyDurationMs",
         w."id" AS "shadowId", w."state"::text AS "shadowState", w."exitCode" AS "shadowExitCode",
         w."outputDigest" AS "shadowDigest", wa."durationMs" AS "shadowDurationMs",
         w."finishedAt" AS "shadowFinishedAt"
  FROM pending w
  JOIN "LegacyWorkOrder" l ON l."id" = w."shadowOfId"
  LEFT JOIN "ExecutionAttempt" la ON la."system" = 'LEGACY' AND la."workOrderId" = l."id" AND la."attempt" = 1
  LEFT JOIN "ExecutionAttempt" wa ON wa."system" = 'NEW' AND wa."workOrderId" = w."id" AND wa."attempt" = w."attempts"
  ORDER BY w."finishedAt"`;

const ALL_PAIRS_SQL = pairsSql(false);
const PAIRS_SINCE_SQL = pairsSql(true);

/**
 * The oldest finish among shadows whose legacy order has not finished yet: their pairs become
 * ready later, so a windowed pass must still reach back to them. Read through the open legacy
 * orders (the backlog), never the history.
 */
const OLDEST_WAITING_SQL = `
  SELECT min(w."finishedAt") AS "at"
  FROM "LegacyWorkOrder" l
  JOIN "WorkOrder" w ON w."shadowOfId" = l."id"
  WHERE l."status" IN ('queued', 'building', 'running') AND l."migratedAt" IS NULL
    AND w."terminalState" IS NOT NULL`;

/**
 * How far a windowed pass reaches behind what it knows is done: a shadow's finish time is stamped
 * by its worker before the batch commits, and workers' clocks differ. A finish that commits later
 * than this after its stamp is found by the next full pass.
 */
const WINDOW_MARGIN_MS = 60_000;
/** How often a pass reads every finished shadow instead of a window (and the first pass does). */
const FULL_PASS_EVERY_MS = 10 * 60_000;

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
  /**
   * Where the next windowed pass starts: every ready pair whose shadow finished before it has
   * been compared. Null until a full pass ran. Each pass reads the shadows finished since (a
   * minute's worth, plus the oldest still waiting for its legacy order), not the history.
   */
  private since: Date | null = null;
  private lastFullPassAt = 0;

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

  /**
   * Compares finished, uncompared pairs (up to `limit`, oldest first); returns how many it
   * stored. A full pass (the first, then every 10 minutes, or `full`) reads every finished
   * shadow; the others read those finished since the window's start.
   */
  async compareFinished(limit = 500, options: { full?: boolean } = {}): Promise<number> {
    const startedAt = Date.now();
    const full =
      options.full === true || this.since === null || startedAt - this.lastFullPassAt >= FULL_PASS_EVERY_MS;
    // Read before the pairs: a legacy order that finishes in between is then either waiting here
    // or ready there, never neither.
    const [waiting] = await this.prisma.$queryRawUnsafe<Array<{ at: Date | null }>>(OLDEST_WAITING_SQL);
    const pairs = full
      ? await this.prisma.$queryRawUnsafe<FinishedPair[]>(ALL_PAIRS_SQL, limit)
      : await this.prisma.$queryRawUnsafe<FinishedPair[]>(PAIRS_SINCE_SQL, limit, this.since?.toISOString());
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
    // Everything ready up to `done` is compared now: all of it when the page was not full.
    const last = pairs.at(-1)?.shadowFinishedAt;
    const done = pairs.length === limit && last ? last.getTime() : startedAt;
    // The next window starts there, or at the oldest shadow still waiting for its legacy order.
    this.since = new Date(Math.min(done, waiting?.at?.getTime() ?? done) - WINDOW_MARGIN_MS);
    if (full) this.lastFullPassAt = startedAt;
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
