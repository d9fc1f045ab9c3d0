import { Prisma, type PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { Redis } from "@qmc/transport";

/** The time series the metrics keep, and the column each is dated by. */
const PRUNED_TABLES = [
  { table: "MetricRollup", column: "minute" },
  { table: "QueueDepthSample", column: "at" },
  { table: "WorkerSample", column: "minute" },
] as const;

export type PruneReport = Record<(typeof PRUNED_TABLES)[number]["table"], number>;

/**
 * Deletes metric rows dated before `before`, `batchSize` rows per statement (through each
 * table's date index), so a large backlog never holds long locks or one huge transaction.
 */
export async function pruneMetrics(
  prisma: PrismaClient,
  before: Date,
  batchSize = 5_000,
): Promise<PruneReport> {
  const report = { MetricRollup: 0, QueueDepthSample: 0, WorkerSample: 0 };
  for (const { table, column } of PRUNED_TABLES) {
    const t = Prisma.raw(`"${table}"`);
    const c = Prisma.raw(`"${column}"`);
    for (;;) {
      const deleted = await prisma.$executeRaw`
        DELETE FROM ${t} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${t} WHERE ${c} < ${before} LIMIT ${batchSize}))`;
      report[table] += deleted;
      if (deleted < batchSize) break;
    }
  }
  return report;
}

export interface MetricsPrunerOptions {
  /** Rows older than this many days go. @defaultValue 30 */
  retentionDays: number;
  /** How often a pass runs across all workers. @defaultValue 3600000 */
  intervalMs?: number;
  /** @defaultValue 5000 */
  batchSize?: number;
  /** Redis key of the lock that lets one worker at a time prune. */
  lockKey: string;
  /** Who holds the lock (the worker id), for whoever looks at the key. */
  holder: string;
  logger: Logger;
}

/**
 * The retention job, in every worker: each interval, the one worker that takes the Redis lock
 * prunes; the lock lives for the whole interval, so the fleet prunes once per interval. A pass
 * that fails gives the lock back, so the next tick of any worker tries again.
 */
export class MetricsPruner {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly redis: Redis,
    private readonly options: MetricsPrunerOptions,
  ) {}

  private get intervalMs(): number {
    return this.options.intervalMs ?? 3_600_000;
  }

  start(): void {
    const tick = () => {
      this.pass ??= this.pruneOnce()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, "metrics pruning failed"))
        .finally(() => {
          this.pass = null;
        });
    };
    // Also soon after start, so a fleet that restarts more often than hourly still prunes.
    this.timer = setInterval(tick, Math.min(this.intervalMs, 60_000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** One pass if this worker gets the lock; null when another worker pruned within the interval. */
  async pruneOnce(now = new Date()): Promise<PruneReport | null> {
    const { lockKey, holder } = this.options;
    const taken = await this.redis.set(lockKey, holder, "PX", this.intervalMs, "NX");
    if (taken !== "OK") return null;
    try {
      const before = new Date(now.getTime() - this.options.retentionDays * 86_400_000);
      const report = await pruneMetrics(this.prisma, before, this.options.batchSize);
      this.options.logger.info({ ...report, before }, "metrics pruned");
      return report;
    } catch (error) {
      await this.redis.del(lockKey).catch(() => 0);
      throw error;
    }
  }
}
