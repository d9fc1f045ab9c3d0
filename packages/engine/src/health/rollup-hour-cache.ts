import { type PrismaClient, queryPrepared } from "@qmc/db";
import {
  addSums,
  type MinuteRange,
  type RangeSums,
  sumRollupBuckets,
  sumRollupRanges,
} from "./rollup-sums.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Rows written by a statement that committed late still carry an earlier `updatedAt`. */
const LATE_COMMIT_SLACK_MS = 60_000;

const WATERMARK_SQL = {
  name: "health_rollup_watermark",
  text: `SELECT max("updatedAt") AS "latest" FROM "MetricRollup"`,
};
const CHANGED_HOURS_SQL = {
  name: "health_rollup_changed_hours",
  text: `
    SELECT (extract(epoch FROM date_trunc('hour', "minute")) * 1000)::float8 AS "hour", max("updatedAt") AS "latest"
    FROM "MetricRollup" WHERE "updatedAt" > $1::timestamp(3) GROUP BY 1`,
};

/** Consecutive hours as runs of minutes: one scan each, however many hours it holds. */
function runsOf(hours: readonly number[]): MinuteRange[] {
  const runs: MinuteRange[] = [];
  for (const hour of [...hours].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last.to.getTime() === hour) last.to = new Date(hour + HOUR_MS);
    else runs.push({ from: new Date(hour), to: new Date(hour + HOUR_MS) });
  }
  return runs;
}

export interface RollupHourCacheOptions {
  /** Hours kept at most (oldest dropped first). @defaultValue 768 (32 days) */
  maxHours: number;
  /** Hours older than this are dropped: their rollups are pruned. @defaultValue 31 */
  keepDays: number;
}

/**
 * Sums of past whole hours of rollups, kept per process, so a chart of 7 days or a phase level held
 * for weeks reads ~170 cached hours plus two partial hours at its ends instead of every minute row.
 * Before each read it asks Postgres which hours had a rollup written since its last look (the
 * `updatedAt` index) and forgets those, so a late flush is never hidden; rows deleted by pruning
 * are older than `keepDays` and dropped here too.
 */
export class RollupHourCache {
  private readonly hours = new Map<number, RangeSums>();
  private watermark: Date | null = null;
  private readonly options: RollupHourCacheOptions;

  constructor(
    private readonly prisma: PrismaClient,
    options: Partial<RollupHourCacheOptions> = {},
  ) {
    this.options = { maxHours: 768, keepDays: 31, ...options };
  }

  /** Per range, every stream's sums over the minutes that start in `[from, to)`. */
  async sum(ranges: readonly MinuteRange[], now: Date = new Date()): Promise<RangeSums[]> {
    await this.forgetChanged(now);
    const plans = ranges.map((r) => this.split(r, now));
    const missing = [...new Set(plans.flatMap((p) => p.hours))].filter((h) => !this.hours.has(h));
    const edges = plans.flatMap((p) => p.edges);
    const [loaded, edgeSums] = await Promise.all([
      sumRollupBuckets(this.prisma, runsOf(missing), HOUR_MS),
      sumRollupRanges(this.prisma, edges),
    ]);
    const fresh = new Map(missing.map((h) => [h, loaded.get(h) ?? {}]));
    for (const [hour, sums] of fresh) this.hours.set(hour, sums);
    this.trim(now);
    let edge = 0;
    return plans.map((plan) => {
      const total: RangeSums = {};
      for (const hour of plan.hours) addSums(total, fresh.get(hour) ?? this.hours.get(hour) ?? {});
      for (let i = 0; i < plan.edges.length; i++) addSums(total, edgeSums[edge++] ?? {});
      return total;
    });
  }

  /** Whole past hours inside the range (cacheable) and the minute ranges left at its ends. */
  private split(range: MinuteRange, now: Date): { hours: number[]; edges: MinuteRange[] } {
    const from = range.from.getTime() - (range.from.getTime() % MINUTE_MS);
    const to = range.to.getTime();
    if (to <= from) return { hours: [], edges: [] };
    const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const lastHourEnd = Math.min(Math.floor(to / HOUR_MS), Math.floor(now.getTime() / HOUR_MS)) * HOUR_MS;
    if (lastHourEnd <= firstHour) return { hours: [], edges: [{ from: new Date(from), to: new Date(to) }] };
    const hours: number[] = [];
    for (let h = firstHour; h < lastHourEnd; h += HOUR_MS) hours.push(h);
    const edges: MinuteRange[] = [];
    if (from < firstHour) edges.push({ from: new Date(from), to: new Date(firstHour) });
    if (lastHourEnd < to) edges.push({ from: new Date(lastHourEnd), to: new Date(to) });
    return { hours, edges };
  }

  private async forgetChanged(now: Date): Promise<void> {
    if (this.watermark === null) {
      const [row] = await queryPrepared<{ latest: Date | null }>(this.prisma, WATERMARK_SQL, []);
      this.watermark = row?.latest ?? new Date(0);
      return;
    }
    const since = new Date(this.watermark.getTime() - LATE_COMMIT_SLACK_MS);
    const changed = await queryPrepared<{ hour: number; latest: Date }>(this.prisma, CHANGED_HOURS_SQL, [
      since.toISOString(),
    ]);
    for (const row of changed) {
      this.hours.delete(Number(row.hour));
      if (row.latest > this.watermark) this.watermark = row.latest;
    }
    this.trim(now);
  }

  private trim(now: Date): void {
    const oldest = now.getTime() - this.options.keepDays * 86_400_000;
    for (const hour of this.hours.keys()) if (hour < oldest) this.hours.delete(hour);
    if (this.hours.size <= this.options.maxHours) return;
    const sorted = [...this.hours.keys()].sort((a, b) => a - b);
    for (const hour of sorted.slice(0, this.hours.size - this.options.maxHours)) this.hours.delete(hour);
  }
}

const caches = new WeakMap<PrismaClient, RollupHourCache>();

/** The process's hour cache for this database client. */
export function rollupHours(prisma: PrismaClient): RollupHourCache {
  let cache = caches.get(prisma);
  if (!cache) {
    cache = new RollupHourCache(prisma);
    caches.set(prisma, cache);
  }
  return cache;
}
