import { type LegacyP99Baseline, streamWindow } from "@qmc/core";
import { type PrismaClient, queryPrepared } from "@qmc/db";
import { readRollupWindow } from "../metrics/rollup-store.ts";

const MINUTE_MS = 60_000;
/** Rollups are kept 30 days: no baseline can be older. */
const LOOKBACK_MS = 31 * 86_400_000;
/** Legacy minutes looked at, newest first: plenty for any window with the minimum sample. */
const MAX_MINUTES = 2_000;
/** A baseline found is reused this long (it only moves when legacy finishes orders again). */
const REUSE_MS = 60_000;

// Through the primary key (stream, minute, source), newest minute first: the scan stops early.
const LEGACY_MINUTES_SQL = {
  name: "guard_legacy_finished_minutes",
  text: `
    SELECT "minute", sum("completed" + "failed")::float8 AS "finished"
    FROM "MetricRollup"
    WHERE "stream" = 'LEGACY' AND "minute" < $1::timestamp(3) AND "minute" >= $2::timestamp(3)
    GROUP BY "minute" HAVING sum("completed" + "failed") > 0
    ORDER BY "minute" DESC LIMIT ${MAX_MINUTES}`,
};

/**
 * The latest window of `windowMinutes` whole minutes, ending before `before`, in which legacy
 * finished at least `minSample` orders; null when none did. `minutes` is newest first.
 */
export function latestWindowWithSample(
  minutes: ReadonlyArray<{ minute: Date; finished: number }>,
  windowMinutes: number,
  minSample: number,
): { from: Date; to: Date } | null {
  let sum = 0;
  let next = 0;
  // Each candidate window ends just after a minute with legacy orders, newest first; the minutes
  // inside it are [newest, next), a run that only ever slides back in time.
  for (let newest = 0; newest < minutes.length; newest++) {
    const end = (minutes[newest]?.minute.getTime() ?? 0) + MINUTE_MS;
    const start = end - windowMinutes * MINUTE_MS;
    while (next < minutes.length && (minutes[next]?.minute.getTime() ?? 0) >= start) {
      sum += minutes[next]?.finished ?? 0;
      next++;
    }
    if (sum >= minSample) return { from: new Date(start), to: new Date(end) };
    sum -= minutes[newest]?.finished ?? 0;
  }
  return null;
}

/**
 * Finds legacy's p99 over the last earlier window (of the rule's length) that had the P99 rule's
 * minimum sample: the baseline the rule compares with when legacy finishes too few orders in the
 * current window — at 100 % it finishes none. Reads rollups only, through the primary key.
 */
export class LegacyBaselineReader {
  private cached: {
    key: string;
    at: number;
    found: Omit<LegacyP99Baseline, "ageSeconds"> | null;
  } | null = null;

  constructor(private readonly prisma: PrismaClient) {}

  async read(
    before: Date,
    windowSeconds: number,
    minSample: number,
    now: Date,
  ): Promise<LegacyP99Baseline | null> {
    const key = `${windowSeconds}|${minSample}`;
    const reuse = this.cached?.key === key && now.getTime() - this.cached.at < REUSE_MS;
    const found =
      reuse && this.cached ? this.cached.found : await this.find(before, windowSeconds, minSample);
    if (!reuse) this.cached = { key, at: now.getTime(), found };
    return found ? { ...found, ageSeconds: (now.getTime() - found.to.getTime()) / 1000 } : null;
  }

  private async find(before: Date, windowSeconds: number, minSample: number) {
    const rows = await queryPrepared<{ minute: Date; finished: number }>(this.prisma, LEGACY_MINUTES_SQL, [
      before.toISOString(),
      new Date(before.getTime() - LOOKBACK_MS).toISOString(),
    ]);
    const minutes = rows.map((r) => ({ minute: new Date(r.minute), finished: Number(r.finished) }));
    const window = latestWindowWithSample(minutes, Math.max(1, Math.ceil(windowSeconds / 60)), minSample);
    if (!window) return null;
    const legacy = streamWindow(
      "LEGACY",
      await readRollupWindow(this.prisma, window.from, window.to),
      window,
    );
    if (legacy.p99LatencyMs === null || legacy.finished < minSample) return null;
    return { p99LatencyMs: legacy.p99LatencyMs, finished: legacy.finished, from: window.from, to: window.to };
  }
}
